import PromQL
import UTCTime
import TSDB

/// How Insights reads metrics: evaluate a PromQL query at `start, start + step, … ≤ end`
/// (milliseconds since the epoch, inclusive) and return the series of the resulting matrix.
/// An instant evaluation is a range with `start == end`.
///
/// The server passes one that runs the real engine (`Engine.insightsQuery`); tests pass a fake.
/// Errors it throws propagate out of every analysis unchanged.
public typealias RangeQuery = (_ query: String, _ start: Int64, _ end: Int64, _ step: Int64) throws -> [SeriesSamples]

extension Engine {
    /// A `RangeQuery` that evaluates with this engine's options, reading through `querier`.
    /// `options.timeout` bounds the analysis as a whole, counted from this call: each query gets
    /// what is left of it, so an analysis of many queries takes no longer than one query may.
    public func insightsQuery(querier: @escaping @Sendable (Int64, Int64) -> Querier) -> RangeQuery {
        let deadline = ContinuousClock.now.advanced(by: options.timeout)
        let options = self.options
        return { query, start, end, step in
            var remaining = options
            remaining.timeout = ContinuousClock.now.duration(to: deadline)
            if remaining.timeout <= .zero { throw PromQLError(.timeout, "query timed out in expression evaluation") }
            let result = try Engine(options: remaining).rangeQuery(query, start: start, end: end, step: max(step, 1), querier: querier)
            guard case .matrix(let series) = result.value else { return [] }
            return series
        }
    }
}

/// A closed interval of time in milliseconds since the epoch.
public struct TimeRange: Sendable, Equatable, CustomStringConvertible {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// Both ends as RFC 3339 UTC text, for messages.
    public var description: String { "\(formatTime(start)) to \(formatTime(end))" }
}

/// Bounds that keep every analysis's cost proportional to what the caller asked for.
public enum InsightsLimits {
    /// Most points one series may have in one window (as Prometheus's range-query cap).
    public static let maxPointsPerSeries = 11_000
    /// Highest `maxSeries` a caller may ask for.
    public static let maxSeriesCeiling = 1_000
    /// Most values in a posted array.
    public static let maxPostedValues = 1_000_000
    /// Most values a forecast is fitted to (fitting is O(n·m²) per evaluation for season m).
    public static let maxForecastValues = 20_000
    /// Longest forecast, in steps.
    public static let maxHorizon = 10_000
}

/// One query's series over a window, with the non-finite samples removed.
struct WindowData {
    var labels: Labels
    var times: [Int64]
    var values: [Double]
    /// Samples dropped because they were NaN or ±Inf.
    var dropped: Int
}

enum SeriesFetch {
    /// Checks that `range` with `step` is a valid window of at most `maxPointsPerSeries` points.
    static func validate(_ range: TimeRange, step: Int64, name: String) throws(InsightsError) {
        if range.end < range.start {
            throw .invalid("the \(name) window ends (\(formatTime(range.end))) before it starts (\(formatTime(range.start)))")
        }
        if step <= 0 { throw .invalid("step must be positive") }
        let points = (range.end - range.start) / step + 1
        if points > Int64(InsightsLimits.maxPointsPerSeries) {
            throw InsightsError(.tooLarge, "the \(name) window has \(points) points per series at this step; at most "
                + "\(InsightsLimits.maxPointsPerSeries) allowed (use a larger step)")
        }
    }

    /// Checks a caller's series cap.
    static func validate(maxSeries: Int) throws(InsightsError) {
        if maxSeries < 1 || maxSeries > InsightsLimits.maxSeriesCeiling {
            throw .invalid("maxSeries is \(maxSeries); it must be in 1...\(InsightsLimits.maxSeriesCeiling)")
        }
    }

    /// Runs `query` over `range` and returns its series (finite samples only), refusing more
    /// than `maxSeries` series.
    static func fetch(_ run: RangeQuery, _ query: String, _ range: TimeRange, step: Int64, maxSeries: Int,
                      name: String) throws -> [WindowData] {
        let series = try run(query, range.start, range.end, step)
        if series.count > maxSeries {
            throw InsightsError(.tooLarge, "the query returned \(series.count) series in the \(name) window; at most \(maxSeries) "
                + "are analysed (narrow the query, aggregate it, or raise maxSeries up to \(InsightsLimits.maxSeriesCeiling))")
        }
        return series.map { s in
            var times: [Int64] = [], values: [Double] = []
            times.reserveCapacity(s.samples.count)
            values.reserveCapacity(s.samples.count)
            for x in s.samples where x.v.isFinite {
                times.append(x.t)
                values.append(x.v)
            }
            return WindowData(labels: s.labels, times: times, values: values, dropped: s.samples.count - values.count)
        }
    }
}

/// `2026-01-01T00:00:00Z` for a time in ms (seconds truncated), for messages.
func formatTime(_ ms: Int64) -> String { CivilTime.timestampLabel(ms) }
