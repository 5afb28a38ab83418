import EventStore
import Statistics

/// Sessions: how long they last, how many events they hold, how many each user has, by the
/// interval in which they start.
///
/// An event with a `sessionId` belongs to that session (keyed by the id alone). A user's
/// events without one are cut into sessions by inactivity: a gap longer than
/// `inactivity_seconds` starts a new session. Either kind is cut when it would last longer than
/// `max_session_seconds` from its first event: the event past that starts the next session.
/// Events with neither a session id nor a user are not in any session (`unsessioned_events`).
/// Only events in range count: a session crossing `from` or `to` is cut there.
public enum Sessions {
    public struct Request: Codable, Sendable, Equatable {
        public var interval: Interval
        /// Default 1800 (30 minutes).
        public var inactivitySeconds: Int64
        /// Default 86,400 (24 hours).
        public var maxSessionSeconds: Int64
        public var filters: [EventFilter]
        public var from: Int64?
        public var to: Int64?

        public init(interval: Interval = .day, inactivitySeconds: Int64 = 1800, maxSessionSeconds: Int64 = 86_400,
                    filters: [EventFilter] = [], from: Int64? = nil, to: Int64? = nil) {
            self.interval = interval
            self.inactivitySeconds = inactivitySeconds
            self.maxSessionSeconds = maxSessionSeconds
            self.filters = filters
            self.from = from
            self.to = to
        }

        enum CodingKeys: String, CodingKey {
            case interval, filters, from, to
            case inactivitySeconds = "inactivity_seconds", maxSessionSeconds = "max_session_seconds"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(interval: try c.decode(.interval, or: .day), inactivitySeconds: try c.decode(.inactivitySeconds, or: 1800),
                      maxSessionSeconds: try c.decode(.maxSessionSeconds, or: 86_400), filters: try c.decode(.filters, or: []),
                      from: try c.decodeIfPresent(Int64.self, forKey: .from), to: try c.decodeIfPresent(Int64.self, forKey: .to))
        }

        func validate() throws(AnalyticsError) {
            try Analytics.validate(inactivitySeconds, 1...(30 * 86_400), "inactivity_seconds")
            try Analytics.validate(maxSessionSeconds, 1...(30 * 86_400), "max_session_seconds")
            try filters.validate("filters")
            try validateRange(from, to)
        }
    }

    /// Mean, median and 90th percentile (linear interpolation between closest ranks).
    public struct Summary: Codable, Sendable, Equatable {
        public var mean: Double
        public var median: Double
        public var p90: Double

        public init(mean: Double, median: Double, p90: Double) {
            self.mean = mean
            self.median = median
            self.p90 = p90
        }

        /// Of `values` (ascending, which makes the quantiles' sort a single pass), divided by
        /// `scale`; nil when there are none. Quantiles as numpy's default (Statistics.quantiles).
        init?<T: BinaryInteger>(sorted values: ArraySlice<T>, scale: Double = 1) {
            let doubles = values.map { Double($0) / scale }
            guard let q = try? quantiles(doubles, [0.5, 0.9]) else { return nil }
            mean = doubles.reduce(0, +) / Double(doubles.count)
            median = q[0]
            p90 = q[1]
        }
    }

    public struct Period: Codable, Sendable, Equatable {
        /// Bucket label (see `Interval`).
        public var start: String
        /// Sessions starting in this bucket.
        public var sessions: Int
        /// Their durations (last event minus first, seconds) and event counts; nil without sessions.
        public var durationSeconds: Summary?
        public var eventsPerSession: Summary?

        enum CodingKeys: String, CodingKey {
            case start, sessions
            case durationSeconds = "duration_seconds", eventsPerSession = "events_per_session"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var interval: Interval
        public var sessions: Int
        /// Users with at least one session.
        public var users: Int
        public var durationSeconds: Summary?
        public var eventsPerSession: Summary?
        /// Over users with at least one session.
        public var sessionsPerUser: Summary?
        public var unsessionedEvents: Int
        public var periods: [Period]

