/// The chi-squared distribution with k degrees of freedom (k > 0): P(a = k/2, x/2) of the
/// regularized incomplete gamma function, each tail computed directly. Checked against
/// scipy.stats.chi2.
public struct ChiSquaredDistribution: Sendable, Equatable {
    public let degreesOfFreedom: Double

    /// Throws `.invalidArgument` unless `degreesOfFreedom` is finite and > 0.
    public init(degreesOfFreedom: Double) throws(StatisticsError) {
        try Check.positive(degreesOfFreedom, "degreesOfFreedom")
        self.degreesOfFreedom = degreesOfFreedom
    }

    init(unchecked degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// P(X ≤ x).
    public func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return SpecialFunctions.regularizedGamma(0.5 * degreesOfFreedom, x: max(0, 0.5 * x)).p
    }

    /// P(X > x), accurate in the upper tail (the p-value of a chi-square statistic).
    public func sf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return SpecialFunctions.regularizedGamma(0.5 * degreesOfFreedom, x: max(0, 0.5 * x)).q
    }
}
