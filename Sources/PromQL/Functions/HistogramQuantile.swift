/// One bucket of a classic histogram: the `le` upper bound and the cumulative count.
public struct ClassicBucket: Sendable, Equatable {
    public var upperBound: Double
    public var count: Double

    public init(upperBound: Double, count: Double) {
        self.upperBound = upperBound
        self.count = count
    }
}

/// `histogram_quantile` and `histogram_fraction` over classic (`le`-labelled) buckets.
///
/// The evaluator groups the input vector's float samples by their labels without `le`, parses
/// each `le` with `HistogramQuantile.parseBucketLabel` (a failure drops that sample and adds
/// `FunctionAnnotation.badBucketLabel`) and calls `bucketQuantile` once per group.
public enum HistogramQuantile {
    /// What `bucketQuantile` found besides the value; the evaluator turns
    /// `forcedMonotonicity` into `FunctionAnnotation.histogramQuantileForcedMonotonicity`.
    public struct Result: Sendable, Equatable {
        public var value: Double
        /// Some bucket count was lower than the one before it and was raised.
        public var forcedMonotonicity: Bool
        /// Some difference between neighbouring counts was below the 1e-12 relative tolerance
        /// and was ignored (no annotation).
        public var fixedPrecision: Bool
        /// Smallest and largest upper bound whose count was raised (±Inf when none).
        public var minBucket: Double
        public var maxBucket: Double
        /// Largest amount a count was raised by.
        public var maxDiff: Double
    }

    /// Relative difference between neighbouring bucket counts that is treated as float noise.
    public static let smallDeltaTolerance = 1e-12

    /// The φ-quantile of one classic histogram.
    ///
    /// Prometheus's rules: φ NaN → NaN, φ < 0 → −Inf, φ > 1 → +Inf (before looking at buckets);
    /// no +Inf bucket → NaN; buckets with equal bounds are merged; decreasing counts are raised to
    /// the previous count (forced monotonicity); fewer than 2 buckets or 0 observations → NaN.
    /// The rank falls into a bucket and is interpolated linearly inside it; the lowest bucket
    /// starts at 0 if its bound is positive (else its bound is the answer), and a rank in the
    /// +Inf bucket answers the second highest bound. `buckets` is reordered in place.
    public static func bucketQuantile(_ phi: Double, buckets: inout [ClassicBucket]) -> Result {
        var result = Result(value: .nan, forcedMonotonicity: false, fixedPrecision: false,
                            minBucket: .infinity, maxBucket: -.infinity, maxDiff: 0)
        if phi.isNaN { return result }
        if phi < 0 { result.value = -.infinity; return result }
        if phi > 1 { result.value = .infinity; return result }
        guard let last = prepare(&buckets), last == .infinity else { return result }

        ensureMonotonic(&buckets, into: &result)
        let n = buckets.count
        if n < 2 { return result }
        let observations = buckets[n - 1].count
        if observations == 0 { return result }

        var rank = phi * observations
        // First bucket (excluding +Inf) whose cumulative count reaches the rank.
        let b = firstIndex(in: buckets, upTo: n - 1) { $0.count >= rank }
        if b == n - 1 {
            result.value = buckets[n - 2].upperBound
        } else if b == 0 && buckets[0].upperBound <= 0 {
            result.value = buckets[0].upperBound
        } else {
            var start = 0.0
            let end = buckets[b].upperBound
            var count = buckets[b].count
            if b > 0 {
                start = buckets[b - 1].upperBound
                count -= buckets[b - 1].count
                rank -= buckets[b - 1].count
            }
            result.value = start + (end - start) * (rank / count)
        }
        return result
    }

