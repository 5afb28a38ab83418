import Statistics
import TSDB

/// How points are judged.
public enum AnomalyMethod: String, Sendable, Equatable, CaseIterable {
    /// |x − mean| / σ over the window (population σ). Simple; one big outlier inflates σ.
    case zscore
    /// Robust z of the residual from a centred rolling median (`window` points), scaled by the
    /// robust σ (MAD) of all residuals: follows trends and slow cycles, ignores outliers.
    case robust
    /// Robust z of the residual from the hour-of-week median of the other values (history plus
    /// window), scaled by the robust σ of all residuals: for daily and weekly cycles.
    case seasonal
    /// Isolation-forest score of (value, residual from the rolling median); 100 trees, seeded.
    case isolationForest = "isolation_forest"
    /// Mean shifts found by `ChangePointSearch`; the score is the shift in noise σ.
    case changepoint

    /// The score a point must reach (in absolute value) to be flagged, unless the caller gives
    /// one. robust, seasonal and isolation_forest: the best F1 on the accuracy benchmark's
    /// tuning seed (`bench/insights_accuracy.py --seed 1 --tune`); zscore: the textbook 3 (2.75
    /// scored 0.002 higher there).
    public var defaultThreshold: Double {
        switch self {
        case .zscore: return 3
        case .robust: return 5.5
        case .seasonal: return 3.5
        case .isolationForest: return 0.7
        case .changepoint: return 3
        }
    }
}

public struct AnomalyRequest: Sendable {
    public var query: String
    public var range: TimeRange
    public var step: Int64
    public var method: AnomalyMethod
    /// nil: `method.defaultThreshold`.
    public var threshold: Double?
    /// Rolling-median width in points for `.robust` and `.isolationForest` (odd; 3...1001).
    public var window: Int
    /// `.seasonal`: how much history before `range.start` feeds the hour-of-week medians, ms.
    public var history: Int64
    public var maxSeries: Int
    public var seed: UInt64

    public init(query: String, range: TimeRange, step: Int64, method: AnomalyMethod = .robust, threshold: Double? = nil,
                window: Int = 25, history: Int64 = 28 * 86_400_000, maxSeries: Int = 100, seed: UInt64 = 1) {
        self.query = query
        self.range = range
        self.step = step
        self.method = method
        self.threshold = threshold
        self.window = window
        self.history = history
        self.maxSeries = maxSeries
        self.seed = seed
    }
}

/// One flagged point.
public struct AnomalyPoint: Sendable, Equatable {
    public let time: Int64
    public let value: Double
    /// The method's score (signed for z-like scores, in (0, 1] for the isolation forest).
    public let score: Double
    /// What the point was judged against: the mean (zscore), the rolling median (robust), the
    /// hour-of-week median (seasonal), the series median (isolation forest), the previous
    /// segment's mean (changepoint).
    public let baseline: Double
    /// The σ the score is in units of (nil for the isolation forest). For changepoint, the mean
    /// of the new segment is `baseline + score·scale`.
    public let scale: Double?
}

public struct SeriesAnomalies: Sendable {
    public let labels: Labels
    /// Points scored (the window's finite samples).
    public let pointCount: Int
    public let anomalies: [AnomalyPoint]
    /// Why some points could not be scored (e.g. an hour of week with too little history).
    public let note: String?
}

public struct AnomalyReport: Sendable {
    public let method: AnomalyMethod
    public let threshold: Double
    public let series: [SeriesAnomalies]
}

/// Anomaly detection over stored metrics. Cost: one range query (two for `.seasonal`), then per
/// series O(n) (zscore), O(n·w log w) (robust), O(n log n) (seasonal), O(n·log 256 · 100 trees)
/// (isolation forest) or O(min(n, 2000)²) (changepoint).
public enum AnomalyDetection {
    public static func run(_ request: AnomalyRequest, query: RangeQuery) throws -> AnomalyReport {
        try SeriesFetch.validate(maxSeries: request.maxSeries)
        try SeriesFetch.validate(request.range, step: request.step, name: "analysis")
        let threshold = request.threshold ?? request.method.defaultThreshold
        if !(threshold > 0 && threshold.isFinite) { throw InsightsError.invalid("threshold is \(threshold); it must be finite and > 0") }
        if request.method == .isolationForest && threshold > 1 {
            throw InsightsError.invalid("threshold is \(threshold); isolation-forest scores are in (0, 1]")
        }
        if request.window < 3 || request.window > 1001 || request.window % 2 == 0 {
            throw InsightsError.invalid("window is \(request.window); it must be an odd number of points in 3...1001")
        }
        let data = try SeriesFetch.fetch(query, request.query, request.range, step: request.step,
                                         maxSeries: request.maxSeries, name: "analysis")
        if data.allSatisfy({ $0.values.isEmpty }) {
            throw InsightsError(.noData, "the query returned no samples in the analysis window (\(request.range)); "
                + "check the window against the data's time range")
        }
        var history: [Labels: WindowData] = [:]
        if request.method == .seasonal && request.history > 0 {
            let historyRange = TimeRange(start: request.range.start - request.history, end: request.range.start - 1)
            // The history may be long: thin it to the points cap rather than refuse it.
            let points = (historyRange.end - historyRange.start) / request.step + 1
            let step = points > Int64(InsightsLimits.maxPointsPerSeries)
                ? (historyRange.end - historyRange.start) / Int64(InsightsLimits.maxPointsPerSeries - 1) + 1 : request.step
            for h in try SeriesFetch.fetch(query, request.query, historyRange, step: step, maxSeries: request.maxSeries, name: "history") {
                history[h.labels] = h
            }
        }
        let series = try data.map { s in
            try detect(s, history: history[s.labels], method: request.method, threshold: threshold, window: request.window,
                       seed: request.seed)
        }
        return AnomalyReport(method: request.method, threshold: threshold, series: series)
    }

    static func detect(_ s: WindowData, history: WindowData?, method: AnomalyMethod, threshold: Double, window: Int,
                       seed: UInt64) throws -> SeriesAnomalies {
        let scored = try AnomalyScoring.score(s.values, times: s.times, history: history, method: method, window: window, seed: seed)
        var points: [AnomalyPoint] = []
        for (i, p) in scored.points.enumerated() {
            guard let p, abs(p.score) >= threshold else { continue }
            points.append(AnomalyPoint(time: s.times[i], value: s.values[i], score: p.score, baseline: p.baseline, scale: p.scale))
        }
        return SeriesAnomalies(labels: s.labels, pointCount: s.values.count, anomalies: points, note: scored.note)
    }
}
