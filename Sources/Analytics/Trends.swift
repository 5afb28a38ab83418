import EventStore

/// Counts, distinct users, sums and averages of event values per time bucket, optionally broken
/// down by a field.
public enum Trends {
    public enum Math: String, RequestEnum {
        /// Events.
        case count
        /// Distinct users with an event (events without a user are not counted).
        case uniqueUsers = "unique_users"
        /// Sum of the events' `value` (events without one add nothing).
        case sum
        /// Mean `value` of the events that have one; 0 in a bucket with none.
        case average
    }

    public struct Request: Codable, Sendable, Equatable {
        /// Only events with this action; nil for every event.
        public var action: String?
        public var math: Math
        public var interval: Interval
        /// One series per value of this field; nil for one series of everything.
        public var breakdown: EventField?
        /// Most series returned (1...1000, default 25): the values with the most events.
        public var breakdownLimit: Int
        public var filters: [EventFilter]
        /// Time range, ms since the epoch, `to` exclusive; nil: from the first / through the last event.
        public var from: Int64?
        public var to: Int64?

        public init(action: String? = nil, math: Math = .count, interval: Interval = .day, breakdown: EventField? = nil,
                    breakdownLimit: Int = 25, filters: [EventFilter] = [], from: Int64? = nil, to: Int64? = nil) {
            self.action = action
            self.math = math
            self.interval = interval
            self.breakdown = breakdown
            self.breakdownLimit = breakdownLimit
            self.filters = filters
            self.from = from
            self.to = to
        }

        enum CodingKeys: String, CodingKey {
            case action, math, interval, breakdown, filters, from, to
            case breakdownLimit = "breakdown_limit"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(action: try c.decodeIfPresent(String.self, forKey: .action), math: try c.decode(.math, or: .count),
                      interval: try c.decode(.interval, or: .day), breakdown: try c.decodeIfPresent(EventField.self, forKey: .breakdown),
                      breakdownLimit: try c.decode(.breakdownLimit, or: SlotMap.defaultLimit),
                      filters: try c.decode(.filters, or: []), from: try c.decodeIfPresent(Int64.self, forKey: .from),
                      to: try c.decodeIfPresent(Int64.self, forKey: .to))
        }

        func validate() throws(AnalyticsError) {
            if let action { try validateName(action, "action") }
            try Analytics.validate(breakdownLimit, 1...SlotMap.maxLimit, "breakdown_limit")
            try filters.validate("filters")
            try validateRange(from, to)
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var interval: Interval
        public var series: [Series]
        /// What the answer left out (breakdown values past the limit).
        public var warnings: [String]
    }

    public struct Series: Codable, Sendable, Equatable {
        /// The breakdown value (`null` for events lacking the field); absent without a breakdown.
        public var breakdown: ScalarValue?
        public var points: [Point]
        /// Over the whole range: events, distinct users, sum, or mean value.
        public var total: Double
    }

    /// Longest series: a minute interval over 30 days fits.
    static let maxBuckets = 50_000
    /// Most points in one answer (series times buckets).
    static let maxPoints = 5_000_000

    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.validate()
        let scan = EventScan(reader, from: request.from, to: request.to)
        guard let (first, last) = scan.bucketRange(from: request.from, to: request.to) else {
            return Result(interval: request.interval, series: [], warnings: [])
        }
        let buckets = try TimeBuckets(request.interval, from: first, through: last, limit: maxBuckets)
        let filters = FilterSet(request.filters, action: request.action, scan)
        guard let field = request.breakdown.map({ ResolvedField($0, scan) }) else {
            var map = SlotMap(limit: 1)
            let tally = try count(request, scan, buckets, filters, nil, &map)
            return Result(interval: request.interval, series: [series(tally, 0, nil, buckets.labels)], warnings: [])
        }
        // One pass with slots given as values appear; only when there are more values than the
        // limit, a first pass ranks them and a second counts the kept ones.
        var map = SlotMap(limit: request.breakdownLimit)
        var tally = try count(request, scan, buckets, filters, field, &map)
        var order = map.ordered(by: tally.events.array, scan)
        var warnings: [String] = []
        if map.overflowed {
            let (ranked, warning) = SlotMap.ranked(field, scan, filters, limit: request.breakdownLimit)
            map = ranked
            tally = try count(request, scan, buckets, filters, field, &map)
            order = Array(0..<map.count)
            warnings.append(warning)
        }
        let labels = buckets.labels
        return Result(interval: request.interval, series: order.map { series(tally, $0, map.value($0, scan), labels) }, warnings: warnings)
    }

