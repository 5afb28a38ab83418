/// Distinct users per (slot, time bucket) and per slot over the whole range, for events fed in
/// time order (each user's buckets never decrease, as `EventScan` guarantees).
///
/// Per user it keeps, side by side so that one event touches one cache line, the bucket last
/// seen and two bitmasks of slots (seen in that bucket, seen ever): memory is
/// `users * 8 * (1 + 2 * ceil(slots / 64))` bytes whatever the bucket count.
struct DistinctUsers {
    let slots: Int
    let buckets: Int
    private let words: Int
    private let stride: Int
    /// Per user: last bucket + 1 (0: none), `words` in-bucket words, `words` ever words.
    private let state: StateArray<UInt64>
    /// Distinct users of slot `s` in bucket `b` at `s * buckets + b`.
    let perBucket: StateArray<Int>
    /// Distinct users of each slot over the range.
    let perSlot: StateArray<Int>

    /// Throws `tooLarge` when the state for `slots` and `users` would pass 1 GiB.
    static func checkMemory(slots: Int, users: Int) throws(AnalyticsError) {
        let bytes = users * 8 * (1 + 2 * ((slots + 63) / 64))
        guard bytes <= 1 << 30 else {
            throw AnalyticsError(.tooLarge, "counting distinct users of \(slots) series over \(users) users needs \(bytes >> 20) MiB, more than 1024; lower breakdown_limit")
        }
    }

    init(slots: Int, buckets: Int, userCapacity: Int) {
        self.slots = slots
        self.buckets = buckets
        words = (slots + 63) / 64
        stride = 1 + 2 * words
        state = StateArray(repeating: 0, count: userCapacity * stride)
        perBucket = StateArray(repeating: 0, count: slots * buckets)
        perSlot = StateArray(repeating: 0, count: slots)
    }

    /// Counts `user` (non-zero) for `slot` in `bucket`.
    @inline(__always)
    func add(user: UInt32, slot: Int, bucket: Int) {
        let base = Int(user) * stride
        let mark = UInt64(bucket + 1)
        if state[base] != mark {
            state[base] = mark
            if words == 1 { state[base + 1] = 0 } else { state.fill(base + 1..<base + 1 + words, with: 0) }
        }
        let w = base + 1 + slot >> 6, bit = UInt64(1) << UInt64(slot & 63)
        let seen = state[w]
        if seen & bit == 0 {
            state[w] = seen | bit
            perBucket[slot * buckets + bucket] += 1
            let e = w + words, ever = state[e]
            if ever & bit == 0 {
                state[e] = ever | bit
                perSlot[slot] += 1
            }
        }
    }
}
