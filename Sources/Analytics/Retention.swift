import EventStore

/// Of the users who started in a period, how many came back 1, 2, ... periods later.
public enum Retention {
    public enum Period: String, RequestEnum {
        case day, week, month

        var interval: Interval {
            switch self {
            case .day: .day
            case .week: .week
            case .month: .month
            }
        }
    }

    public enum Mode: String, RequestEnum {
        /// A user's cohort is the period of their first start event ever (history before
        /// `from` included; users who started before `from` are left out).
        case firstTime = "first_time"
        /// A user belongs to the cohort of every period in which they did the start event.
        case recurring
    }

    public enum Retained: String, RequestEnum {
        /// Counted in period N when they returned in exactly period N.
        case on
        /// Counted in period N when they returned in period N or any later one in range.
        case onOrAfter = "on_or_after"
    }

    public struct Request: Codable, Sendable, Equatable {
        public var period: Period
        public var mode: Mode
        public var retained: Retained
        /// The event that puts a user in a cohort; nil for any event.
        public var startEvent: String?
        /// The event that counts as coming back; nil for any event.
        public var returnEvent: String?
        /// Conditions every start and return event must meet.
        public var filters: [EventFilter]
        public var from: Int64?
        public var to: Int64?

        public init(period: Period = .week, mode: Mode = .firstTime, retained: Retained = .on, startEvent: String? = nil,
                    returnEvent: String? = nil, filters: [EventFilter] = [], from: Int64? = nil, to: Int64? = nil) {
            self.period = period
            self.mode = mode
            self.retained = retained
            self.startEvent = startEvent
            self.returnEvent = returnEvent
            self.filters = filters
            self.from = from
            self.to = to
        }

        enum CodingKeys: String, CodingKey {
            case period, mode, retained, filters, from, to
            case startEvent = "start_event", returnEvent = "return_event"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(period: try c.decode(.period, or: .week), mode: try c.decode(.mode, or: .firstTime),
                      retained: try c.decode(.retained, or: .on), startEvent: try c.decodeIfPresent(String.self, forKey: .startEvent),
                      returnEvent: try c.decodeIfPresent(String.self, forKey: .returnEvent), filters: try c.decode(.filters, or: []),
                      from: try c.decodeIfPresent(Int64.self, forKey: .from), to: try c.decodeIfPresent(Int64.self, forKey: .to))
        }

        func validate() throws(AnalyticsError) {
            if let startEvent { try validateName(startEvent, "start_event") }
            if let returnEvent { try validateName(returnEvent, "return_event") }
            try filters.validate("filters")
            try validateRange(from, to)
        }
    }

    public struct Cohort: Codable, Sendable, Equatable {
        /// The cohort period's first day, `YYYY-MM-DD`.
        public var start: String
        /// `users[0]`: the cohort's size; `users[n]`: of them, retained in period n after it,
        /// through the last period of the range.
        public var users: [Int]
    }

    public struct Result: Codable, Sendable, Equatable {
        public var period: Period
        /// One per period of the range, empty ones included.
        public var cohorts: [Cohort]
    }

    static let maxPeriods = 1000

    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.validate()
        // First-time cohorts need each user's first start event, however long ago.
        let scan = EventScan(reader, from: request.mode == .firstTime ? nil : request.from, to: request.to)
        let rangeStart = request.from ?? scan.firstTime
        guard let rangeStart, let (first, last) = scan.bucketRange(from: rangeStart, to: request.to) else {
            return Result(period: request.period, cohorts: [])
        }
        let buckets = try TimeBuckets(request.period.interval, from: first, through: last, limit: maxPeriods, what: "periods")
        let p = buckets.count
        let start = FilterSet(request.filters, action: request.startEvent, scan)
        let back = FilterSet(request.filters, action: request.returnEvent, scan)
        let returned = try UserPeriods(periods: p, userCapacity: scan.userCapacity)
        let started = try UserPeriods(periods: request.mode == .recurring ? p : 0, userCapacity: request.mode == .recurring ? scan.userCapacity : 0)
        let firstStart = StateArray<Int64>(repeating: .max, count: request.mode == .firstTime ? scan.userCapacity : 0)
        for part in scan.parts {
            let users = part.block.users(), ts = part.block.timestamps()
            if let rows = start.rows(part) {
                if request.mode == .firstTime {
                    for i in rows where users[i] != 0 && firstStart[Int(users[i])] == .max { firstStart[Int(users[i])] = ts[i] }
                } else {
                    var cursor = BucketCursor(buckets)
                    for i in rows where users[i] != 0 {
                        let b = cursor.bucket(of: ts[i])
                        if b >= 0 && b < p { started.set(user: users[i], period: b) }
                    }
                }
            }
            if let rows = back.rows(part) {
                var cursor = BucketCursor(buckets)
                for i in rows where users[i] != 0 {
                    let b = cursor.bucket(of: ts[i])
                    if b >= 0 && b < p { returned.set(user: users[i], period: b) }
                }
            }
        }

        var table = (0..<p).map { c in [Int](repeating: 0, count: p - c) }
        func count(user u: Int, cohort c: Int) {
            table[c][0] += 1
            switch request.retained {
            case .on:
                returned.forEach(user: u) { q in if q > c { table[c][q - c] += 1 } }
            case .onOrAfter:
                if let q = returned.last(user: u), q > c { for n in 1...(q - c) { table[c][n] += 1 } }
            }
        }
        for u in 1..<scan.userCapacity {
            if request.mode == .firstTime {
                guard firstStart[u] != .max, firstStart[u] >= rangeStart, let c = buckets.index(of: firstStart[u]) else { continue }
                count(user: u, cohort: c)
            } else {
                started.forEach(user: u) { c in count(user: u, cohort: c) }
            }
        }
        return Result(period: request.period, cohorts: (0..<p).map { Cohort(start: buckets.label($0), users: table[$0]) })
    }
}