    static func series(_ tally: Tally, _ slot: Int, _ value: ScalarValue?, _ labels: [String]) -> Series {
        Series(breakdown: value, points: labels.indices.map { b in Point(labels[b], tally.value(slot: slot, bucket: b)) },
               total: tally.total(slot: slot))
    }

    /// One pass: the request's math per (breakdown slot, bucket). Without a breakdown field
    /// every event is slot 0.
    static func count(_ request: Request, _ scan: EventScan, _ buckets: TimeBuckets, _ filters: FilterSet,
                      _ field: ResolvedField?, _ map: inout SlotMap) throws(AnalyticsError) -> Tally {
        let slots = map.limit
        guard slots * buckets.count <= maxPoints else {
            throw AnalyticsError(.tooLarge, "\(slots) series of \(buckets.count) points are more than the \(maxPoints) allowed; choose a coarser interval, a shorter range or a lower breakdown_limit")
        }
        if request.math == .uniqueUsers { try DistinctUsers.checkMemory(slots: slots, users: scan.userCapacity) }
        let tally = Tally(slots: slots, buckets: buckets.count, math: request.math, userCapacity: scan.userCapacity)
        for part in scan.parts {
            guard let rows = filters.rows(part) else { continue }
            let ts = part.block.timestamps()
            let users = request.math == .uniqueUsers ? part.block.users() : []
            let values = request.math == .sum || request.math == .average ? part.block.values() : []
            let column = field.map { $0.column(part.block) ?? [] }
            var cursor = BucketCursor(buckets)
            for i in rows {
                var slot = 0
                if let column {
                    slot = map.slot(column.isEmpty ? 0 : column[i])
                    if slot < 0 { continue }
                }
                tally.add(slot: slot, bucket: cursor.bucket(of: ts[i]), user: users.isEmpty ? 0 : users[i], value: values.isEmpty ? .nan : values[i])
            }
        }
        return tally
    }

    /// Per (slot, bucket) accumulators for one math.
    struct Tally {
        let math: Math
        let buckets: Int
        let counts: StateArray<Int>
        let sums: StateArray<Double>
        /// Events per slot, to order series.
        let events: StateArray<Int>
        /// Allocated for `.uniqueUsers` only.
        let distinct: DistinctUsers

        init(slots: Int, buckets: Int, math: Math, userCapacity: Int) {
            self.math = math
            self.buckets = buckets
            counts = StateArray(repeating: 0, count: slots * buckets)
            events = StateArray(repeating: 0, count: slots)
            sums = StateArray(repeating: 0, count: math == .sum || math == .average ? slots * buckets : 0)
            distinct = math == .uniqueUsers ? DistinctUsers(slots: slots, buckets: buckets, userCapacity: userCapacity)
                : DistinctUsers(slots: 0, buckets: 0, userCapacity: 0)
        }

        @inline(__always)
        func add(slot: Int, bucket: Int, user: UInt32, value: Double) {
            let cell = slot * buckets + bucket
            events[slot] += 1
            switch math {
            case .count: counts[cell] += 1
            case .uniqueUsers: if user != 0 { distinct.add(user: user, slot: slot, bucket: bucket) }
            case .sum, .average:
                if !value.isNaN {
                    counts[cell] += 1
                    sums[cell] += value
                }
            }
        }

        func value(slot: Int, bucket: Int) -> Double {
            let cell = slot * buckets + bucket
            switch math {
            case .count: return Double(counts[cell])
            case .uniqueUsers: return Double(distinct.perBucket[cell])
            case .sum: return sums[cell]
            case .average: return counts[cell] == 0 ? 0 : sums[cell] / Double(counts[cell])
            }
        }

        func total(slot: Int) -> Double {
            let cells = slot * buckets..<(slot + 1) * buckets
            switch math {
            case .count: return Double(cells.reduce(0) { $0 + counts[$1] })
            case .uniqueUsers: return Double(distinct.perSlot[slot])
            case .sum: return cells.reduce(0) { $0 + sums[$1] }
            case .average:
                let n = cells.reduce(0) { $0 + counts[$1] }
                return n == 0 ? 0 : cells.reduce(0) { $0 + sums[$1] } / Double(n)
            }
        }
    }
}

/// One point of a series: the bucket's label and its number, encoded as `["2026-01-05", 42]`.
public struct Point: Codable, Sendable, Equatable {
    public var label: String
    public var value: Double

    public init(_ label: String, _ value: Double) {
        self.label = label
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        label = try c.decode(String.self)
        value = try c.decode(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(label)
        try c.encode(value)
    }
}
