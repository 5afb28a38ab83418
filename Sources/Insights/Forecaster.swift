import Statistics

/// A forecasting model family.
public enum ForecastMethod: String, Sendable, Equatable, CaseIterable {
    /// Pick among the others by back-tested error.
    case auto
    /// Simple exponential smoothing (level only).
    case simple
    /// Holt's linear trend.
    case holt
    /// Holt-Winters: additive trend and additive seasonality.
    case holtWinters = "holt_winters"
}

/// What to forecast and how.
public struct ForecastOptions: Sendable, Equatable {
    /// Steps to forecast, 1...`InsightsLimits.maxHorizon`.
    public var horizon: Int
    public var method: ForecastMethod
    /// The seasonal period in steps (2...1000); nil to detect it (`detectSeasonalPeriod`).
    public var seasonLength: Int?
    /// The period to try when none is given or detected (e.g. one day of steps for metrics:
    /// a weak daily cycle escapes detection yet still improves a forecast); the back-test
    /// decides whether Holt-Winters with it wins. Only `.auto` uses it.
    public var fallbackSeasonLength: Int?
    /// Coverage of the prediction intervals, in (0, 1).
    public var level: Double

    public init(horizon: Int, method: ForecastMethod = .auto, seasonLength: Int? = nil, fallbackSeasonLength: Int? = nil,
                level: Double = 0.95) {
        self.horizon = horizon
        self.method = method
        self.seasonLength = seasonLength
        self.fallbackSeasonLength = fallbackSeasonLength
        self.level = level
    }
}

/// One method's error on the held-back last fifth of the data.
public struct Backtest: Sendable, Equatable {
    public let method: ForecastMethod
    /// Mean absolute percentage error over the held-back values; nil when one of them is 0.
    public let mape: Double?
    /// Mean absolute error over the held-back values.
    public let mae: Double
}

/// A forecast with the model behind it.
public struct Forecast: Sendable {
    /// The method used (never `.auto`).
    public let method: ForecastMethod
    /// The seasonal period used (Holt-Winters) or found; nil when there is none.
    public let seasonLength: Int?
    public let points: [ForecastPoint]
    /// Back-tests of every candidate that could be fitted, in `ForecastMethod` order.
    public let backtests: [Backtest]
    /// How many values the back-tests held back (the last fifth, at least 1).
    public let heldBack: Int
    public let model: ExponentialSmoothing

    /// The back-test of the method used; nil when the series was too short to back-test.
    public var backtest: Backtest? { backtests.first { $0.method == method } }
}

