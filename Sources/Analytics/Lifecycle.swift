import EventStore

/// Each period's active users split as PostHog's lifecycle insight does, plus the users who
/// went dormant.
///
/// For a period p and a user, with "active" meaning they did the chosen event (filters met):
/// - new: active in p, and p holds the user's first event of any kind ever;
/// - returning: active in p and in p - 1;
/// - resurrecting: active in p, not in p - 1, and not new;
/// - dormant: active in p - 1 but not in p (a count; PostHog plots it below zero).
/// Activity is read from the period before the first one shown, so the first period is
/// classified like the others.
public enum Lifecycle {
    /// The events that make a user active, bucketed by `interval`.
    public typealias Request = ActivityRequest

    public struct Period: Codable, Sendable, Equatable {
        public var start: String
        public var new: Int
        public var returning: Int
        public var resurrecting: Int
        public var dormant: Int
    }

    public struct Result: Codable, Sendable, Equatable {
        public var interval: Interval
        public var periods: [Period]
    }

    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.validate()
        // "New" needs each user's first event ever, so history before the range is read too.
        let scan = EventScan(reader, from: nil, to: request.to)
        guard let rangeStart = request.from ?? scan.firstTime, let (first, last) = scan.bucketRange(from: rangeStart, to: request.to) else {
            return Result(interval: request.interval, periods: [])
        }
        // Bucket 0 is the period before the first one shown.
        let start = request.interval.floor(first)
        let buckets = try TimeBuckets(request.interval, from: start - 1, through: last, limit: Retention.maxPeriods + 1, what: "periods")
        let p = buckets.count
        let active = try UserPeriods(periods: p, userCapacity: scan.userCapacity)
        let firstSeen = StateArray<Int64>(repeating: .max, count: scan.userCapacity)
        let filters = FilterSet(request.filters, action: request.action, scan)
        for part in scan.parts {
            let ts = part.block.timestamps(), users = part.block.users()
            for i in part.rows where users[i] != 0 && firstSeen[Int(users[i])] == .max { firstSeen[Int(users[i])] = ts[i] }
            guard let rows = filters.rows(part) else { continue }
            var cursor = BucketCursor(buckets)
            for i in rows where users[i] != 0 {
                let b = cursor.bucket(of: ts[i])
                if b >= 0 && b < p { active.set(user: users[i], period: b) }
            }
        }
        var periods = (1..<p).map { Period(start: buckets.label($0), new: 0, returning: 0, resurrecting: 0, dormant: 0) }
        for u in 1..<scan.userCapacity where firstSeen[u] != .max && !active.isEmpty(user: u) {
            let created = buckets.index(of: firstSeen[u])
            for b in 1..<p {
                let now = active.contains(user: u, period: b), before = active.contains(user: u, period: b - 1)
                if now {
                    if created == b { periods[b - 1].new += 1 }
                    else if before { periods[b - 1].returning += 1 }
                    else { periods[b - 1].resurrecting += 1 }
                } else if before {
                    periods[b - 1].dormant += 1
                }
            }
        }
        return Result(interval: request.interval, periods: periods)
    }
}
