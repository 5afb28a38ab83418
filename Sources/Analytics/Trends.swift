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
                      breakdownLimit: try c.decode(.breakdownLimit, or: BreakdownValues.defaultLimit),
                      filters: try c.decode(.filters, or: []), from: try c.decodeIfPresent(Int64.self, forKey: .from),
                      to: try c.decodeIfPresent(Int64.self, forKey: .to))
        }

        func validate() throws(AnalyticsError) {
            if let action { try validateName(action, "action") }
            try Analytics.validate(breakdownLimit, 1...BreakdownValues.maxLimit, "breakdown_limit")
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
        let breakdown = request.breakdown.map { BreakdownValues($0, scan, filters, limit: request.breakdownLimit) }
        let slots = breakdown?.values.count ?? 1
        guard slots * buckets.count <= maxPoints else {
            throw AnalyticsError(.tooLarge, "\(slots) series of \(buckets.count) points are more than the \(maxPoints) allowed; choose a coarser interval, a shorter range or a lower breakdown_limit")
        }
        if request.math == .uniqueUsers { try DistinctUsers.checkMemory(slots: slots, users: scan.userCapacity) }
        var tally = Tally(slots: slots, buckets: buckets.count, math: request.math, userCapacity: scan.userCapacity)
        for part in scan.parts {
            guard let bound = filters.bind(part.block) else { continue }
            let ts = part.block.timestamps()
            let users = request.math == .uniqueUsers ? part.block.users() : []
            let values = request.math == .sum || request.math == .average ? part.block.values() : []
            let column = breakdown.flatMap { $0.field.column(part.block) }
            let absentSlot = breakdown?.output(0) ?? 0
            buckets.forEachRun(ts, in: part.rows) { rows, b in
                for i in rows where bound.matches(i) {
                    let slot = column.map { breakdown!.output($0[i]) } ?? absentSlot
                    if slot < 0 { continue }
                    tally.add(slot: slot, bucket: b, user: users.isEmpty ? 0 : users[i], value: values.isEmpty ? .nan : values[i])
                }
            }
        }
        let labels = buckets.labels
        let series = (0..<slots).map { s in
            Series(breakdown: breakdown.map { $0.values[s] },
                   points: (0..<buckets.count).map { b in Point(labels[b], tally.value(slot: s, bucket: b)) },
                   total: tally.total(slot: s))
        }
        return Result(interval: request.interval, series: series, warnings: breakdown?.warning.map { [$0] } ?? [])
    }

    /// Per (slot, bucket) accumulators for one math.
    struct Tally {
        let math: Math
        let buckets: Int
        var counts: [Int]
        var sums: [Double]
        /// Allocated for `.uniqueUsers` only.
        var distinct: DistinctUsers

        init(slots: Int, buckets: Int, math: Math, userCapacity: Int) {
            self.math = math
            self.buckets = buckets
            counts = [Int](repeating: 0, count: slots * buckets)
            sums = math == .sum || math == .average ? [Double](repeating: 0, count: slots * buckets) : []
            distinct = math == .uniqueUsers ? DistinctUsers(slots: slots, buckets: buckets, userCapacity: userCapacity)
                : DistinctUsers(slots: 0, buckets: 0, userCapacity: 0)
        }

        @inline(__always)
        mutating func add(slot: Int, bucket: Int, user: UInt32, value: Double) {
            let cell = slot * buckets + bucket
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
            case .count: return Double(counts[cells].reduce(0, +))
            case .uniqueUsers: return Double(distinct.perSlot[slot])
            case .sum: return sums[cells].reduce(0, +)
            case .average:
                let n = counts[cells].reduce(0, +)
                return n == 0 ? 0 : sums[cells].reduce(0, +) / Double(n)
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
