import RealModule

/// The beta distribution Beta(alpha, beta) on [0, 1], the posterior of a binomial rate.
///
/// `cdf` is the regularized incomplete beta function I_x(α, β) (continued fraction, ~1e-15
/// relative); `quantile` inverts it by Newton's method kept inside a shrinking bracket (a
/// bisection step whenever Newton would leave it), to about 1e-14 relative. Checked against
/// scipy.stats.beta.
public struct BetaDistribution: Sendable, Equatable {
    public let alpha: Double
    public let beta: Double

    /// Throws `.invalidArgument` unless both parameters are finite and > 0.
    public init(alpha: Double, beta: Double) throws(StatisticsError) {
        try Check.positive(alpha, "alpha")
        try Check.positive(beta, "beta")
        self.init(uncheckedAlpha: alpha, beta: beta)
    }

    init(uncheckedAlpha alpha: Double, beta: Double) {
        self.alpha = alpha
        self.beta = beta
    }

    public var mean: Double { alpha / (alpha + beta) }

    public var variance: Double {
        let s = alpha + beta
        return alpha * beta / (s * s * (s + 1))
    }

    /// The density at `x`; 0 outside [0, 1].
    public func pdf(_ x: Double) -> Double {
        if x < 0 || x > 1 { return 0 }
        if x == 0 { return alpha < 1 ? .infinity : (alpha == 1 ? beta : 0) }
        if x == 1 { return beta < 1 ? .infinity : (beta == 1 ? alpha : 0) }
        return SpecialFunctions.betaPowerTerms(alpha, beta, x: x, y: 1 - x) / (x * (1 - x))
    }

    /// P(X ≤ x).
    public func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return SpecialFunctions.regularizedBeta(alpha, beta, x: min(max(x, 0), 1), y: 1 - min(max(x, 0), 1)).p
    }

    /// P(X > x), accurate in the upper tail.
    public func sf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return SpecialFunctions.regularizedBeta(alpha, beta, x: min(max(x, 0), 1), y: 1 - min(max(x, 0), 1)).q
    }

    /// The x with cdf(x) = p; NaN for p outside [0, 1].
    public func quantile(_ p: Double) -> Double {
        if !(p >= 0 && p <= 1) { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return 1 }
        // Solve on the lower tail with cdf, or on the upper tail with sf, whichever target is
        // the smaller probability, so the target is never rounded.
        let upper = p > 0.5
        let target = upper ? 1 - p : p
        func tail(_ x: Double) -> Double {
            let r = SpecialFunctions.regularizedBeta(alpha, beta, x: x, y: 1 - x)
            return upper ? r.q : r.p
        }
        // Start from the normal approximation, clamped into (0, 1).
        let z = NormalDistribution.standardQuantile(p)
        var x = min(max(mean + z * variance.squareRoot(), 1e-300), 1 - 1e-16)
        var low = 0.0, high = 1.0
        for _ in 0..<400 {
            let value = tail(x)
            // The tail probability falls with x on the upper side and rises on the lower.
            let below = upper ? value > target : value < target
            if value == target { return x }
            if below { low = x } else { high = x }
            let density = pdf(x)
            var next = x
            if density > 0 && density.isFinite {
                next = x + (upper ? (value - target) : (target - value)) / density
            }
            if !(next > low && next < high) {
                // Bisect; geometrically when the bracket spans many orders of magnitude near 0.
                next = low > 0 && high / low > 1e3 ? (low * high).squareRoot() : (low == 0 && high < 1e-3 ? high / 1e3 : 0.5 * (low + high))
            }
            if abs(next - x) <= 1e-15 * x || high - low <= 1e-16 * high { return next }
            x = next
        }
        return x
    }
}
