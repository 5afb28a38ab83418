import RealModule

/// The normal (Gaussian) distribution N(mean, standardDeviation²).
///
/// `cdf` and `sf` come from erfc, so each keeps full relative precision in its own tail
/// (`sf(40)` is about 3.6e-350 ≈ 0 but `sf(30)` = 4.9e-198 is exact to a few ulps); `quantile`
/// refines a rational starting value (Abramowitz and Stegun 26.2.23) with Halley steps on the
/// erfc-based CDF, to about 1e-15 relative. Checked against scipy.stats.norm.
public struct NormalDistribution: Sendable, Equatable {
    public let mean: Double
    public let standardDeviation: Double

    /// N(0, 1).
    public static let standard = NormalDistribution(uncheckedMean: 0, standardDeviation: 1)

    /// Throws `.invalidArgument` unless `mean` is finite and `standardDeviation` finite and > 0.
    public init(mean: Double, standardDeviation: Double) throws(StatisticsError) {
        try Check.parameter(mean, "mean", in: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
        try Check.positive(standardDeviation, "standardDeviation")
        self.init(uncheckedMean: mean, standardDeviation: standardDeviation)
    }

    init(uncheckedMean mean: Double, standardDeviation: Double) {
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The density at `x`.
    public func pdf(_ x: Double) -> Double {
        let z = (x - mean) / standardDeviation
        return .exp(-0.5 * z * z - SpecialFunctions.logSqrtTwoPi) / standardDeviation
    }

    /// P(X ≤ x).
    public func cdf(_ x: Double) -> Double {
        Self.standardCDF((x - mean) / standardDeviation)
    }

    /// P(X > x) = 1 − cdf(x), accurate in the upper tail.
    public func sf(_ x: Double) -> Double {
        Self.standardCDF(-(x - mean) / standardDeviation)
    }

    /// The x with cdf(x) = p; −∞ for p = 0, +∞ for p = 1, NaN for p outside [0, 1] or NaN.
    public func quantile(_ p: Double) -> Double {
        mean + standardDeviation * Self.standardQuantile(p)
    }

    static func standardCDF(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        return 0.5 * Double.erfc(-z * 0.707_106_781_186_547_524_40)
    }

    static func standardQuantile(_ p: Double) -> Double {
        if !(p >= 0 && p <= 1) { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p > 0.5 { return -standardQuantile(1 - p) }  // 1 − p is exact for p in [0.5, 1]
        if p == 0.5 { return 0 }
        // Lower tail: start from A&S 26.2.23 (error < 4.5e-4), then Halley's method, which
        // converges cubically; three steps reach the limit of double precision.
        let t = (-2 * Double.log(p)).squareRoot()
        var x = -(t - (2.515_517 + t * (0.802_853 + t * 0.010_328)) / (1 + t * (1.432_788 + t * (0.189_269 + t * 0.001_308))))
        for _ in 0..<3 {
            let error = standardCDF(x) - p
            if error == 0 { break }
            // u = error / density, computed in logs so the far tail does not overflow.
            let magnitude = Double.exp(Double.log(abs(error)) + 0.5 * x * x + SpecialFunctions.logSqrtTwoPi)
            let u = error < 0 ? -magnitude : magnitude
            let next = x - u / (1 + 0.5 * x * u)
            if next == x { break }
            x = next
        }
        return x
    }
}