    /// The fraction of observations between `lower` and `upper` in one classic histogram
    /// (`histogram_fraction` on classic buckets), interpolating linearly inside buckets.
    /// No +Inf bucket, zero observations or a NaN bound → NaN; lower ≥ upper → 0.
    /// `buckets` is reordered in place.
    public static func bucketFraction(lower: Double, upper: Double, buckets: inout [ClassicBucket]) -> Double {
        guard let last = prepare(&buckets), last == .infinity else { return .nan }
        let total = buckets[buckets.count - 1].count
        if total == 0 || lower.isNaN || upper.isNaN { return .nan }
        if lower >= upper { return 0 }

        var rank = 0.0
        var lowerRank = 0.0, upperRank = 0.0
        var lowerSet = false, upperSet = false
        // With a non-positive first bound the histogram may hold negative observations, so the
        // first bucket is open towards −Inf.
        var lowerBound = buckets[0].upperBound <= 0 ? -Double.infinity : 0
        for i in buckets.indices {
            if i > 0 { lowerBound = buckets[i - 1].upperBound }
            let upperBound = buckets[i].upperBound
            let count = buckets[i].count
            func interpolate(_ v: Double) -> Double {
                // Nothing can be interpolated inside a bucket reaching down to −Inf.
                if lowerBound == -.infinity { return count }
                return rank + (count - rank) * (v - lowerBound) / (upperBound - lowerBound)
            }
            if !lowerSet && lowerBound >= lower { lowerRank = rank; lowerSet = true }
            if !upperSet && lowerBound >= upper { upperRank = rank; upperSet = true }
            if lowerSet && upperSet { break }
            if !lowerSet && lowerBound < lower && upperBound > lower { lowerRank = interpolate(lower); lowerSet = true }
            if !upperSet && lowerBound < upper && upperBound > upper { upperRank = interpolate(upper); upperSet = true }
            if lowerSet && upperSet { break }
            rank = count
        }
        if !lowerSet || lowerRank > total { lowerRank = total }
        if !upperSet || upperRank > total { upperRank = total }
        return (upperRank - lowerRank) / total
    }

    /// Parses an `le` label value the way Go's strconv.ParseFloat does (decimal or hex float
    /// syntax, underscores between digits, Inf/Infinity/NaN in any case); nil means Prometheus
    /// would reject it (also on overflow such as "1e400").
    public static func parseBucketLabel(_ le: String) -> Double? {
        GoFloatFormat.parse(le)
    }

    // MARK: - Helpers

    /// Sorts by upper bound and merges equal bounds; returns the highest bound (nil if empty).
    private static func prepare(_ buckets: inout [ClassicBucket]) -> Double? {
        if buckets.isEmpty { return nil }
        // Bounds are never NaN (they come from parsed labels that are not NaN in practice);
        // a stable sort keeps equal bounds in input order like Go's small-slice sort does.
        buckets.sort { $0.upperBound < $1.upperBound }
        var out = 0
        for i in 1..<buckets.count {
            if buckets[i].upperBound == buckets[out].upperBound {
                buckets[out].count += buckets[i].count
            } else {
                out += 1
                buckets[out] = buckets[i]
            }
        }
        buckets.removeSubrange((out + 1)...)
        return buckets[out].upperBound
    }

    /// Ignores float-noise differences between neighbours and raises decreasing counts.
    private static func ensureMonotonic(_ buckets: inout [ClassicBucket], into result: inout Result) {
        var prev = buckets[0].count
        for i in 1..<buckets.count {
            let curr = buckets[i].count
            if curr == prev { continue }
            if almostEqual(prev, curr, tolerance: smallDeltaTolerance) {
                buckets[i].count = prev
                result.fixedPrecision = true
                continue
            }
            if curr < prev {
                buckets[i].count = prev
                result.forcedMonotonicity = true
                let bound = buckets[i].upperBound
                if bound < result.minBucket { result.minBucket = bound }
                if bound > result.maxBucket { result.maxBucket = bound }
                if prev - curr > result.maxDiff { result.maxDiff = prev - curr }
                continue
            }
            prev = curr
        }
    }

    /// Binary search for the first index in 0..<end satisfying `predicate` (end if none),
    /// assuming the predicate is monotone over the range.
    private static func firstIndex(in buckets: [ClassicBucket], upTo end: Int, where predicate: (ClassicBucket) -> Bool) -> Int {
        var lo = 0, hi = end
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if predicate(buckets[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Relative float comparison as Prometheus's `almost.Equal` (NaNs compare equal to NaNs,
    /// the stale marker only to itself).
    static func almostEqual(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
        if a.isStaleMarker || b.isStaleMarker { return a.isStaleMarker && b.isStaleMarker }
        if a.isNaN && b.isNaN { return true }
        if a == b { return true }
        let minNormal = Double.leastNormalMagnitude
        let absSum = a.magnitude + b.magnitude
        let diff = (a - b).magnitude
        if a == 0 || b == 0 || absSum < minNormal {
            return diff < tolerance * minNormal
        }
        return diff / min(absSum, Double.greatestFiniteMagnitude) < tolerance
    }
}
