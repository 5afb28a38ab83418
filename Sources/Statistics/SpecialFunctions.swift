import RealModule

/// Log-gamma, log-beta and the regularized incomplete beta and gamma functions, the kernels
/// behind every distribution in this module.
///
/// Large arguments are where naive formulas lose digits: log Γ(a) − log Γ(a+b) for a = 10⁶
/// cancels six digits. So every prefactor of the form xᵃ yᵇ / B(a, b) (and xᵃ e⁻ˣ / Γ(a)) is
/// computed from the Stirling remainder δ(x) = log Γ(x) − [(x − ½) log x − x + ½ log 2π] and
/// log1p terms, never from differences of log-gamma values, once a parameter reaches 10.
/// The continued fractions use the modified Lentz method.
enum SpecialFunctions {
    static let logSqrtTwoPi = 0.918_938_533_204_672_741_78
    /// Relative accuracy the continued fractions and series aim for.
    static let epsilon = 1e-16
    /// Iteration cap; the beta fraction needs about √max(a, b) terms, so this covers a, b < 10¹⁰.
    static let maxIterations = 200_000

    static func logGamma(_ x: Double) -> Double { Double.logGamma(x) }

    /// δ(x) = log Γ(x) − [(x − ½) log x − x + ½ log 2π], the Stirling series, for x ≥ 10.
    static func stirlingRemainder(_ x: Double) -> Double {
        precondition(x >= 10)
        let r = 1 / x
        let r2 = r * r
        // Coefficients B₂ₖ / (2k(2k−1)) of the Stirling series; at x = 10 the last term is 6e-16.
        let series = 1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 * (1.0 / 1188 - r2 * (691.0 / 360_360 - r2 / 156)))))
        return r * series
    }

    /// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), for a, b > 0.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let (small, large) = a < b ? (a, b) : (b, a)
        let c = a + b
        if large < 10 {
            return logGamma(a) + logGamma(b) - logGamma(c)
        }
        if small < 10 {
            // log Γ(large) − log Γ(c) without cancellation.
            let difference = -small * .log(large) - (c - 0.5) * .log(onePlus: small / large) + small
                + stirlingRemainder(large) - stirlingRemainder(c)
            return logGamma(small) + difference
        }
        // ½ log 2π − ½ log c + (a − ½) log(a/c) + (b − ½) log(b/c) + δ(a) + δ(b) − δ(c).
        return logSqrtTwoPi - 0.5 * .log(c) + (small - 0.5) * .log(small / c)
            - (large - 0.5) * .log(onePlus: small / large)
            + stirlingRemainder(small) + stirlingRemainder(large) - stirlingRemainder(c)
    }

    /// xᵃ yᵇ / B(a, b) with y = 1 − x given separately (so callers keep its precision).
    static func betaPowerTerms(_ a: Double, _ b: Double, x: Double, y: Double) -> Double {
        if x == 0 || y == 0 { return 0 }
        if a >= 10 && b >= 10 {
            // a log(x c / a) + b log(y c / b) + ½ log(a b / c) − ½ log 2π − Δ, where
            // x c − a = x b − y a exactly, so both logarithms are well conditioned.
            let c = a + b
            let d = x * b - y * a
            let exponent = a * .log(onePlus: d / a) + b * .log(onePlus: -d / b)
                + 0.5 * .log(a / c * b) - logSqrtTwoPi
                - (stirlingRemainder(a) + stirlingRemainder(b) - stirlingRemainder(c))
            return .exp(exponent)
        }
        let logX: Double = x < 0.5 ? .log(x) : .log(onePlus: -y)
        let logY: Double = y < 0.5 ? .log(y) : .log(onePlus: -x)
        return .exp(a * logX + b * logY - logBeta(a, b))
    }

    /// The regularized incomplete beta function I_x(a, b) and its complement 1 − I_x(a, b),
    /// each to about 1e-15 relative accuracy, for a, b > 0, x in [0, 1] and y = 1 − x.
    ///
    /// The smaller of the two is computed directly (by the continued fraction on whichever side
    /// converges) and the other as one minus it, so tail probabilities keep full relative precision.
    static func regularizedBeta(_ a: Double, _ b: Double, x: Double, y: Double) -> (p: Double, q: Double) {
        if x <= 0 { return (0, 1) }
        if y <= 0 { return (1, 0) }
        if x < (a + 1) / (a + b + 2) {
            let p = betaPowerTerms(a, b, x: x, y: y) * betaFraction(a, b, x: x, y: y) / a
            return (p, 1 - p)
        }
        let q = betaPowerTerms(a, b, x: x, y: y) * betaFraction(b, a, x: y, y: x) / b
        return (1 - q, q)
    }

    /// The continued fraction 1 / (1 + d₁ / (1 + d₂ / (1 + …))) of I_x(a, b), convergent
    /// quickly for x < (a + 1) / (a + b + 2).
    static func betaFraction(_ a: Double, _ b: Double, x: Double, y: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...maxIterations {
            let m = Double(m)
            let m2 = 2 * m
            // Even step.
            var term = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            // Odd step.
            term = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= epsilon { break }
        }
        return h
    }

    /// xᵃ e⁻ˣ / Γ(a), for a > 0 and x ≥ 0.
    static func gammaPowerTerms(_ a: Double, x: Double) -> Double {
        if x == 0 { return 0 }
        if a >= 10 {
            // a log(x/a) + a − x − log Γ(a) = a·(log1p(t) − t) + ½ log(a / 2π) − δ(a), t = (x−a)/a.
            // Far from x = a, 1 + t = x/a would lose digits; take the logarithm of x/a itself.
            let t = (x - a) / a
            let core = abs(t) <= 0.25 ? a * logOnePlusMinus(t) : a * .log(x / a) + (a - x)
            return .exp(core + 0.5 * .log(a) - logSqrtTwoPi - stirlingRemainder(a))
        }
        return .exp(a * .log(x) - x - logGamma(a))
    }

    /// log(1 + t) − t, accurate also for small t.
    static func logOnePlusMinus(_ t: Double) -> Double {
        if abs(t) > 0.25 { return .log(onePlus: t) - t }
        // −t²/2 + t³/3 − t⁴/4 + …
        var power = t * t
        var sum = 0.0
        var k = 2.0
        while true {
            let term = power / k
            sum += (Int(k) % 2 == 0) ? -term : term
            if abs(term) <= epsilon * abs(sum) { break }
            power *= t
            k += 1
        }
        return sum
    }

    /// The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x), the smaller
    /// computed directly, for a > 0 and x ≥ 0.
    static func regularizedGamma(_ a: Double, x: Double) -> (p: Double, q: Double) {
        if x <= 0 { return (0, 1) }
        if x.isInfinite { return (1, 0) }
        let prefactor = gammaPowerTerms(a, x: x)
        if x < a + 1 {
            // Series: P = prefactor / a · Σ xⁿ / ((a+1)…(a+n)).
            var term = 1.0
            var sum = 1.0
            var n = a
            for _ in 0..<maxIterations {
                n += 1
                term *= x / n
                sum += term
                if term <= epsilon * sum { break }
            }
            let p = prefactor * sum / a
            return (p, 1 - p)
        }
        // Continued fraction for Q (Lentz).
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...maxIterations {
            let i = Double(i)
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= epsilon { break }
        }
        let q = prefactor * h
        return (1 - q, q)
    }
}
