/// One CUSUM alarm.
public struct CUSUMAlarm: Sendable, Equatable {
    public enum Direction: Sendable, Equatable { case up, down }
    /// Index of the value at which the statistic crossed the threshold.
    public let index: Int
    /// Estimated start of the shift: the index after the statistic last stood at 0.
    public let start: Int
    public let direction: Direction
}

/// The result of a CUSUM run.
public struct CUSUMResult: Sendable, Equatable {
    /// S⁺ₜ, in units of σ, after each value (reset to 0 after an alarm).
    public let upper: [Double]
    /// S⁻ₜ, in units of σ, after each value (reset to 0 after an alarm).
    public let lower: [Double]
    public let alarms: [CUSUMAlarm]
}

/// Page's tabular CUSUM for shifts of the mean, on standardized values zₜ = (xₜ − target)/σ:
/// S⁺ₜ = max(0, S⁺ₜ₋₁ + zₜ − k), S⁻ₜ = max(0, S⁻ₜ₋₁ − zₜ − k); an alarm is raised when either
/// exceeds h, and both restart from 0. k (the slack, half the shift to detect, in σ) and h
/// (the decision interval, in σ) default to the textbook 0.5 and 5 (Montgomery, "Introduction
/// to Statistical Quality Control", §9.1).
///
/// `target` and `sigma` default to the mean and sample standard deviation of the first
/// `baseline` values (all of them when nil). Throws for an empty or non-finite series, a
/// baseline of fewer than 2 values, or (`.degenerate`) σ = 0.
public func cusum(_ values: [Double], target: Double? = nil, sigma: Double? = nil, baseline: Int? = nil,
                  slack k: Double = 0.5, threshold h: Double = 5) throws(StatisticsError) -> CUSUMResult {
    try Check.sample(values, "values")
    let reference = Array(values.prefix(baseline ?? values.count))
    if target == nil || sigma == nil { try Check.sample(reference, "baseline", minimum: 2) }
    let mu = target ?? Moments.mean(reference)
    let s = sigma ?? (Moments.sumOfSquares(reference, about: Moments.mean(reference)) / Double(reference.count - 1)).squareRoot()
    try Check.parameter(mu, "target", in: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
    if !(s > 0) || !s.isFinite { throw StatisticsError(.degenerate, "sigma is \(s); CUSUM needs a positive standard deviation") }
    try Check.parameter(k, "slack", in: 0...Double.greatestFiniteMagnitude)
    try Check.positive(h, "threshold")
    var upper: [Double] = [], lower: [Double] = [], alarms: [CUSUMAlarm] = []
    var sPlus = 0.0, sMinus = 0.0, zeroPlus = -1, zeroMinus = -1
    for (t, x) in values.enumerated() {
        let z = (x - mu) / s
        sPlus = max(0, sPlus + z - k)
        sMinus = max(0, sMinus - z - k)
        if sPlus == 0 { zeroPlus = t }
        if sMinus == 0 { zeroMinus = t }
        if sPlus > h || sMinus > h {
            let up = sPlus > h
            alarms.append(CUSUMAlarm(index: t, start: (up ? zeroPlus : zeroMinus) + 1, direction: up ? .up : .down))
            sPlus = 0; sMinus = 0; zeroPlus = t; zeroMinus = t
        }
        upper.append(sPlus)
        lower.append(sMinus)
    }
    return CUSUMResult(upper: upper, lower: lower, alarms: alarms)
}

/// PELT (Killick, Fearnhead and Eckley 2012): the exact minimiser of Σ segment costs + penalty ×
/// (number of change points) for mean shifts with the L2 cost Σ(x − segment mean)², pruning
/// candidates that can never be optimal (exact for this cost, K = 0). O(n) when change points
/// recur through the series (10⁵ values with a shift every 500: 0.8 s in a release build);
/// O(n²) when there are none (10⁴ values of pure noise: 1 s), so input is capped at 10⁵ values.
///
/// Returns the change points: the indices where a new segment starts, ascending (0 and n are
/// not included; ruptures' `Pelt(model="l2").predict` returns these plus n). Every segment has
/// at least `minSegmentLength` values. A penalty of about 2σ²·ln n (σ the noise standard
/// deviation) is a common choice. Throws for an empty, non-finite or longer than 100 000
/// series, a penalty that is not finite and ≥ 0, or `minSegmentLength` < 1.
/// Checked against ruptures' `Pelt(model="l2", min_size=…, jump=1)` and a brute-force optimal
/// partitioning.
public func peltChangePoints(_ values: [Double], penalty: Double, minSegmentLength: Int = 2) throws(StatisticsError) -> [Int] {
    try Check.sample(values, "values")
    if values.count > 100_000 { throw StatisticsError(.invalidArgument, "values has \(values.count) entries; at most 100000 allowed") }
    try Check.parameter(penalty, "penalty", in: 0...Double.greatestFiniteMagnitude)
    if minSegmentLength < 1 { throw StatisticsError(.invalidArgument, "minSegmentLength is \(minSegmentLength); at least 1 needed") }
    let n = values.count
    if n < 2 * minSegmentLength { return [] }
    let cost = SegmentCost(values)
    // best[t]: optimal cost of values[0..<t] (with a penalty per segment); last[t]: its last start.
    var best = [Double](repeating: .infinity, count: n + 1)
    var last = [Int](repeating: 0, count: n + 1)
    best[0] = -penalty
    // Candidate starts, each with the time it was found prunable (nil: not yet).
    var candidates: [(start: Int, prunableAt: Int?)] = [(0, nil)]
    for t in minSegmentLength...n {
        // The newest candidate start becomes admissible once a minimal segment fits after it.
        let newest = t - minSegmentLength
        if newest >= minSegmentLength && best[newest].isFinite { candidates.append((newest, nil)) }
        var bestValue = Double.infinity, bestStart = 0
        var totals: [Double] = []
        totals.reserveCapacity(candidates.count)
        for candidate in candidates {
            let total = best[candidate.start] + cost.of(candidate.start, t) + penalty
            totals.append(total)
            if total < bestValue { bestValue = total; bestStart = candidate.start }
        }
        best[t] = bestValue
        last[t] = bestStart
        // Prune: once best[s] + C(s, t) > best[t], the start s loses to t for every end
        // t' ≥ t + minSegmentLength (L2 costs are superadditive); until t may start a segment
        // it can still win, so it is dropped only then, which keeps the search exact.
        var kept: [(start: Int, prunableAt: Int?)] = []
        kept.reserveCapacity(candidates.count)
        for (candidate, total) in zip(candidates, totals) {
            var c = candidate
            if c.prunableAt == nil && total - penalty > bestValue { c.prunableAt = t }
            if let at = c.prunableAt, t + 1 >= at + minSegmentLength { continue }
            kept.append(c)
        }
        candidates = kept
    }
    var changePoints: [Int] = []
    var t = n
    while t > 0 {
        let s = last[t]
        if s > 0 { changePoints.append(s) }
        t = s
    }
    return changePoints.reversed()
}

/// Σ(x − mean)² of any slice in O(1) from prefix sums (shifted by the first value against
/// cancellation).
struct SegmentCost {
    let sums: [Double]
    let squares: [Double]

    init(_ values: [Double]) {
        let shift = values[0]
        var s = [0.0], q = [0.0]
        s.reserveCapacity(values.count + 1)
        q.reserveCapacity(values.count + 1)
        for v in values {
            let d = v - shift
            s.append(s[s.count - 1] + d)
            q.append(q[q.count - 1] + d * d)
        }
        sums = s
        squares = q
    }

    /// The L2 cost of values[start..<end].
    func of(_ start: Int, _ end: Int) -> Double {
        let sum = sums[end] - sums[start]
        return max(0, squares[end] - squares[start] - sum * sum / Double(end - start))
    }
}
