import RealModule

/// The distribution of the two-sided one-sample Kolmogorov-Smirnov statistic Dₙ (scipy's
/// `kstwo`), used for the two-sample test's asymptotic p-value. The regimes follow Simard and
/// L'Ecuyer (2011) as scipy applies them: Ruben-Gambino's closed forms at the extremes,
/// 2 × Smirnov's one-sided tail (Birnbaum-Tingey sum) where the two tails do not overlap, the
/// exact Durbin matrix (Marsaglia, Tsang and Wang 2003) for small n·d, and the Pelz-Good
/// series otherwise.
enum KolmogorovDistribution {
    /// P(Dₙ ≥ d).
    static func survival(_ d: Double, n: Int) -> Double {
        let nd = Double(n)
        if d >= 1 { return 0 }
        if d <= 0 { return 1 }
        let t = nd * d
        if t <= 1 {
            if t <= 0.5 { return 1 }
            // P(Dₙ < d) = n!/nⁿ · (2t − 1)ⁿ.
            let cdf = Double.exp(logFactorialOverPower(n) + nd * Double.log(2 * t - 1))
            return 1 - cdf
        }
        if t >= nd - 1 { return 2 * Double.pow(1 - d, nd) }
        if d >= 0.5 { return 2 * smirnov(n, d) }
        let nx2 = t * d
        if n <= 140 {
            if nx2 <= 4 { return 1 - durbin(n, d) }
            return 2 * smirnov(n, d)
        }
        if nx2 >= 370 { return 0 }
        if nx2 >= 2.2 { return 2 * smirnov(n, d) }
        if n <= 100_000 && nd * Double.pow(d, 1.5) <= 1.4 { return 1 - durbin(n, d) }
        return 1 - pelzGood(n, d)
    }

    static func logFactorialOverPower(_ n: Int) -> Double {
        Double.logGamma(Double(n) + 1) - Double(n) * Double.log(Double(n))
    }

    /// Smirnov's one-sided P(Dₙ⁺ ≥ d) = d Σⱼ C(n, j) (1 − d − j/n)ⁿ⁻ʲ (d + j/n)ʲ⁻¹, j ≤ ⌊n(1 − d)⌋.
    static func smirnov(_ n: Int, _ d: Double) -> Double {
        let nd = Double(n)
        let last = Int((nd * (1 - d)).rounded(.down))
        let logChooseBase = Double.logGamma(nd + 1)
        var sum = 0.0
        for j in 0...max(0, last) {
            let jd = Double(j)
            let a = 1 - d - jd / nd
            if a <= 0 { continue }
            let logTerm = logChooseBase - Double.logGamma(jd + 1) - Double.logGamma(nd - jd + 1)
                + (nd - jd) * Double.log(a) + (jd - 1) * Double.log(d + jd / nd)
            sum += Double.exp(logTerm)
        }
        return min(1, d * sum)
    }

    /// P(Dₙ < d) by the Durbin matrix: n!/nⁿ · (Hⁿ)ₖₖ, k = ⌊nd⌋ + 1, with scaling by powers of 2.
    static func durbin(_ n: Int, _ d: Double) -> Double {
        let k = Int((Double(n) * d).rounded(.down)) + 1
        let m = 2 * k - 1
        let h = Double(k) - Double(n) * d
        var matrix = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0..<m where i - j + 1 >= 0 { matrix[i * m + j] = 1 }
        }
        var power = 1.0
        for i in 0..<m {
            power *= h
            matrix[i * m] -= power                    // first column: h^(i+1)
            matrix[(m - 1) * m + (m - 1 - i)] -= power // last row: h^(m−j)
        }
        if 2 * h - 1 > 0 { matrix[(m - 1) * m] += Double.pow(2 * h - 1, Double(m)) }
        for i in 0..<m {
            for j in 0..<m where i - j + 1 > 0 {
                matrix[i * m + j] /= Double.exp(Double.logGamma(Double(i - j + 2)))
            }
        }
        // Square-and-multiply, carrying a binary exponent so nothing overflows.
        var result: [Double]? = nil
        var resultExponent = 0
        var base = matrix, baseExponent = 0
        var e = n
        while e > 0 {
            if e & 1 == 1 {
                if let r = result {
                    result = multiply(r, base, m)
                    resultExponent += baseExponent
                } else {
                    result = base
                    resultExponent = baseExponent
                }
                rescale(&result!, &resultExponent)
            }
            e >>= 1
            if e > 0 {
                base = multiply(base, base, m)
                baseExponent *= 2
                rescale(&base, &baseExponent)
            }
        }
        let centre = result![(k - 1) * m + (k - 1)]
        let logValue = Double.log(max(centre, 0)) + Double(resultExponent) * Double.log(2) + logFactorialOverPower(n)
        return min(1, max(0, Double.exp(logValue)))
    }

    static func multiply(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for l in 0..<m {
                let ail = a[i * m + l]
                if ail == 0 { continue }
                for j in 0..<m { c[i * m + j] += ail * b[l * m + j] }
            }
        }
        return c
    }

    /// Divides by a power of two so the largest entry is near 1, adding it to `exponent`.
    static func rescale(_ a: inout [Double], _ exponent: inout Int) {
        let largest = a.reduce(0) { max($0, abs($1)) }
        if largest == 0 || (largest > 1e-100 && largest < 1e100) { return }
        let shift = largest.exponent
        for i in a.indices { a[i] = Double(sign: .plus, exponent: -Int(shift), significand: 1) * a[i] }
        exponent += Int(shift)
    }

    /// The Pelz-Good (1976) expansion of P(Dₙ ≤ d) in powers of n^(−1/2).
    static func pelzGood(_ n: Int, _ d: Double) -> Double {
        let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let nd = Double(n)
        let z = nd.squareRoot() * d
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        var q = Double.exp(qlog)
        let k1a = -z2, k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * z4 * z4
        var terms = [0.0, 0.0, 0.0, 0.0]
        let maxK = Int((16 * z / Double.pi).rounded(.up))
        // Σ over odd m = 2k − 1 of cₘ q^(m²), by Horner in q⁸ᵏ.
        for k in stride(from: maxK, through: 1, by: -1) {
            let m = Double(2 * k - 1)
            let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
            let qPower = Double.pow(q, Double(8 * k))
            let coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
            for i in 0..<4 { terms[i] = terms[i] * qPower + coefficients[i] }
        }
        let divisors = [z, 6 * z4, 72 * z4 * z3, 6480 * z4 * z6]
        for i in 0..<4 { terms[i] = terms[i] * q * sqrt2pi / divisors[i] }
        // The sums over all integers k for K₂ and K₃.
        q = Double.exp(-pi2 / 2 / z2)
        var k2extra = 0.0, k3extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        for k in stride(from: maxK, through: 1, by: -1) {
            let kd = Double(k)
            let qk = Double.pow(q, kd * kd)
            k2extra += kd * kd * qk
            k3extra += (sqrt3z + Double.pi * kd) * (sqrt3z - Double.pi * kd) * kd * kd * qk
        }
        terms[2] += k2extra * pi2 * sqrt2pi / (-36 * z3)
        terms[3] += k3extra * pi2 * sqrt2pi / (216 * z6)
        var total = 0.0
        for i in 0..<4 { total += terms[i] / Double.pow(nd, Double(i) / 2) }
        return total
    }
}
