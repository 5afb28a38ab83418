import EventStore

/// How many users were active in exactly 1, 2, ... of the range's periods (days by default).
public enum Stickiness {
    /// The events that make a user active, bucketed by `interval`.
    public typealias Request = ActivityRequest

    public struct Result: Codable, Sendable, Equatable {
        public var interval: Interval
        /// Periods in the range.
        public var periods: Int
        /// `users[k - 1]`: users active in exactly k periods, k = 1...periods.
        public var users: [Int]
        /// Users active at least once.
        public var totalUsers: Int

        enum CodingKeys: String, CodingKey {
            case interval, periods, users
            case totalUsers = "total_users"
        }
    }

    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.validate()
        let scan = EventScan(reader, from: request.from, to: request.to)
        guard let (first, last) = scan.bucketRange(from: request.from, to: request.to) else {
            return Result(interval: request.interval, periods: 0, users: [], totalUsers: 0)
        }
        let buckets = try TimeBuckets(request.interval, from: first, through: last, limit: Retention.maxPeriods, what: "periods")
        let active = try UserPeriods(periods: buckets.count, userCapacity: scan.userCapacity)
        let filters = FilterSet(request.filters, action: request.action, scan)
        for part in scan.parts {
            guard let rows = filters.rows(part) else { continue }
            let ts = part.block.timestamps(), users = part.block.users()
            var cursor = BucketCursor(buckets)
            for i in rows where users[i] != 0 { active.set(user: users[i], period: cursor.bucket(of: ts[i])) }
        }
        var histogram = [Int](repeating: 0, count: buckets.count)
        for u in 1..<scan.userCapacity {
            let n = active.count(user: u)
            if n > 0 { histogram[n - 1] += 1 }
        }
        return Result(interval: request.interval, periods: buckets.count, users: histogram, totalUsers: histogram.reduce(0, +))
    }
}
