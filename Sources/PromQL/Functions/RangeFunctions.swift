import TSDB

/// Range-vector functions that look at how a series changes over its window: rate, increase,
/// delta, irate, idelta, deriv, predict_linear, resets and changes.
///
/// Every function takes the float samples of ONE series inside the window
/// `(rangeStart, rangeEnd]` (left-open, in milliseconds), time-ordered, with stale markers
/// already removed, and returns nil when Prometheus outputs nothing for that series.
/// `rangeEnd - rangeStart` must be the selector's range (offset and @ already applied).
public enum RangeFunctions {
    /// `rate(v[range])`: per-second increase with counter-reset handling and extrapolation.
    @inlinable
    public static func rate(_ samples: ArraySlice<Sample>, rangeStart: Int64, rangeEnd: Int64) -> Double? {
        extrapolatedRate(samples, rangeStart: rangeStart, rangeEnd: rangeEnd, isCounter: true, isRate: true)
    }

    /// `increase(v[range])`: like rate, but the total over the range.
    @inlinable
    public static func increase(_ samples: ArraySlice<Sample>, rangeStart: Int64, rangeEnd: Int64) -> Double? {
        extrapolatedRate(samples, rangeStart: rangeStart, rangeEnd: rangeEnd, isCounter: true, isRate: false)
    }

    /// `delta(v[range])`: last − first for gauges, extrapolated; no reset handling.
    @inlinable
    public static func delta(_ samples: ArraySlice<Sample>, rangeStart: Int64, rangeEnd: Int64) -> Double? {
        extrapolatedRate(samples, rangeStart: rangeStart, rangeEnd: rangeEnd, isCounter: false, isRate: false)
    }

    /// Prometheus's extrapolatedRate for float samples.
    ///
    /// Needs ≥ 2 samples. The raw difference (plus, for counters, the value before every drop)
    /// is stretched towards the window edges: all the way to an edge when the first/last
    /// sample is within 1.1 average sample intervals of it, otherwise by half an interval.
    /// For counters the left stretch never goes past the point where the counter would
    /// have been zero. Rates divide by the range in seconds.
    public static func extrapolatedRate(_ samples: ArraySlice<Sample>, rangeStart: Int64, rangeEnd: Int64,
                                        isCounter: Bool, isRate: Bool) -> Double? {
        guard samples.count >= 2, let first = samples.first, let last = samples.last else { return nil }
        var result = last.v - first.v
        if isCounter {
            var previous = first.v
            for s in samples.dropFirst() {
                if s.v < previous { result += previous }
                previous = s.v
            }
        }

        var durationToStart = Double(first.t - rangeStart) / 1000
        var durationToEnd = Double(rangeEnd - last.t) / 1000
        let sampledInterval = Double(last.t - first.t) / 1000
        let averageInterval = sampledInterval / Double(samples.count - 1)
        let threshold = averageInterval * 1.1

        if durationToStart >= threshold { durationToStart = averageInterval / 2 }
        if isCounter && result > 0 && first.v >= 0 {
            // Do not extrapolate to before the counter's (linearly estimated) zero point.
            let durationToZero = sampledInterval * (first.v / result)
            if durationToZero < durationToStart { durationToStart = durationToZero }
        }
        if durationToEnd >= threshold { durationToEnd = averageInterval / 2 }

        var factor = 1.0
        if sampledInterval != 0 {
            factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval
        }
        if isRate { factor /= rangeSeconds(rangeStart: rangeStart, rangeEnd: rangeEnd) }
        return result * factor
    }

    /// `irate(v[range])`: per-second rate between the last two samples; after a drop (counter
    /// reset) the last value itself is the increase.
    @inlinable
    public static func irate(_ samples: ArraySlice<Sample>) -> Double? {
        instantValue(samples, isRate: true)
    }

    /// `idelta(v[range])`: difference between the last two samples.
    @inlinable
    public static func idelta(_ samples: ArraySlice<Sample>) -> Double? {
        instantValue(samples, isRate: false)
    }

    @usableFromInline
    static func instantValue(_ samples: ArraySlice<Sample>, isRate: Bool) -> Double? {
        guard samples.count >= 2 else { return nil }
        let previous = samples[samples.endIndex - 2]
        let last = samples[samples.endIndex - 1]
        let interval = last.t - previous.t
        if interval == 0 { return nil }
        var result = last.v
        // A NaN comparison is false, so NaNs take the difference path like Prometheus.
        if !isRate || !(last.v < previous.v) { result = last.v - previous.v }
        if isRate { result /= Double(interval) / 1000 }
        return result
    }

