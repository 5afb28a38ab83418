import Statistics
import TSDB

/// Which side of the threshold is trouble.
public enum ThresholdDirection: String, Sendable, Equatable, CaseIterable {
    /// Rising to the threshold (disk used, memory, request rate).
    case above
    /// Falling to it (free bytes, remaining quota).
    case below
}

/// When will a query's series reach a threshold?
public struct CapacityRequest: Sendable {
    public var query: String
    /// The history to fit, and its resolution (ms).
    public var range: TimeRange
    public var step: Int64
    public var threshold: Double
    public var direction: ThresholdDirection
    /// How far past the last sample to forecast, ms (at most `InsightsLimits.maxHorizon` steps).
    public var horizon: Int64
    public var method: ForecastMethod
    /// The seasonal period, ms (a multiple of `step`); nil to detect it.
    public var seasonLength: Int64?
    public var level: Double
    public var maxSeries: Int

    public init(query: String, range: TimeRange, step: Int64, threshold: Double, direction: ThresholdDirection = .above,
                horizon: Int64, method: ForecastMethod = .auto, seasonLength: Int64? = nil, level: Double = 0.95, maxSeries: Int = 10) {
        self.query = query
        self.range = range
        self.step = step
        self.threshold = threshold
        self.direction = direction
        self.horizon = horizon
        self.method = method
        self.seasonLength = seasonLength
        self.level = level
        self.maxSeries = maxSeries
    }
}

/// When the threshold is reached: by the point forecast (`time`), and the interval the
/// prediction bounds give (`earliest` from the bound nearer the threshold, `latest` from the
/// farther one). Times in ms; nil where that line does not reach it within the horizon.
public struct Crossing: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        /// The last sample is already at or past the threshold (`time` is that sample's).
        case alreadyCrossed = "already_crossed"
        case predicted
        case notWithinHorizon = "not_within_horizon"
    }

    public let status: Status
    public let time: Int64?
    public let earliest: Int64?
    public let latest: Int64?
}

public struct SeriesCapacity: Sendable {
    public let labels: Labels
    public let lastTime: Int64
    public let lastValue: Double
    /// The time of each forecast point, ms.
    public let times: [Int64]
    public let forecast: Forecast
    public let crossing: Crossing
    /// Missing steps filled by linear interpolation before fitting.
    public let filled: Int
}

public struct CapacityReport: Sendable {
    public let series: [SeriesCapacity]
    public let skipped: [SkippedSeries]
    public let horizonSteps: Int
}

/// Capacity planning: forecast each series and find where it reaches the threshold.
/// Cost: one range query, then a `Forecaster` run (about five fits with `.auto`) per series.
public enum CapacityPlanning {
    /// Fewest samples a series needs to be forecast.
    static let minimumSamples = 10

