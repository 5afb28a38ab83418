import RealModule

/// Adaptive Gauss-Legendre quadrature: each interval is integrated with the 10- and 20-point
/// rules; where they differ by more than the interval's share of the tolerance it is halved.
enum Quadrature {
    /// Nodes on [−1, 1] and weights of the n-point Gauss-Legendre rule, found by Newton's method
    /// on the Legendre polynomial Pₙ (to machine precision).
    static func gaussLegendre(_ n: Int) -> [(node: Double, weight: Double)] {
        var rule: [(node: Double, weight: Double)] = []
        for i in 1...n {
            var x = Double.cos(Double.pi * (Double(i) - 0.25) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                for k in 2...n {
                    let k = Double(k)
                    (p0, p1) = (p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k)
                }
                derivative = Double(n) * (x * p1 - p0) / (x * x - 1)
                let step = p1 / derivative
                x -= step
                if abs(step) < 1e-16 { break }
            }
            rule.append((x, 2 / ((1 - x * x) * derivative * derivative)))
        }
        return rule
    }

    static let rule10 = gaussLegendre(10)
    static let rule20 = gaussLegendre(20)

    static func apply(_ rule: [(node: Double, weight: Double)], _ a: Double, _ b: Double, _ f: (Double) -> Double) -> Double {
        let half = 0.5 * (b - a), mid = 0.5 * (a + b)
        var sum = 0.0
        for (node, weight) in rule { sum += weight * f(mid + half * node) }
        return sum * half
    }

    /// ∫ f over [a, b] to about `tolerance` absolute error, splitting at most `maxDepth` times.
    static func integrate(_ a: Double, _ b: Double, tolerance: Double, maxDepth: Int = 40, _ f: (Double) -> Double) -> Double {
        if !(b > a) { return 0 }
        let coarse = apply(rule10, a, b, f)
        let fine = apply(rule20, a, b, f)
        if abs(fine - coarse) <= tolerance || maxDepth == 0 || (b - a) <= 1e-15 * max(abs(a), abs(b)) {
            return fine
        }
        let mid = 0.5 * (a + b)
        return integrate(a, mid, tolerance: tolerance / 2, maxDepth: maxDepth - 1, f)
            + integrate(mid, b, tolerance: tolerance / 2, maxDepth: maxDepth - 1, f)
    }
}
