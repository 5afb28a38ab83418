/// A correlation coefficient and its two-sided p-value for the null of no correlation.
public struct CorrelationResult: Sendable, Equatable {
    public let coefficient: Double
    public let pValue: Double
}

/// Pearson's r with the exact p-value under bivariate normality: (r + 1)/2 ~ Beta(n/2 − 1,
/// n/2 − 1), so p = 2·I_{(1−|r|)/2}(n/2 − 1, n/2 − 1), as `scipy.stats.pearsonr`. n = 2 gives
/// r = ±1 and p = 1. Throws for fewer than 2 pairs, unequal lengths, non-finite values, or
/// (`.degenerate`) a constant input.
public func pearsonCorrelation(_ x: [Double], _ y: [Double]) throws(StatisticsError) -> CorrelationResult {
    try Check.sameLength(x.count, "x", y.count, "y")
    try Check.sample(x, "x", minimum: 2)
    try Check.sample(y, "y", minimum: 2)
    let r = try Correlations.pearson(x, y)
    if x.count == 2 { return CorrelationResult(coefficient: r, pValue: 1) }
    let a = Double(x.count) / 2 - 1
    let p = 2 * SpecialFunctions.regularizedBeta(a, a, x: (1 - abs(r)) / 2, y: (1 + abs(r)) / 2).p
    return CorrelationResult(coefficient: r, pValue: min(1, p))
}

/// Spearman's ρ: Pearson's r of the average ranks, with scipy's p-value from Student's t,
/// t = ρ√((n − 2)/((1 + ρ)(1 − ρ))) on n − 2 degrees of freedom (`scipy.stats.spearmanr`).
/// Needs n ≥ 3; other rules as `pearsonCorrelation`.
public func spearmanCorrelation(_ x: [Double], _ y: [Double]) throws(StatisticsError) -> CorrelationResult {
    try Check.sameLength(x.count, "x", y.count, "y")
    try Check.sample(x, "x", minimum: 3)
    try Check.sample(y, "y", minimum: 3)
    let rho = try Correlations.pearson(Ranks.average(x).ranks, Ranks.average(y).ranks)
    let dof = Double(x.count - 2)
    let t = rho * max(0, dof / ((rho + 1) * (1 - rho))).squareRoot()
    let p = 2 * StudentTDistribution(unchecked: dof).sf(abs(t))
    return CorrelationResult(coefficient: rho, pValue: min(1, p))
}

enum Correlations {
    /// r = Σ(x − x̄)(y − ȳ) / (‖x − x̄‖ ‖y − ȳ‖), clamped to [−1, 1].
    static func pearson(_ x: [Double], _ y: [Double]) throws(StatisticsError) -> Double {
        let mx = Moments.mean(x), my = Moments.mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            let dx = a - mx, dy = b - my
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        if sxx == 0 { throw StatisticsError(.degenerate, "x is constant; the correlation is undefined") }
        if syy == 0 { throw StatisticsError(.degenerate, "y is constant; the correlation is undefined") }
        return min(1, max(-1, sxy / (sxx.squareRoot() * syy.squareRoot())))
    }
}
