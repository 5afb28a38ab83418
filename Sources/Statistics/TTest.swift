/// Which way a test looks: `less` means the first sample's location is below the second's.
public enum Alternative: Sendable, Equatable {
    case twoSided, less, greater
}

/// The result of a two-sample t-test.
public struct TTestResult: Sendable, Equatable {
    /// (mean(a) − mean(b)) / standardError.
    public let t: Double
    public let degreesOfFreedom: Double
    public let pValue: Double
    /// mean(a) − mean(b).
    public let meanDifference: Double
    public let standardError: Double
    public let alternative: Alternative

    /// The confidence interval for mean(a) − mean(b) that matches the test's alternative
    /// (one-sided alternatives give a half-infinite interval), as scipy's `confidence_interval`.
    public func confidenceInterval(level: Double = 0.95) -> (lower: Double, upper: Double) {
        let dist = StudentTDistribution(unchecked: degreesOfFreedom)
        switch alternative {
        case .twoSided:
            let q = dist.quantile(0.5 + level / 2)
            return (meanDifference - q * standardError, meanDifference + q * standardError)
        case .less:
            return (-.infinity, meanDifference + dist.quantile(level) * standardError)
        case .greater:
            return (meanDifference - dist.quantile(level) * standardError, .infinity)
        }
    }
}

/// Welch's unequal-variances t-test: t = (x̄ₐ − x̄ᵦ)/√(sₐ²/nₐ + sᵦ²/nᵦ) with Welch-Satterthwaite
/// degrees of freedom. Each sample needs ≥ 2 finite values; throws `.degenerate` when both
/// variances are 0. Checked against `scipy.stats.ttest_ind(equal_var=False)`.
public func welchTTest(_ a: [Double], _ b: [Double], alternative: Alternative = .twoSided) throws(StatisticsError) -> TTestResult {
    let (ma, va, na) = try TTests.moments(a, "a")
    let (mb, vb, nb) = try TTests.moments(b, "b")
    let qa = va / na, qb = vb / nb
    let se2 = qa + qb
    if se2 == 0 { throw StatisticsError(.degenerate, "both samples have zero variance; the t statistic is undefined") }
    let df = se2 * se2 / (qa * qa / (na - 1) + qb * qb / (nb - 1))
    return TTests.result(ma - mb, se2.squareRoot(), df, alternative)
}

/// Student's equal-variances t-test (pooled variance, nₐ + nᵦ − 2 degrees of freedom), as
/// `scipy.stats.ttest_ind(equal_var=True)`. Same input rules as `welchTTest`.
public func studentTTest(_ a: [Double], _ b: [Double], alternative: Alternative = .twoSided) throws(StatisticsError) -> TTestResult {
    let (ma, va, na) = try TTests.moments(a, "a")
    let (mb, vb, nb) = try TTests.moments(b, "b")
    let df = na + nb - 2
    let pooled = ((na - 1) * va + (nb - 1) * vb) / df
    if pooled == 0 { throw StatisticsError(.degenerate, "both samples have zero variance; the t statistic is undefined") }
    return TTests.result(ma - mb, (pooled * (1 / na + 1 / nb)).squareRoot(), df, alternative)
}

enum TTests {
    static func moments(_ x: [Double], _ name: String) throws(StatisticsError) -> (Double, Double, Double) {
        try Check.sample(x, name, minimum: 2)
        let m = Moments.mean(x)
        return (m, Moments.sumOfSquares(x, about: m) / Double(x.count - 1), Double(x.count))
    }

    static func result(_ difference: Double, _ se: Double, _ df: Double, _ alternative: Alternative) -> TTestResult {
        let t = difference / se
        let dist = StudentTDistribution(unchecked: df)
        let p: Double
        switch alternative {
        case .twoSided: p = min(1, 2 * dist.sf(abs(t)))
        case .less: p = dist.cdf(t)
        case .greater: p = dist.sf(t)
        }
        return TTestResult(t: t, degreesOfFreedom: df, pValue: p, meanDifference: difference, standardError: se, alternative: alternative)
    }
}