    /// `deriv(v[range])`: least-squares slope per second; needs ≥ 2 samples.
    /// Any ±Inf value makes it NaN; a constant series gives 0.
    public static func deriv(_ samples: ArraySlice<Sample>) -> Double? {
        guard samples.count >= 2, let first = samples.first else { return nil }
        // Times are taken relative to the first sample to keep the sums small and accurate.
        return linearRegression(samples, interceptTime: first.t).slope
    }

    /// `predict_linear(v[range], t)`: the regression line's value `seconds` after
    /// `evaluationTime` (the step's timestamp in ms, not the window end); needs ≥ 2 samples.
    public static func predictLinear(_ samples: ArraySlice<Sample>, seconds: Double, evaluationTime: Int64) -> Double? {
        guard samples.count >= 2 else { return nil }
        let (slope, intercept) = linearRegression(samples, interceptTime: evaluationTime)
        return slope * seconds + intercept
    }

    /// Least-squares fit of value over time (seconds relative to `interceptTime`), summed
    /// with Kahan compensation. Returns the slope and the line's value at `interceptTime`.
    /// A constant series gives (0, value), or (NaN, NaN) when that value is ±Inf.
    public static func linearRegression(_ samples: ArraySlice<Sample>, interceptTime: Int64) -> (slope: Double, intercept: Double) {
        guard let first = samples.first else { return (.nan, .nan) }
        var n = 0.0
        var sumX = KahanSum(), sumY = KahanSum(), sumXY = KahanSum(), sumX2 = KahanSum()
        var constant = true
        for s in samples {
            // (The first sample compares with itself; a NaN there is caught by the second.)
            if constant && n > 0 && s.v != first.v { constant = false }
            n += 1
            let x = Double(s.t - interceptTime) / 1e3
            sumX.add(x)
            sumY.add(s.v)
            sumXY.add(x * s.v)
            sumX2.add(x * x)
        }
        if constant {
            return first.v.isInfinite ? (.nan, .nan) : (0, first.v)
        }
        let sx = sumX.value, sy = sumY.value, sxy = sumXY.value, sx2 = sumX2.value
        let covXY = sxy - sx * sy / n
        let varX = sx2 - sx * sx / n
        let slope = covXY / varX
        let intercept = sy / n - slope * sx / n
        return (slope, intercept)
    }

    /// `resets(v[range])`: how often a value is lower than the one before it; nil without samples.
    public static func resets(_ samples: ArraySlice<Sample>) -> Double? {
        guard var previous = samples.first?.v else { return nil }
        var count = 0
        for s in samples.dropFirst() {
            if s.v < previous { count += 1 }
            previous = s.v
        }
        return Double(count)
    }

    /// `changes(v[range])`: how often a value differs from the one before it (NaN to NaN is no
    /// change); nil without samples.
    public static func changes(_ samples: ArraySlice<Sample>) -> Double? {
        guard var previous = samples.first?.v else { return nil }
        var count = 0
        for s in samples.dropFirst() {
            if s.v != previous && !(s.v.isNaN && previous.isNaN) { count += 1 }
            previous = s.v
        }
        return Double(count)
    }

    /// The range in seconds computed like Go's time.Duration.Seconds() (whole seconds plus the
    /// fractional part), so that rates divide by exactly the same number as Prometheus.
    @inlinable
    public static func rangeSeconds(rangeStart: Int64, rangeEnd: Int64) -> Double {
        let ms = rangeEnd - rangeStart
        return Double(ms / 1000) + Double((ms % 1000) * 1_000_000) / 1e9
    }

    /// The info Prometheus attaches to rate()/increase() when the metric name does not end in
    /// _total, _sum, _count or _bucket (nil otherwise, and for an empty name). The evaluator
    /// checks each input series after evaluating all steps, and adds it when the function
    /// produced at least one float output for that series.
    public static func nonCounterAnnotation(metricName: String) -> FunctionAnnotation? {
        if metricName.isEmpty { return nil }
        for suffix in ["_total", "_sum", "_count", "_bucket"] where metricName.hasSuffix(suffix) {
            return nil
        }
        return .possibleNonCounter(metricName: metricName)
    }
}