        enum CodingKeys: String, CodingKey {
            case interval, sessions, users, periods
            case durationSeconds = "duration_seconds", eventsPerSession = "events_per_session"
            case sessionsPerUser = "sessions_per_user", unsessionedEvents = "unsessioned_events"
        }
    }

    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.validate()
        let scan = EventScan(reader, from: request.from, to: request.to)
        guard let (first, last) = scan.bucketRange(from: request.from, to: request.to) else {
            return Result(interval: request.interval, sessions: 0, users: 0, unsessionedEvents: 0, periods: [])
        }
        let buckets = try TimeBuckets(request.interval, from: first, through: last, limit: Trends.maxBuckets)
        let filters = FilterSet(request.filters, scan)
        let gap = request.inactivitySeconds * 1000, longest = request.maxSessionSeconds * 1000

        // Sessions in order of their first event.
        let startTime = StateArray<Int64>(repeating: 0, count: 0), lastTime = StateArray<Int64>(repeating: 0, count: 0)
        let events = StateArray<Int32>(repeating: 0, count: 0), owner = StateArray<UInt32>(repeating: 0, count: 0)
        var byId = TermSlots()
        let currentOfId = StateArray<Int32>(repeating: -1, count: 0)  // by session-id slot: its session now
        let currentOfUser = StateArray<Int32>(repeating: -1, count: scan.userCapacity)
        var unsessioned = 0
        for part in scan.parts {
            guard let rows = filters.rows(part) else { continue }
            let ts = part.block.timestamps(), users = part.block.users(), ids = part.block.terms(.session)
            for i in rows {
                let t = ts[i], u = users[i], id = ids[i]
                var s: Int
                if id != 0 {
                    let slot = byId.slot(id)
                    if slot == currentOfId.count { currentOfId.append(-1) }
                    s = Int(currentOfId[slot])
                    if s < 0 || t - startTime[s] > longest {
                        s = startTime.count
                        currentOfId[slot] = Int32(s)
                    }
                } else if u != 0 {
                    s = Int(currentOfUser[Int(u)])
                    if s < 0 || t - lastTime[s] > gap || t - startTime[s] > longest {
                        s = startTime.count
                        currentOfUser[Int(u)] = Int32(s)
                    }
                } else {
                    unsessioned += 1
                    continue
                }
                if s == startTime.count {
                    startTime.append(t)
                    lastTime.append(t)
                    events.append(1)
                    owner.append(u)
                } else {
                    lastTime[s] = t
                    events[s] += 1
                }
            }
        }

        let n = startTime.count
        // Sessions are in start order, so each bucket's sessions are one run: sort each run in
        // place, and the whole array then sorts as a merge of runs.
        var durations = (0..<n).map { lastTime[$0] - startTime[$0] }
        var counts = (0..<n).map { events[$0] }
        var periods: [Period] = []
        var cursor = BucketCursor(buckets)
        var lo = 0
        for b in 0..<buckets.count {
            var hi = lo
            while hi < n && cursor.bucket(of: startTime[hi]) == b { hi += 1 }
            durations[lo..<hi].sort()
            counts[lo..<hi].sort()
            periods.append(Period(start: buckets.label(b), sessions: hi - lo, durationSeconds: Summary(sorted: durations[lo..<hi], scale: 1000),
                                  eventsPerSession: Summary(sorted: counts[lo..<hi])))
            lo = hi
        }
        durations.sort()
        counts.sort()
        var perUser = [Int32](repeating: 0, count: scan.userCapacity)
        for s in 0..<n where owner[s] != 0 { perUser[Int(owner[s])] += 1 }
        var sessionsPerUser = perUser.filter { $0 > 0 }
        sessionsPerUser.sort()
        return Result(interval: request.interval, sessions: n, users: sessionsPerUser.count,
                      durationSeconds: Summary(sorted: durations[...], scale: 1000), eventsPerSession: Summary(sorted: counts[...]),
                      sessionsPerUser: Summary(sorted: sessionsPerUser[...]), unsessionedEvents: unsessioned, periods: periods)
    }
}
