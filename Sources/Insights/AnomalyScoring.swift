import Statistics

/// Per-point anomaly scores of one series by each `AnomalyMethod`, on plain arrays (what
/// `AnomalyDetection` runs per series, and the accuracy benchmark runs on labelled data).
public enum AnomalyScoring {
    /// A point's score and what it was judged against (see `AnomalyPoint`).
    public struct Scored: Sendable, Equatable {
        public let score: Double
        public let baseline: Double
        public let scale: Double?
    }

    public struct Result: Sendable {
        /// One entry per value; nil where the method could not score the point.
        public let points: [Scored?]
        public let note: String?
    }

    /// Fewest values any method scores.
    static let minimumValues = 8

    /// Scores `values` (finite) taken at `times` (ms). `history` (earlier samples of the same
    /// series) feeds `.seasonal` only. Series shorter than 8 values are not scored.
    public static func score(_ values: [Double], times: [Int64], history: (times: [Int64], values: [Double])? = nil,
                             method: AnomalyMethod, window: Int = 25, seed: UInt64 = 1) throws(InsightsError) -> Result {
        if values.count < minimumValues {
            return Result(points: values.map { _ in nil }, note: "\(values.count) points; at least \(minimumValues) needed to score")
        }
        switch method {
        case .zscore: return zscore(values)
        case .robust: return robust(values, window: window)
        case .seasonal: return seasonal(values, times: times, history: history)
        case .isolationForest: return try isolationForest(values, window: window, seed: seed)
        case .changepoint: return changepoint(values)
        }
    }

    static func score(_ values: [Double], times: [Int64], history: WindowData?, method: AnomalyMethod, window: Int,
                      seed: UInt64) throws(InsightsError) -> Result {
        try score(values, times: times, history: history.map { ($0.times, $0.values) }, method: method, window: window, seed: seed)
    }

    static func zscore(_ values: [Double]) -> Result {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let sigma = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        return Result(points: values.map { Scored(score: sigma == 0 ? 0 : ($0 - mean) / sigma, baseline: mean, scale: sigma) },
                      note: nil)
    }

    static func robust(_ values: [Double], window: Int) -> Result {
        let medians = rollingMedian(values, window: window)
        let residuals = zip(values, medians).map { $0 - $1 }
        let scale = robustScale(residuals)
        return Result(points: zip(residuals, medians).map { r, m in
            Scored(score: scale == 0 ? 0 : r / scale, baseline: m, scale: scale)
        }, note: nil)
    }

    /// Median of the `window` values centred on each index (shifted inside the series at its
    /// ends; the whole series when shorter). A sorted window updated by binary search: O(n·w).
    static func rollingMedian(_ values: [Double], window: Int) -> [Double] {
        let n = values.count
        let w = min(window, n)
        var sorted = Array(values[0..<w]).sorted()
        var start = 0
        var out: [Double] = []
        out.reserveCapacity(n)
        func insertionIndex(_ v: Double) -> Int {
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] < v { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        for i in 0..<n {
            let wanted = max(0, min(i - w / 2, n - w))
            while start < wanted {
                sorted.remove(at: insertionIndex(values[start]))
                sorted.insert(values[start + w], at: insertionIndex(values[start + w]))
                start += 1
            }
            out.append(w % 2 == 1 ? sorted[w / 2] : (sorted[w / 2 - 1] + sorted[w / 2]) / 2)
        }
        return out
    }

    /// Each point is compared with the median of the other values (history and window) in its
    /// hour of the week: leaving the point out keeps it from pulling its own baseline, and keeps
    /// the many exact-zero residuals a small bucket would give out of the scale.
    static func seasonal(_ values: [Double], times: [Int64], history: (times: [Int64], values: [Double])?) -> Result {
        var buckets = [[Double]](repeating: [], count: 168)
        for (t, v) in zip((history?.times ?? []) + times, (history?.values ?? []) + values) {
            buckets[SeasonalBaseline.hourOfWeek(Double(t) / 1000)].append(v)
        }
        for i in buckets.indices { buckets[i].sort() }
        var expected: [Double?] = []
        var unscored = 0
        for (t, v) in zip(times, values) {
            let bucket = buckets[SeasonalBaseline.hourOfWeek(Double(t) / 1000)]
            if bucket.count - 1 >= 3 {
                expected.append(medianWithout(v, in: bucket))
            } else {
                expected.append(nil)
                unscored += 1
            }
        }
        let residuals = zip(values, expected).compactMap { v, e in e.map { v - $0 } }
        let scale = robustScale(residuals)
        let points: [Scored?] = zip(values, expected).map { v, e in
            e.map { Scored(score: scale == 0 ? 0 : (v - $0) / scale, baseline: $0, scale: scale) }
        }
        let note = unscored == 0 ? nil
            : "\(unscored) points not scored: their hour of week has fewer than 3 other values in the history and window"
        return Result(points: points, note: note)
    }

    /// The median of `sorted` with one occurrence of `value` (which it holds) removed.
    static func medianWithout(_ value: Double, in sorted: [Double]) -> Double {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        let removed = lo
        let n = sorted.count - 1
        func at(_ j: Int) -> Double { sorted[j < removed ? j : j + 1] }
        return n % 2 == 1 ? at(n / 2) : (at(n / 2 - 1) + at(n / 2)) / 2
    }

    /// Features: the value and its residual from the rolling median, so a spike stands out in
    /// both while the point after it (back to normal) does not.
    static func isolationForest(_ values: [Double], window: Int, seed: UInt64) throws(InsightsError) -> Result {
        let medians = rollingMedian(values, window: window)
        let rows = zip(values, medians).map { [$0, $0 - $1] }
        let center = (try? median(values)) ?? values[0]
        do {
            let forest = try IsolationForest(data: rows, seed: seed)
            let scores = try forest.scores(rows)
            return Result(points: scores.map { Scored(score: $0, baseline: center, scale: nil) }, note: nil)
        } catch {
            throw .invalid("isolation forest: \(error.message)")
        }
    }

    static func changepoint(_ values: [Double]) -> Result {
        var points = [Scored?](repeating: nil, count: values.count)
        let sigma = ChangePointSearch.noiseSigma(values)
        for shift in ChangePointSearch.shifts(values) {
            points[shift.index] = Scored(score: shift.sigmas, baseline: shift.before, scale: sigma)
        }
        return Result(points: points, note: nil)
    }
}
