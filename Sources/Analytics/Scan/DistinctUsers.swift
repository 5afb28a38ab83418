/// Distinct users per (slot, time bucket) and per slot over the whole range, for events fed in
/// time order (each user's buckets never decrease, as `EventScan` guarantees).
///
/// Per user it keeps the bucket last seen and two bitmasks of slots (seen in that bucket, seen
/// ever), so memory is `users * (16 * ceil(slots / 64) + 4)` bytes whatever the bucket count.
struct DistinctUsers {
    let slots: Int
    let buckets: Int
    private let words: Int
    private var lastBucket: [Int32]
    private var inBucket: [UInt64]
    private var ever: [UInt64]
    /// Distinct users of slot `s` in bucket `b` at `s * buckets + b`.
    private(set) var perBucket: [Int]
    /// Distinct users of each slot over the range.
    private(set) var perSlot: [Int]

    /// Throws `tooLarge` when the state for `slots` and `users` would pass 1 GiB.
    static func checkMemory(slots: Int, users: Int) throws(AnalyticsError) {
        let bytes = users * (16 * ((slots + 63) / 64) + 4)
        guard bytes <= 1 << 30 else {
            throw AnalyticsError(.tooLarge, "counting distinct users of \(slots) series over \(users) users needs \(bytes >> 20) MiB, more than 1024; lower breakdown_limit")
        }
    }

    init(slots: Int, buckets: Int, userCapacity: Int) {
        self.slots = slots
        self.buckets = buckets
        words = (slots + 63) / 64
        lastBucket = [Int32](repeating: -1, count: userCapacity)
        inBucket = [UInt64](repeating: 0, count: userCapacity * words)
        ever = [UInt64](repeating: 0, count: userCapacity * words)
        perBucket = [Int](repeating: 0, count: slots * buckets)
        perSlot = [Int](repeating: 0, count: slots)
    }

    /// Counts `user` (non-zero) for `slot` in `bucket`.
    @inline(__always)
    mutating func add(user: UInt32, slot: Int, bucket: Int) {
        let u = Int(user)
        let base = u * words
        if lastBucket[u] != Int32(bucket) {
            lastBucket[u] = Int32(bucket)
            for w in 0..<words { inBucket[base + w] = 0 }
        }
        let w = base + slot >> 6, bit = UInt64(1) << UInt64(slot & 63)
        if inBucket[w] & bit == 0 {
            inBucket[w] |= bit
            perBucket[slot * buckets + bucket] += 1
            if ever[w] & bit == 0 {
                ever[w] |= bit
                perSlot[slot] += 1
            }
        }
    }
}
