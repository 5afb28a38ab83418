#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Statistics
import TSDB

/// The `<aggregation>_over_time` family and other functions that summarise the values of one
/// series over its window.
///
/// Same contract as `RangeFunctions`: the float samples of one series inside
/// `(rangeStart, rangeEnd]`, time-ordered, stale markers removed; nil means no output.
/// Prometheus never calls these for an empty window, and they return nil for one.
/// `absent_over_time` has no kernel: it is 1 for a step where no selected series had a sample
/// in its window (the evaluator builds its labels from the selector's equality matchers like
/// `absent`).
public enum OverTimeFunctions {
    /// `avg_over_time`: the Kahan-compensated sum divided by the count, switching to an
    /// incremental mean once the sum would overflow.
    public static func avg(_ samples: ArraySlice<Sample>) -> Double? {
        guard let first = samples.first else { return nil }
        var mean = RunningMean(first.v)
        for s in samples.dropFirst() { mean.add(s.v) }
        return mean.value
    }

    /// `sum_over_time`: Kahan sum (the compensation is dropped when the sum is infinite).
    public static func sum(_ samples: ArraySlice<Sample>) -> Double? {
        if samples.isEmpty { return nil }
        var sum = KahanSum()
        for s in samples { sum.add(s.v) }
        return sum.sum.isInfinite ? sum.sum : sum.value
    }

    /// `count_over_time`.
    public static func count(_ samples: ArraySlice<Sample>) -> Double? {
        samples.isEmpty ? nil : Double(samples.count)
    }

    /// `min_over_time`: NaN only when every value is NaN.
    public static func min(_ samples: ArraySlice<Sample>) -> Double? {
        extreme(samples) { $0 < $1 }?.v
    }

    /// `max_over_time`: NaN only when every value is NaN.
    public static func max(_ samples: ArraySlice<Sample>) -> Double? {
        extreme(samples) { $0 > $1 }?.v
    }

    /// `ts_of_min_over_time`: seconds of the LAST sample holding the minimum.
    public static func timestampOfMin(_ samples: ArraySlice<Sample>) -> Double? {
        extreme(samples) { $0 <= $1 }.map { seconds($0.t) }
    }

    /// `ts_of_max_over_time`: seconds of the LAST sample holding the maximum.
    public static func timestampOfMax(_ samples: ArraySlice<Sample>) -> Double? {
        extreme(samples) { $0 >= $1 }.map { seconds($0.t) }
    }

    /// `last_over_time`.
    public static func last(_ samples: ArraySlice<Sample>) -> Double? { samples.last?.v }

    /// `first_over_time`.
    public static func first(_ samples: ArraySlice<Sample>) -> Double? { samples.first?.v }

    /// `ts_of_last_over_time`: the last sample's timestamp in seconds.
    public static func timestampOfLast(_ samples: ArraySlice<Sample>) -> Double? { samples.last.map { seconds($0.t) } }

    /// `ts_of_first_over_time`: the first sample's timestamp in seconds.
    public static func timestampOfFirst(_ samples: ArraySlice<Sample>) -> Double? { samples.first.map { seconds($0.t) } }

    /// `present_over_time`: 1 for a series with any sample in the window.
    public static func present(_ samples: ArraySlice<Sample>) -> Double? { samples.isEmpty ? nil : 1 }

    /// `quantile_over_time(φ, …)`; see `PrometheusQuantile.quantile` for φ outside [0, 1] and NaNs.
    /// When `PrometheusQuantile.isInvalidPhi(φ)` the evaluator adds `FunctionAnnotation.invalidQuantile(φ)`
    /// (once per call; the result is still returned).
    public static func quantile(_ phi: Double, _ samples: ArraySlice<Sample>) -> Double? {
        if samples.isEmpty { return nil }
        var values = samples.map(\.v)
        return PrometheusQuantile.quantile(phi, sorting: &values)
    }

