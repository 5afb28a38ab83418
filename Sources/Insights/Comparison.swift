import Foundation
import Statistics

/// A baseline sample compared with a current one: descriptive statistics of each, the tests,
/// the effect size, and the verdict of a `VerdictRule` with the reason it gives.
///
/// Signs: `welch` and `mannWhitney` are as `scipy.stats.ttest_ind(baseline, current,
/// equal_var=False)` and `mannwhitneyu(baseline, current)` report them (t > 0 when the baseline
/// mean is higher; U of the baseline sample); `cohensD`, `meanDifference` and `changePercent`
/// are current minus baseline (positive when values went up).
public struct Comparison: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        public let count: Int
        public let mean: Double
        public let median: Double
        public let standardDeviation: Double
        public let minimum: Double
        public let maximum: Double
        public let p50: Double
        public let p95: Double
        public let p99: Double
    }

    public let baseline: Sample
    public let current: Sample
    /// current mean − baseline mean.
    public let meanDifference: Double
    /// 100 · (current mean − baseline mean) / |baseline mean|; nil when the baseline mean is 0.
    public let changePercent: Double?
    /// Welch's t-test; nil when both samples are constant (t undefined).
    public let welch: TTestResult?
    public let mannWhitney: MannWhitneyResult
    /// (current mean − baseline mean) / pooled SD; nil when both samples are constant.
    public let cohensD: Double?
    public let verdict: Verdict
    /// The rule's reasoning with the numbers it used, e.g. "regressed: Mann-Whitney p = 1.2e-08 < alpha 0.05, ...".
    public let reason: String

    /// Compares `current` with `baseline` under `rule`. Each sample needs at least 2 values, all
    /// finite; throws `.invalidInput` naming the sample and index otherwise. Cost O(n log n).
    public init(baseline: [Double], current: [Double], rule: VerdictRule = VerdictRule()) throws(InsightsError) {
        try rule.validate()
        try Comparison.check(baseline, "baseline")
        try Comparison.check(current, "current")
        do {
            self.baseline = try Comparison.describe(baseline)
            self.current = try Comparison.describe(current)
            meanDifference = self.current.mean - self.baseline.mean
            changePercent = self.baseline.mean == 0 ? nil : 100 * meanDifference / abs(self.baseline.mean)
            let constant = self.baseline.standardDeviation == 0 && self.current.standardDeviation == 0
            welch = constant ? nil : try welchTTest(baseline, current)
            cohensD = constant ? nil : try Statistics.cohensD(current, baseline)
            mannWhitney = try mannWhitneyU(baseline, current)
        } catch {
            throw .invalid(error.message)
        }
        (verdict, reason) = Comparison.judge(rule, p: mannWhitney.pValue, d: cohensD, percent: changePercent,
                                             difference: meanDifference)
    }

    static func check(_ values: [Double], _ name: String) throws(InsightsError) {
        if values.count < 2 { throw .invalid("\(name) has \(values.count) values; at least 2 needed") }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw .invalid("\(name)[\(i)] is \(values[i]); values must be finite numbers")
        }
    }

    static func describe(_ values: [Double]) throws(StatisticsError) -> Sample {
        let s = try summarize(values)
        let q = try quantiles(values, [0.5, 0.95, 0.99])
        return Sample(count: s.count, mean: s.mean, median: s.median, standardDeviation: s.standardDeviation,
                      minimum: s.minimum, maximum: s.maximum, p50: q[0], p95: q[1], p99: q[2])
    }

    /// Applies the rule; see `VerdictRule`.
    static func judge(_ rule: VerdictRule, p: Double, d: Double?, percent: Double?, difference: Double) -> (Verdict, String) {
        if difference == 0 && (d ?? 0) == 0 {
            return (.unchanged, "unchanged: the means are equal")
        }
        let pText = "Mann-Whitney p = \(short(p))"
        if !(p < rule.alpha) { return (.unchanged, "unchanged: \(pText) >= alpha \(short(rule.alpha))") }
        let dText: String
        if let d {
            dText = "|Cohen's d| = \(short(abs(d)))"
            if abs(d) < rule.minEffect {
                return (.unchanged, "unchanged: \(pText) < alpha \(short(rule.alpha)) but \(dText) < min effect \(short(rule.minEffect))")
            }
        } else {
            dText = "both samples constant"
        }
        let percentText: String
        if let percent {
            percentText = "change \(percent >= 0 ? "+" : "")\(short(percent))%"
            if abs(percent) < rule.minChangePercent {
                return (.unchanged, "unchanged: \(pText), \(dText), but |change| \(short(abs(percent)))% < min change \(short(rule.minChangePercent))%")
            }
        } else {
            percentText = "baseline mean 0"
        }
        let worse = rule.higherIsBetter ? difference < 0 : difference > 0
        let verdict: Verdict = worse ? .regressed : .improved
        let direction = rule.higherIsBetter ? "higher is better" : "lower is better"
        return (verdict, "\(verdict.rawValue): \(pText) < alpha \(short(rule.alpha)), \(dText) >= \(short(rule.minEffect)), "
            + "\(percentText) (min \(short(rule.minChangePercent))%); \(direction)")
    }
}

/// A number for a message, to 4 significant digits ("0.05", "12.35", "1.2e-08").
func short(_ v: Double) -> String { String(format: "%.4g", v) }
