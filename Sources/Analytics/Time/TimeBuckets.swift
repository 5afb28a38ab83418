/// Consecutive time buckets of one interval covering a range: bucket `i` holds
/// `bounds[i] <= t < bounds[i + 1]`.
struct TimeBuckets: Sendable {
    let interval: Interval
    /// `count + 1` ascending bucket starts; the last is the end of the last bucket.
    let bounds: [Int64]

    var count: Int { bounds.count - 1 }

    /// Buckets from the one holding `first` through the one holding `last` (ms, `first <= last`);
    /// throws `tooLarge` past `limit` buckets.
    init(_ interval: Interval, from first: Int64, through last: Int64, limit: Int, what: String = "time buckets") throws(AnalyticsError) {
        let n = interval.bucketCount(from: first, through: last)
        guard n <= Int64(limit) else {
            throw AnalyticsError(.tooLarge, "the range holds \(n) \(interval.rawValue) \(what), more than the \(limit) allowed; choose a coarser interval or a shorter range")
        }
        var bounds = [interval.floor(first)]
        bounds.reserveCapacity(Int(n) + 1)
        for _ in 0..<n { bounds.append(interval.next(bounds[bounds.count - 1])) }
        self.interval = interval
        self.bounds = bounds
    }

    /// The bucket holding `t`, or nil outside the buckets.
    func index(of t: Int64) -> Int? {
        guard t >= bounds[0], t < bounds[bounds.count - 1] else { return nil }
        var lo = 0, hi = bounds.count - 1  // bounds[lo] <= t < bounds[hi]
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if bounds[mid] <= t { lo = mid } else { hi = mid }
        }
        return lo
    }

    func label(_ i: Int) -> String { interval.label(bounds[i]) }

    var labels: [String] { (0..<count).map(label) }
}

/// The bucket of ascending timestamps, one at a time: a compare per row, a step per bucket.
struct BucketCursor {
    private let bounds: [Int64]
    /// The bucket of the last timestamp asked: -1 before the first, `count` after the last.
    private(set) var bucket = -1
    private var next: Int64

    init(_ buckets: TimeBuckets) {
        bounds = buckets.bounds
        next = bounds[0]
    }

    /// The bucket holding `t`, which must not be before the last `t` asked; -1 or `count`
    /// outside the buckets.
    @inline(__always)
    mutating func bucket(of t: Int64) -> Int {
        while t >= next {
            bucket += 1
            next = bucket + 1 < bounds.count ? bounds[bucket + 1] : .max
        }
        return bucket
    }
}

/// The first index in `lo..<hi` of ascending `ts` whose element satisfies `pred` (which must be
/// false then true along the range), or `hi`.
@inline(__always)
func partition(_ ts: [Int64], _ lo: Int, _ hi: Int, _ pred: (Int64) -> Bool) -> Int {
    var lo = lo, hi = hi
    while lo < hi {
        let mid = (lo + hi) / 2
        if pred(ts[mid]) { hi = mid } else { lo = mid + 1 }
    }
    return lo
}