    /// `mad_over_time`: median absolute deviation from the median; NaN if any value is NaN.
    public static func mad(_ samples: ArraySlice<Sample>) -> Double? {
        if samples.isEmpty { return nil }
        var values = [Double]()
        values.reserveCapacity(samples.count)
        for s in samples {
            if s.v.isNaN { return .nan }
            values.append(s.v)
        }
        let median = PrometheusQuantile.quantile(0.5, sorting: &values)
        for i in values.indices { values[i] = (values[i] - median).magnitude }
        return PrometheusQuantile.quantile(0.5, sorting: &values)
    }

    /// `stdvar_over_time`: population variance (Welford's method with Kahan-compensated mean and
    /// sum of squares).
    public static func stdvar(_ samples: ArraySlice<Sample>) -> Double? {
        if samples.isEmpty { return nil }
        var count = 0.0
        var mean = KahanSum(), squares = KahanSum()
        for s in samples {
            count += 1
            let delta = s.v - mean.value
            mean.add(delta / count)
            squares.add(delta * (s.v - mean.value))
        }
        return squares.value / count
    }

    /// `stddev_over_time`: square root of `stdvar_over_time`.
    public static func stddev(_ samples: ArraySlice<Sample>) -> Double? {
        stdvar(samples).map { $0.squareRoot() }
    }

    /// `double_exponential_smoothing(v, sf, tf)` (formerly holt_winters): needs ≥ 2 samples.
    /// Throws Prometheus's execution error when sf or tf is not strictly between 0 and 1 (checked
    /// before the sample count, so even a one-sample window fails). A NaN factor passes the
    /// check, as in Prometheus, and yields NaN.
    public static func doubleExponentialSmoothing(_ samples: ArraySlice<Sample>, smoothingFactor sf: Double,
                                                  trendFactor tf: Double) throws(PromQLError) -> Double? {
        if sf <= 0 || sf >= 1 {
            throw PromQLError(.execution, "invalid smoothing factor. Expected: 0 < sf < 1, got: " + goPercentF(sf))
        }
        if tf <= 0 || tf >= 1 {
            throw PromQLError(.execution, "invalid trend factor. Expected: 0 < tf < 1, got: " + goPercentF(tf))
        }
        guard samples.count >= 2 else { return nil }
        let values = samples.lazy.map(\.v)
        var index = values.startIndex
        let v0 = values[index]
        index = values.index(after: index)
        // s1 is the current smoothed value, s0 the previous one, b the trend.
        var s0 = 0.0, s1 = v0
        var b = values[index] - v0
        var step = 1
        while index < values.endIndex {
            let x = sf * values[index]
            if step > 1 { b = tf * (s1 - s0) + (1 - tf) * b }
            let y = (1 - sf) * (s1 + b)
            s0 = s1
            s1 = x + y
            step += 1
            index = values.index(after: index)
        }
        return s1
    }

    // MARK: - Helpers

    /// Go's float64(ms) / 1000.
    @inlinable
    static func seconds(_ ms: Int64) -> Double { Double(ms) / 1000 }

    /// The sample Prometheus's compareOverTime picks: start with the first, replace whenever
    /// `better(candidate, current)` or the current value is NaN.
    private static func extreme(_ samples: ArraySlice<Sample>, _ better: (Double, Double) -> Bool) -> Sample? {
        guard var best = samples.first else { return nil }
        for s in samples where better(s.v, best.v) || best.v.isNaN {
            best = s
        }
        return best
    }

    /// Go's `%f`: six decimals, "NaN", "+Inf", "-Inf".
    static func goPercentF(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        var buffer = [CChar](repeating: 0, count: 400)
        let n = buffer.withUnsafeMutableBufferPointer { buf -> Int32 in
            withVaList([v]) { vsnprintf(buf.baseAddress, buf.count, "%.6f", $0) }
        }
        return String(decoding: buffer.prefix(Int(Swift.max(n, 0))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
