import EventStore

/// Usage and adoption of features: per feature, its users and events, and the share of active
/// users who used it, over the range and per interval.
///
/// A feature is either listed (`features`: a name, an action and optional filters; an event
/// may count for several), or each value of a field (`feature_field`, e.g. `properties.screen`,
/// optionally only on events of `action`). Active users are the users with any event meeting
/// `filters` in the range (or bucket); adoption = feature users / active users.
public enum FeatureUsage {
    public struct Feature: Codable, Sendable, Equatable {
        public var name: String
        public var action: String
        public var filters: [EventFilter]

        public init(name: String, action: String, filters: [EventFilter] = []) {
            self.name = name
            self.action = action
            self.filters = filters
        }

        enum CodingKeys: String, CodingKey { case name, action, filters }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(name: try c.decode(String.self, forKey: .name), action: try c.decode(String.self, forKey: .action),
                      filters: try c.decode(.filters, or: []))
        }
    }

    public struct Request: Codable, Sendable, Equatable {
        /// 1 to 100 listed features; or nil with `featureField`.
        public var features: [Feature]?
        public var featureField: EventField?
        /// With `featureField`: only events of this action define features.
        public var action: String?
        /// With `featureField`: most features returned, the most used first (1...1000, default 25).
        public var limit: Int
        public var interval: Interval
        public var filters: [EventFilter]
        public var from: Int64?
        public var to: Int64?

        public init(features: [Feature]? = nil, featureField: EventField? = nil, action: String? = nil, limit: Int = 25,
                    interval: Interval = .day, filters: [EventFilter] = [], from: Int64? = nil, to: Int64? = nil) {
            self.features = features
            self.featureField = featureField
            self.action = action
            self.limit = limit
            self.interval = interval
            self.filters = filters
            self.from = from
            self.to = to
        }

        enum CodingKeys: String, CodingKey {
            case features, action, limit, interval, filters, from, to
            case featureField = "feature_field"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(features: try c.decodeIfPresent([Feature].self, forKey: .features),
                      featureField: try c.decodeIfPresent(EventField.self, forKey: .featureField),
                      action: try c.decodeIfPresent(String.self, forKey: .action), limit: try c.decode(.limit, or: 25),
                      interval: try c.decode(.interval, or: .day), filters: try c.decode(.filters, or: []),
                      from: try c.decodeIfPresent(Int64.self, forKey: .from), to: try c.decodeIfPresent(Int64.self, forKey: .to))
        }

        func validate() throws(AnalyticsError) {
            switch (features, featureField) {
            case (nil, nil), (.some, .some): throw .invalid("give either features or feature_field")
            case (let features?, nil):
                guard !features.isEmpty, features.count <= 100 else { throw .invalid("features: give 1 to 100 features") }
                for (i, f) in features.enumerated() {
                    try validateName(f.name, "features[\(i)].name")
                    try validateName(f.action, "features[\(i)].action")
                    try f.filters.validate("features[\(i)].filters")
                }
            case (nil, .some):
                if let action { try validateName(action, "action") }
            }
            try Analytics.validate(limit, 1...SlotMap.maxLimit, "limit")
            try filters.validate("filters")
            try validateRange(from, to)
        }
    }

    public struct Period: Codable, Sendable, Equatable {
        public var start: String
        public var users: Int
        public var events: Int
        /// users / active users of the bucket; nil without active users.
        public var adoption: Double?
    }

    public struct FeatureResult: Codable, Sendable, Equatable {
        /// The listed name, or the field's value.
        public var feature: ScalarValue
        public var users: Int
        public var events: Int
        public var adoption: Double?
        public var periods: [Period]
    }

    public struct Result: Codable, Sendable, Equatable {
        public var interval: Interval
        public var activeUsers: Int
        /// Active users per bucket, as [label, users].
        public var activeUsersOverTime: [Point]
        public var features: [FeatureResult]
        public var warnings: [String]

        enum CodingKeys: String, CodingKey {
            case interval, features, warnings
            case activeUsers = "active_users", activeUsersOverTime = "active_users_over_time"
        }
    }

    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.validate()
        let scan = EventScan(reader, from: request.from, to: request.to)
        guard let (first, last) = scan.bucketRange(from: request.from, to: request.to) else {
            return Result(interval: request.interval, activeUsers: 0, activeUsersOverTime: [], features: [], warnings: [])
        }
        let buckets = try TimeBuckets(request.interval, from: first, through: last, limit: Trends.maxBuckets)
        let filters = FilterSet(request.filters, scan)
        let slots = request.features?.count ?? request.limit
        guard (slots + 1) * buckets.count <= Trends.maxPoints else {
            throw AnalyticsError(.tooLarge, "\(slots) features of \(buckets.count) points are more than the \(Trends.maxPoints) allowed; choose a coarser interval or a shorter range")
        }
        try DistinctUsers.checkMemory(slots: slots + 1, users: scan.userCapacity)

        var tally: Tally
        var warnings: [String] = []
        let names: [ScalarValue]
        if let features = request.features {
            tally = listed(features, scan, buckets, filters)
            names = features.map { .string($0.name) }
        } else if let field = request.featureField.map({ ResolvedField($0, scan) }) {
            let only = FilterSet(request.filters, action: request.action, scan)
            var map = SlotMap(limit: request.limit)
            tally = byValue(field, only, &map, scan, buckets, filters)
            var order = map.ordered(by: tally.events.array, scan)
            if map.overflowed {
                let (ranked, warning) = SlotMap.ranked(field, scan, only, limit: request.limit)
                map = ranked
                tally = byValue(field, only, &map, scan, buckets, filters)
                order = Array(0..<map.count)
                warnings.append(warning)
            }
            tally.keep(order)
            names = order.map { map.value($0, scan) }
        } else {
            return Result(interval: request.interval, activeUsers: 0, activeUsersOverTime: [], features: [], warnings: [])
        }

        let labels = buckets.labels
        let active = tally.active.perSlot[0]
        func share(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }
        let results = names.indices.map { s in
            let slot = tally.slot(s)
            return FeatureResult(
                feature: names[s], users: tally.used.perSlot[slot], events: tally.events[slot],
                adoption: share(tally.used.perSlot[slot], active),
                periods: (0..<buckets.count).map { b in
                    let users = tally.used.perBucket[slot * buckets.count + b]
                    return Period(start: labels[b], users: users, events: tally.eventsAt[slot * buckets.count + b],
                                  adoption: share(users, tally.active.perBucket[b]))
                })
        }
        return Result(interval: request.interval, activeUsers: active,
                      activeUsersOverTime: (0..<buckets.count).map { Point(labels[$0], Double(tally.active.perBucket[$0])) },
                      features: results, warnings: warnings)
    }

    /// Distinct users and events per (feature slot, bucket), and active users per bucket.
    struct Tally {
        let buckets: Int
        let used: DistinctUsers
        let active: DistinctUsers
        let events: StateArray<Int>
        let eventsAt: StateArray<Int>
        /// Output order: output index -> slot.
        private var order: [Int]?

        init(slots: Int, buckets: Int, userCapacity: Int) {
            self.buckets = buckets
            used = DistinctUsers(slots: slots, buckets: buckets, userCapacity: userCapacity)
            active = DistinctUsers(slots: 1, buckets: buckets, userCapacity: userCapacity)
            events = StateArray(repeating: 0, count: slots)
            eventsAt = StateArray(repeating: 0, count: slots * buckets)
        }

        mutating func keep(_ order: [Int]) { self.order = order }

        func slot(_ index: Int) -> Int { order?[index] ?? index }

        @inline(__always)
        func add(user u: UInt32, slot s: Int, bucket b: Int) {
            events[s] += 1
            eventsAt[s * buckets + b] += 1
            if u != 0 { used.add(user: u, slot: s, bucket: b) }
        }
    }

    /// One pass for listed features: an event counts for every feature it matches.
    static func listed(_ features: [Feature], _ scan: EventScan, _ buckets: TimeBuckets, _ filters: FilterSet) -> Tally {
        let tally = Tally(slots: features.count, buckets: buckets.count, userCapacity: scan.userCapacity)
        let matchers = features.map { FilterSet($0.filters, action: $0.action, scan) }
        for part in scan.parts {
            guard let rows = filters.rows(part) else { continue }
            let ts = part.block.timestamps(), users = part.block.users()
            let bound = matchers.map { $0.bind(part.block) }
            var cursor = BucketCursor(buckets)
            for i in rows {
                let u = users[i], b = cursor.bucket(of: ts[i])
                if u != 0 { tally.active.add(user: u, slot: 0, bucket: b) }
                for s in bound.indices { if let m = bound[s], m.matches(i) { tally.add(user: u, slot: s, bucket: b) } }
            }
        }
        return tally
    }

    /// One pass for features that are values of `field` on events meeting `only`.
    static func byValue(_ field: ResolvedField, _ only: FilterSet, _ map: inout SlotMap, _ scan: EventScan, _ buckets: TimeBuckets,
                        _ filters: FilterSet) -> Tally {
        let tally = Tally(slots: map.limit, buckets: buckets.count, userCapacity: scan.userCapacity)
        for part in scan.parts {
            guard let rows = filters.rows(part) else { continue }
            let ts = part.block.timestamps(), users = part.block.users()
            let column = field.column(part.block), chosen = only.bind(part.block)
            var cursor = BucketCursor(buckets)
            for i in rows {
                let u = users[i], b = cursor.bucket(of: ts[i])
                if u != 0 { tally.active.add(user: u, slot: 0, bucket: b) }
                guard let chosen, chosen.matches(i) else { continue }
                let s = map.slot(column?[i] ?? 0)
                if s >= 0 { tally.add(user: u, slot: s, bucket: b) }
            }
        }
        return tally
    }
}
