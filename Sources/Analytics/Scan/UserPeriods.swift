/// One bit per (user, period): which periods each user was active in. `words` 64-bit words per
/// user; memory `users * words * 8` bytes, checked against a bound before allocating.
struct UserPeriods {
    let periods: Int
    let words: Int
    private let bits: StateArray<UInt64>

    init(periods: Int, userCapacity: Int) throws(AnalyticsError) {
        words = (periods + 63) / 64
        let bytes = userCapacity * words * 8
        guard bytes <= 1 << 30 else {
            throw AnalyticsError(.tooLarge, "\(periods) periods over \(userCapacity) users need \(bytes >> 20) MiB, more than 1024; choose a coarser period or a shorter range")
        }
        self.periods = periods
        bits = StateArray(repeating: 0, count: userCapacity * words)
    }

    @inline(__always)
    func set(user: UInt32, period: Int) {
        bits[Int(user) * words + period >> 6] |= UInt64(1) << UInt64(period & 63)
    }

    func contains(user: Int, period: Int) -> Bool {
        bits[user * words + period >> 6] & (UInt64(1) << UInt64(period & 63)) != 0
    }

    func isEmpty(user: Int) -> Bool {
        (0..<words).allSatisfy { bits[user * words + $0] == 0 }
    }

    /// Calls `body` with each period set for `user`, ascending.
    @inline(__always)
    func forEach(user: Int, _ body: (Int) -> Void) {
        for w in 0..<words {
            var word = bits[user * words + w]
            while word != 0 {
                body(w * 64 + word.trailingZeroBitCount)
                word &= word - 1
            }
        }
    }

    /// How many periods are set for `user`.
    func count(user: Int) -> Int {
        (0..<words).reduce(0) { $0 + bits[user * words + $1].nonzeroBitCount }
    }

    /// The latest period set for `user`, nil when none.
    func last(user: Int) -> Int? {
        for w in (0..<words).reversed() {
            let word = bits[user * words + w]
            if word != 0 { return w * 64 + 63 - word.leadingZeroBitCount }
        }
        return nil
    }
}