/// Exponential-smoothing forecasts with automatic model choice.
///
/// `.auto` back-tests simple, Holt and (when a season is given, detected or offered as a
/// fallback, and the first four fifths hold two full seasons) Holt-Winters: each is fitted to the first four fifths and
/// forecasts the last fifth; the lowest MAPE wins (the lowest MAE when some held-back value is
/// 0). The winner is refitted to all values. Cost: each fit is O(n·m²) per evaluation over a
/// few hundred evaluations, so `.auto` costs about five fits.
public enum Forecaster {
    public static func forecast(_ values: [Double], options: ForecastOptions) throws(InsightsError) -> Forecast {
        try validate(values, options)
        var season = options.seasonLength
        if season == nil && (options.method == .auto || options.method == .holtWinters) {
            season = ExponentialSmoothing.detectSeasonalPeriod(values)
        }
        if season == nil && options.method == .auto, let m = options.fallbackSeasonLength, (2...1000).contains(m) {
            season = m
        }
        if let m = season, seasonalWork(values.count, m) > maxSeasonalWork {
            // A period asked for is refused; one detected or offered is only not tried.
            if options.seasonLength != nil || options.method == .holtWinters {
                throw InsightsError(.tooLarge, "a seasonal fit of \(values.count) values with seasonLength \(m) is too costly "
                    + "(values × (seasonLength + 2)² = \(seasonalWork(values.count, m)); at most \(maxSeasonalWork)): send fewer "
                    + "values, downsample them, or use a shorter season")
            }
            season = nil
        }
        if options.method == .holtWinters {
            guard let m = season else {
                throw .invalid("no seasonality was detected in the values; give seasonLength for holt_winters")
            }
            if values.count < 2 * m {
                throw .invalid("holt_winters with seasonLength \(m) needs two full seasons (\(2 * m) values); got \(values.count)")
            }
        }
        let heldBack = max(1, values.count / 5)
        let train = Array(values.prefix(values.count - heldBack))
        let actual = Array(values.suffix(heldBack))
        let candidates: [ForecastMethod] = options.method == .auto ? [.simple, .holt, .holtWinters] : [options.method]
        var backtests: [Backtest] = []
        for method in candidates {
            if method == .holtWinters && (season == nil || train.count < 2 * (season ?? 0)) { continue }
            guard let model = try? fit(train, method, season) else { continue }
            guard let predicted = try? model.forecast(horizon: heldBack, level: options.level) else { continue }
            backtests.append(score(method, predicted.map(\.value), actual))
        }
        var chosen = options.method
        if chosen == .auto {
            let byPercent = backtests.allSatisfy { $0.mape != nil }
            let best = backtests.min { byPercent ? ($0.mape ?? 0) < ($1.mape ?? 0) : $0.mae < $1.mae }
            chosen = best?.method ?? .simple
        }
        let model: ExponentialSmoothing
        let points: [ForecastPoint]
        do {
            model = try fit(values, chosen, season)
            points = try model.forecast(horizon: options.horizon, level: options.level)
        } catch {
            throw .invalid("cannot fit \(chosen.rawValue) to these values: \(error.message)")
        }
        return Forecast(method: chosen, seasonLength: season, points: points,
                        backtests: backtests, heldBack: heldBack, model: model)
    }

    /// Bound on n·(m + 2)², the cost of one SSE evaluation of a seasonal fit (`ExponentialSmoothing.fit`
    /// is O(n·p²) per evaluation, p = m + 2 states, over a few hundred evaluations): about a
    /// second per fit in a release build. A week of half-hourly values with a daily season
    /// (336 × 50²) costs a quarter of it.
    public static let maxSeasonalWork = 4_000_000

    static func seasonalWork(_ n: Int, _ m: Int) -> Int { n * (m + 2) * (m + 2) }

    static func validate(_ values: [Double], _ options: ForecastOptions) throws(InsightsError) {
        if values.count < 3 { throw .invalid("values has \(values.count) entries; at least 3 needed") }
        if values.count > InsightsLimits.maxForecastValues {
            throw InsightsError(.tooLarge, "values has \(values.count) entries; at most \(InsightsLimits.maxForecastValues) "
                + "can be fitted (send the most recent ones, or downsample)")
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw .invalid("values[\(i)] is \(values[i]); values must be finite numbers")
        }
        if options.horizon < 1 || options.horizon > InsightsLimits.maxHorizon {
            throw .invalid("horizon is \(options.horizon); it must be in 1...\(InsightsLimits.maxHorizon)")
        }
        if let m = options.seasonLength, m < 2 || m > 1000 {
            throw .invalid("seasonLength is \(m); it must be in 2...1000")
        }
        if !(options.level > 0 && options.level < 1) { throw .invalid("level is \(options.level); it must be in (0, 1)") }
    }

    static func fit(_ y: [Double], _ method: ForecastMethod, _ season: Int?) throws(StatisticsError) -> ExponentialSmoothing {
        switch method {
        case .simple, .auto: return try ExponentialSmoothing.fit(y)
        case .holt: return try ExponentialSmoothing.fit(y, trend: .additive)
        case .holtWinters: return try ExponentialSmoothing.fit(y, trend: .additive, seasonal: .additive, seasonalPeriod: season)
        }
    }

    static func score(_ method: ForecastMethod, _ predicted: [Double], _ actual: [Double]) -> Backtest {
        var percent = 0.0, absolute = 0.0
        for (f, a) in zip(predicted, actual) {
            absolute += abs(a - f)
            percent += abs(a - f) / abs(a)
        }
        let n = Double(actual.count)
        return Backtest(method: method, mape: actual.contains(0) ? nil : 100 * percent / n, mae: absolute / n)
    }
}
