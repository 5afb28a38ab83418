/// Whether a change between a baseline and a current sample counts, and which way.
///
/// The rule: the current sample **changed** when all three hold:
/// 1. Mann-Whitney's two-sided p < `alpha` (the distributions differ; rank-based, so a few
///    outliers in latency-like data cannot decide it);
/// 2. |Cohen's d| ≥ `minEffect` (the shift is large against the noise, whatever the sample
///    size: with thousands of points a p-value alone flags differences nobody cares about);
/// 3. |change of the mean| ≥ `minChangePercent` percent of the baseline mean.
///
/// A change is a **regression** when the mean moved the bad way: up when `higherIsBetter` is
/// false (latency, errors, memory), down when it is true (throughput, hit rates); otherwise an
/// **improvement**. Anything else is **unchanged**.
///
/// Defaults (alpha 0.05, min effect 0.3, min change 1%) were chosen on the labelled synthetic
/// benchmark's tuning seed and checked on a different seed (`bench/insights_accuracy.py`,
/// BENCHMARKS.md).
public struct VerdictRule: Sendable, Equatable {
    public var alpha: Double
    public var minEffect: Double
    public var minChangePercent: Double
    public var higherIsBetter: Bool

    public init(alpha: Double = 0.05, minEffect: Double = 0.3, minChangePercent: Double = 1, higherIsBetter: Bool = false) {
        self.alpha = alpha
        self.minEffect = minEffect
        self.minChangePercent = minChangePercent
        self.higherIsBetter = higherIsBetter
    }

    /// Throws for alpha outside (0, 1) or a negative or non-finite threshold.
    public func validate() throws(InsightsError) {
        if !(alpha > 0 && alpha < 1) { throw .invalid("alpha is \(alpha); it must be in (0, 1)") }
        if !(minEffect >= 0 && minEffect.isFinite) { throw .invalid("minEffect is \(minEffect); it must be finite and >= 0") }
        if !(minChangePercent >= 0 && minChangePercent.isFinite) {
            throw .invalid("minChangePercent is \(minChangePercent); it must be finite and >= 0")
        }
    }
}

/// The outcome of a comparison.
public enum Verdict: String, Sendable, Equatable, CaseIterable {
    case regressed, improved, unchanged
}
