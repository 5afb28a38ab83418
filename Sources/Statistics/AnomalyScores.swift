/// Standard scores (x − mean)/σ with the population σ (divisor n), as `scipy.stats.zscore`
/// with its default ddof = 0. Throws for an empty or non-finite sample, or `.degenerate` when
/// every value is the same (σ = 0).
public func zScores(_ values: [Double]) throws(StatisticsError) -> [Double] {
    try Check.sample(values, "values")
    let m = Moments.mean(values)
    let sigma = (Moments.sumOfSquares(values, about: m) / Double(values.count)).squareRoot()
    if sigma == 0 { throw StatisticsError(.degenerate, "all values are equal; z-scores are undefined") }
    return values.map { ($0 - m) / sigma }
}

/// Robust z-scores (x − median)/(MAD × 1.4826…), the MAD scaled to σ for normal data as
/// `scipy.stats.median_abs_deviation(scale='normal')`, so one outlier cannot mask itself.
///
/// When more than half the values are equal the MAD is 0; then the mean absolute deviation
/// from the median × √(π/2) (also σ-consistent for normal data) is used instead, so a spike
/// in a flat series still scores high. If that is 0 too (all values equal) every score is 0.
/// Throws for an empty or non-finite sample.
public func robustZScores(_ values: [Double]) throws(StatisticsError) -> [Double] {
    try Check.sample(values, "values")
    let (center, scale) = RobustScale.of(values)
    if scale == 0 { return values.map { _ in 0 } }
    return values.map { ($0 - center) / scale }
}

enum RobustScale {
    /// (median, σ estimate): MAD × 1.4826, or mean absolute deviation × √(π/2) when MAD = 0.
    static func of(_ values: [Double]) -> (center: Double, scale: Double) {
        let m = Moments.median(values)
        let deviations = values.map { abs($0 - m) }
        let mad = Moments.median(deviations)
        if mad > 0 { return (m, mad * madNormalScale) }
        return (m, Moments.mean(deviations) * 1.253_314_137_315_500_3)
    }
}

/// A seasonal baseline by hour of the week: for each of the 168 hours (hour 0 is Monday
/// 00:00–01:00 at the given UTC offset) the median and robust σ (as in `robustZScores`) of
/// the history that fell in it.
///
/// Built once from history, then used to score new points: a value is compared with what is
/// normal for that hour of the week, so a Monday-morning peak is not an anomaly but the same
/// load on Sunday night is. Immutable and `Sendable`.
public struct SeasonalBaseline: Sendable, Equatable {
    public struct Bucket: Sendable, Equatable {
        public let count: Int
        public let median: Double
        /// Robust σ estimate; 0 when every value in the bucket was equal.
        public let scale: Double
    }

    /// Indexed by hour of week, 0..<168; nil where the history has no value.
    public let buckets: [Bucket?]
    public let utcOffsetSeconds: Int

    /// Builds the baseline from `timestamps` (seconds since 1970-01-01 UTC) and `values`.
    /// Throws for mismatched lengths, an empty or non-finite input, or an offset beyond ±18 h.
    public init(timestamps: [Double], values: [Double], utcOffsetSeconds: Int = 0) throws(StatisticsError) {
        try Check.sameLength(timestamps.count, "timestamps", values.count, "values")
        try Check.sample(timestamps, "timestamps")
        try Check.sample(values, "values")
        if abs(utcOffsetSeconds) > 18 * 3600 {
            throw StatisticsError(.invalidArgument, "utcOffsetSeconds is \(utcOffsetSeconds); it must be within ±64800")
        }
        var groups = [[Double]](repeating: [], count: 168)
        for (t, v) in zip(timestamps, values) {
            groups[Self.hourOfWeek(t, utcOffsetSeconds)].append(v)
        }
        buckets = groups.map { group in
            if group.isEmpty { return nil }
            let (m, s) = RobustScale.of(group)
            return Bucket(count: group.count, median: m, scale: s)
        }
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// Hour of the week, 0..<168, of a Unix time; 1970-01-01 was a Thursday (hour 72).
    public static func hourOfWeek(_ timestamp: Double, _ utcOffsetSeconds: Int = 0) -> Int {
        let hours = ((timestamp + Double(utcOffsetSeconds)) / 3600).rounded(.down)
        let h = (hours + 72).truncatingRemainder(dividingBy: 168)
        return Int(h < 0 ? h + 168 : h)
    }

    /// The expected (median) value at `timestamp`, nil if that hour had no history.
    public func expected(at timestamp: Double) -> Double? {
        buckets[Self.hourOfWeek(timestamp, utcOffsetSeconds)]?.median
    }

    /// Robust z-score of `value` against its hour of week: (value − median)/scale. nil if the
    /// hour had fewer than `minimumCount` values; ±∞ (or 0 for the median itself) when the
    /// bucket's scale is 0.
    public func score(_ value: Double, at timestamp: Double, minimumCount: Int = 3) -> Double? {
        guard let bucket = buckets[Self.hourOfWeek(timestamp, utcOffsetSeconds)], bucket.count >= minimumCount else { return nil }
        let d = value - bucket.median
        if bucket.scale == 0 { return d == 0 ? 0 : (d > 0 ? .infinity : -.infinity) }
        return d / bucket.scale
    }
}
