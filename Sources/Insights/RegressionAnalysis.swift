import TSDB

/// What to compare: a query's series over a baseline window and a later current window.
public struct RegressionRequest: Sendable {
    public var query: String
    public var baseline: TimeRange
    public var current: TimeRange
    /// Resolution of both windows, ms.
    public var step: Int64
    public var rule: VerdictRule
    /// The query may return at most this many series (1...`InsightsLimits.maxSeriesCeiling`).
    public var maxSeries: Int

    public init(query: String, baseline: TimeRange, current: TimeRange, step: Int64, rule: VerdictRule = VerdictRule(),
                maxSeries: Int = 100) {
        self.query = query
        self.baseline = baseline
        self.current = current
        self.step = step
        self.rule = rule
        self.maxSeries = maxSeries
    }
}

/// One series' comparison and where its mean shifted, if it did.
public struct SeriesRegression: Sendable {
    public let labels: Labels
    public let comparison: Comparison
    /// The largest mean shift over baseline followed by current (`ChangePointSearch`), with its
    /// time; nil when none was found.
    public let changePoint: ChangePoint?
}

/// A mean shift located in time.
public struct ChangePoint: Sendable, Equatable {
    /// Time of the first sample of the new level, ms.
    public let time: Int64
    public let shift: MeanShift
}

/// A series that could not be compared, and why.
public struct SkippedSeries: Sendable, Equatable {
    public let labels: Labels
    public let reason: String
}

public struct RegressionReport: Sendable {
    /// Compared series: regressions first, then improvements, then the unchanged; within each,
    /// by |Cohen's d| descending.
    public let series: [SeriesRegression]
    public let skipped: [SkippedSeries]
}

/// Regression detection over stored metrics. Cost: two range queries, then per series
/// O(n log n) for the comparison and at most O(2000²) for the change-point search.
public enum RegressionAnalysis {
    public static func run(_ request: RegressionRequest, query: RangeQuery) throws -> RegressionReport {
        try request.rule.validate()
        try SeriesFetch.validate(maxSeries: request.maxSeries)
        try SeriesFetch.validate(request.baseline, step: request.step, name: "baseline")
        try SeriesFetch.validate(request.current, step: request.step, name: "current")
        if request.baseline.end >= request.current.start {
            throw InsightsError.invalid("the baseline window (\(request.baseline)) must end before the current window "
                + "(\(request.current)) starts")
        }
        let before = try SeriesFetch.fetch(query, request.query, request.baseline, step: request.step,
                                           maxSeries: request.maxSeries, name: "baseline")
        let after = try SeriesFetch.fetch(query, request.query, request.current, step: request.step,
                                          maxSeries: request.maxSeries, name: "current")
        for (data, name, range) in [(before, "baseline", request.baseline), (after, "current", request.current)]
        where data.allSatisfy({ $0.values.isEmpty }) {
            throw InsightsError(.noData, "the query returned no samples in the \(name) window (\(range)); "
                + "check the window against the data's time range")
        }
        let currentByLabels = Dictionary(after.map { ($0.labels, $0) }, uniquingKeysWith: { a, _ in a })
        var compared: [SeriesRegression] = []
        var skipped: [SkippedSeries] = []
        var seen = Set<Labels>()
        for b in before {
            seen.insert(b.labels)
            guard let c = currentByLabels[b.labels] else {
                skipped.append(SkippedSeries(labels: b.labels, reason: "no samples in the current window"))
                continue
            }
            for (d, name) in [(b, "baseline"), (c, "current")] where d.values.count < 2 {
                skipped.append(SkippedSeries(labels: b.labels, reason: "\(d.values.count) finite samples in the \(name) window; at least 2 needed"))
            }
            if b.values.count < 2 || c.values.count < 2 { continue }
            let comparison = try Comparison(baseline: b.values, current: c.values, rule: request.rule)
            let all = b.values + c.values
            let times = b.times + c.times
            let point = ChangePointSearch.largestShift(all).map { ChangePoint(time: times[$0.index], shift: $0) }
            compared.append(SeriesRegression(labels: b.labels, comparison: comparison, changePoint: point))
        }
        for c in after where !seen.contains(c.labels) {
            skipped.append(SkippedSeries(labels: c.labels, reason: "no samples in the baseline window"))
        }
        let order: [Verdict: Int] = [.regressed: 0, .improved: 1, .unchanged: 2]
        compared.sort {
            let (a, b) = (order[$0.comparison.verdict] ?? 3, order[$1.comparison.verdict] ?? 3)
            if a != b { return a < b }
            return abs($0.comparison.cohensD ?? .infinity) > abs($1.comparison.cohensD ?? .infinity)
        }
        return RegressionReport(series: compared, skipped: skipped)
    }
}