    public static func run(_ request: CapacityRequest, query: RangeQuery) throws -> CapacityReport {
        try SeriesFetch.validate(maxSeries: request.maxSeries)
        try SeriesFetch.validate(request.range, step: request.step, name: "history")
        if !request.threshold.isFinite { throw InsightsError.invalid("threshold must be a finite number") }
        if request.horizon <= 0 { throw InsightsError.invalid("horizon must be positive") }
        let steps = request.horizon / request.step
        if steps < 1 || steps > Int64(InsightsLimits.maxHorizon) {
            throw InsightsError.invalid("horizon is \(steps) steps at this step; it must be 1...\(InsightsLimits.maxHorizon) steps")
        }
        var seasonSteps: Int? = nil
        if let season = request.seasonLength {
            if season <= 0 || season % request.step != 0 {
                throw InsightsError.invalid("seasonLength must be a positive multiple of step")
            }
            seasonSteps = Int(season / request.step)
        }
        let options = ForecastOptions(horizon: Int(steps), method: request.method, seasonLength: seasonSteps,
                                      fallbackSeasonLength: dailySeason(step: request.step), level: request.level)
        // Option errors (level, season bounds) are the caller's, whatever the data.
        try Forecaster.validate([0, 0, 0], options)
        let data = try SeriesFetch.fetch(query, request.query, request.range, step: request.step,
                                         maxSeries: request.maxSeries, name: "history")
        if data.allSatisfy({ $0.values.isEmpty }) {
            throw InsightsError(.noData, "the query returned no samples in the history window (\(request.range)); "
                + "check the window against the data's time range")
        }
        var out: [SeriesCapacity] = [], skipped: [SkippedSeries] = []
        for series in data {
            if series.values.count < minimumSamples {
                skipped.append(SkippedSeries(labels: series.labels,
                                             reason: "\(series.values.count) finite samples; at least \(minimumSamples) needed"))
                continue
            }
            let (values, filled) = regular(series, step: request.step)
            let forecast: Forecast
            do {
                forecast = try Forecaster.forecast(values, options: options)
            } catch {
                skipped.append(SkippedSeries(labels: series.labels, reason: error.message))
                continue
            }
            let last = series.times[series.times.count - 1]
            let times = (1...Int64(steps)).map { last + $0 * request.step }
            let crossing = findCrossing(forecast.points, times: times, lastTime: last, lastValue: values[values.count - 1],
                                        threshold: request.threshold, direction: request.direction)
            out.append(SeriesCapacity(labels: series.labels, lastTime: last, lastValue: values[values.count - 1], times: times,
                                      forecast: forecast, crossing: crossing, filled: filled))
        }
        // Soonest crossings first.
        out.sort { ($0.crossing.time ?? $0.crossing.earliest ?? .max) < ($1.crossing.time ?? $1.crossing.earliest ?? .max) }
        return CapacityReport(series: out, skipped: skipped, horizonSteps: Int(steps))
    }

    /// One day in steps, when a day is a whole number (2...1000) of them: the cycle most
    /// metrics have, offered to `.auto` when none is detected.
    public static func dailySeason(step: Int64) -> Int? {
        guard step > 0, 86_400_000 % step == 0 else { return nil }
        let m = 86_400_000 / step
        return m >= 2 && m <= 1000 ? Int(m) : nil
    }

    /// The values on the step grid from the first sample to the last, gaps filled linearly.
    static func regular(_ series: WindowData, step: Int64) -> ([Double], Int) {
        let first = series.times[0]
        var values: [Double] = []
        var filled = 0
        var previous: (index: Int64, value: Double)? = nil
        for (t, v) in zip(series.times, series.values) {
            let index = (t - first) / step
            if let p = previous, index > p.index + 1 {
                for k in (p.index + 1)..<index {
                    let w = Double(k - p.index) / Double(index - p.index)
                    values.append(p.value + w * (v - p.value))
                    filled += 1
                }
            }
            if let p = previous, index <= p.index { continue }
            values.append(v)
            previous = (index, v)
        }
        return (values, filled)
    }

    static func findCrossing(_ points: [ForecastPoint], times: [Int64], lastTime: Int64, lastValue: Double,
                             threshold: Double, direction: ThresholdDirection) -> Crossing {
        func reached(_ v: Double) -> Bool { direction == .above ? v >= threshold : v <= threshold }
        if reached(lastValue) {
            return Crossing(status: .alreadyCrossed, time: lastTime, earliest: lastTime, latest: lastTime)
        }
        func first(_ line: (ForecastPoint) -> Double) -> Int64? {
            points.firstIndex { reached(line($0)) }.map { times[$0] }
        }
        let time = first(\.value)
        let near: (ForecastPoint) -> Double = direction == .above ? { $0.upper } : { $0.lower }
        let far: (ForecastPoint) -> Double = direction == .above ? { $0.lower } : { $0.upper }
        return Crossing(status: time == nil ? .notWithinHorizon : .predicted, time: time, earliest: first(near), latest: first(far))
    }
}
