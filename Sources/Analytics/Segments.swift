import EventStore

/// Users split by recency and frequency at one instant, `as_of`, by documented rules:
/// - active: an event in the last `active_days` days before `as_of`;
/// - new: active, and their first event ever falls in the last `new_days` days;
/// - returning: active and not new (new and returning split the active users);
/// - power: active on at least `power_min_days` of the last `power_days` days;
/// - dormant: an event before the active window and none in it.
/// "Day k" is the 24 hours ending k days before `as_of` (not a calendar day), so the rules do
/// not depend on the time of day. Only events meeting `filters` count.
public enum Segments {
    public struct Request: Codable, Sendable, Equatable {
        /// ms; nil: just after the last event.
        public var asOf: Int64?
        public var activeDays: Int
        public var newDays: Int
        public var powerDays: Int
        public var powerMinDays: Int
        public var filters: [EventFilter]
        /// Also list the members of each segment (at most `user_limit` each, default 1000).
        public var includeUsers: Bool
        public var userLimit: Int

        public init(asOf: Int64? = nil, activeDays: Int = 7, newDays: Int = 7, powerDays: Int = 7, powerMinDays: Int = 5,
                    filters: [EventFilter] = [], includeUsers: Bool = false, userLimit: Int = 1000) {
            self.asOf = asOf
            self.activeDays = activeDays
            self.newDays = newDays
            self.powerDays = powerDays
            self.powerMinDays = powerMinDays
            self.filters = filters
            self.includeUsers = includeUsers
            self.userLimit = userLimit
        }

        enum CodingKeys: String, CodingKey {
            case filters
            case asOf = "as_of", activeDays = "active_days", newDays = "new_days", powerDays = "power_days"
            case powerMinDays = "power_min_days", includeUsers = "include_users", userLimit = "user_limit"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(asOf: try c.decodeIfPresent(Int64.self, forKey: .asOf), activeDays: try c.decode(.activeDays, or: 7),
                      newDays: try c.decode(.newDays, or: 7), powerDays: try c.decode(.powerDays, or: 7),
                      powerMinDays: try c.decode(.powerMinDays, or: 5), filters: try c.decode(.filters, or: []),
                      includeUsers: try c.decode(.includeUsers, or: false), userLimit: try c.decode(.userLimit, or: 1000))
        }

        func validate() throws(AnalyticsError) {
            try Analytics.validate(activeDays, 1...3660, "active_days")
            try Analytics.validate(newDays, 1...3660, "new_days")
            try Analytics.validate(powerDays, 1...64, "power_days")
            try Analytics.validate(powerMinDays, 1...powerDays, "power_min_days")
            try Analytics.validate(userLimit, 0...100_000, "user_limit")
            try filters.validate("filters")
        }
    }

    public struct Segment: Codable, Sendable, Equatable {
        public var users: Int
        /// Members' ids (sorted, at most `user_limit`) when asked for.
        public var members: [String]?
    }

    public struct Result: Codable, Sendable, Equatable {
        public var asOf: Int64
        public var active: Segment
        public var new: Segment
        public var returning: Segment
        public var power: Segment
        public var dormant: Segment

        enum CodingKeys: String, CodingKey {
            case active, new, returning, power, dormant
            case asOf = "as_of"
        }
    }

    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.validate()
        let scan = EventScan(reader, from: nil, to: request.asOf)
        let asOf = request.asOf ?? ((scan.lastTime ?? 0) + 1)
        let day = CivilTime.msPerDay
        let firstSeen = StateArray<Int64>(repeating: .max, count: scan.userCapacity)
        let lastSeen = StateArray<Int64>(repeating: .min, count: scan.userCapacity)
        // Bit k: active in day k before as_of (the 24 hours ending k days before it).
        let recentDays = StateArray<UInt64>(repeating: 0, count: scan.userCapacity)
        let powerStart = asOf - Int64(request.powerDays) * day
        let filters = FilterSet(request.filters, scan)
        for part in scan.parts {
            guard let rows = filters.rows(part) else { continue }
            let ts = part.block.timestamps(), users = part.block.users()
            for i in rows {
                let u = Int(users[i]), t = ts[i]
                if u == 0 { continue }
                if firstSeen[u] == .max { firstSeen[u] = t }
                lastSeen[u] = t
                if t >= powerStart { recentDays[u] |= 1 << UInt64((asOf - 1 - t) / day) }
            }
        }
        let activeStart = asOf - Int64(request.activeDays) * day, newStart = asOf - Int64(request.newDays) * day
        var members: [[UInt32]] = [[], [], [], [], []]  // active, new, returning, power, dormant
        for u in 1..<scan.userCapacity where firstSeen[u] != .max {
            let active = lastSeen[u] >= activeStart
            if active {
                members[0].append(UInt32(u))
                members[firstSeen[u] >= newStart ? 1 : 2].append(UInt32(u))
                if recentDays[u].nonzeroBitCount >= request.powerMinDays { members[3].append(UInt32(u)) }
            } else {
                members[4].append(UInt32(u))
            }
        }
        func segment(_ ids: [UInt32]) -> Segment {
            guard request.includeUsers else { return Segment(users: ids.count) }
            let names = ids.compactMap { scan.users.name($0) }.sorted()
            return Segment(users: ids.count, members: Array(names.prefix(request.userLimit)))
        }
        return Result(asOf: asOf, active: segment(members[0]), new: segment(members[1]), returning: segment(members[2]),
                      power: segment(members[3]), dormant: segment(members[4]))
    }
}
