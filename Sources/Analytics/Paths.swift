import EventStore

/// What users do right after and right before an event: the top next and previous actions.
///
/// For every occurrence of `action` by a user, the next event is that user's following event
/// (events at the same instant in stored order) when it comes within `max_gap_seconds`;
/// otherwise the occurrence counts in `next_none` (the user left). The previous event likewise.
/// Repeats count: `screen_view` after `screen_view` is a path.
public enum Paths {
    public struct Request: Codable, Sendable, Equatable {
        public var action: String
        /// Default 1800 (the session inactivity gap).
        public var maxGapSeconds: Int64
        /// Most actions listed each way (1...1000, default 10).
        public var limit: Int
        /// Conditions every event considered (the occurrences and their neighbours) must meet.
        public var filters: [EventFilter]
        public var from: Int64?
        public var to: Int64?

        public init(action: String, maxGapSeconds: Int64 = 1800, limit: Int = 10, filters: [EventFilter] = [],
                    from: Int64? = nil, to: Int64? = nil) {
            self.action = action
            self.maxGapSeconds = maxGapSeconds
            self.limit = limit
            self.filters = filters
            self.from = from
            self.to = to
        }

        enum CodingKeys: String, CodingKey {
            case action, limit, filters, from, to
            case maxGapSeconds = "max_gap_seconds"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(action: try c.decode(String.self, forKey: .action), maxGapSeconds: try c.decode(.maxGapSeconds, or: 1800),
                      limit: try c.decode(.limit, or: 10), filters: try c.decode(.filters, or: []),
                      from: try c.decodeIfPresent(Int64.self, forKey: .from), to: try c.decodeIfPresent(Int64.self, forKey: .to))
        }

        func validate() throws(AnalyticsError) {
            try validateName(action, "action")
            try Analytics.validate(maxGapSeconds, 1...(30 * 86_400), "max_gap_seconds")
            try Analytics.validate(limit, 1...1000, "limit")
            try filters.validate("filters")
            try validateRange(from, to)
        }
    }

    public struct Step: Codable, Sendable, Equatable {
        public var action: String
        public var count: Int

        public init(action: String, count: Int) {
            self.action = action
            self.count = count
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var action: String
        /// Occurrences of the action (by users).
        public var occurrences: Int
        /// Most frequent first (ties by action).
        public var next: [Step]
        public var previous: [Step]
        /// Occurrences with no next (previous) event within the gap.
        public var nextNone: Int
        public var previousNone: Int
        /// Set when more actions than `limit` followed (preceded) it.
        public var warnings: [String]

        enum CodingKeys: String, CodingKey {
            case action, occurrences, next, previous, warnings
            case nextNone = "next_none", previousNone = "previous_none"
        }
    }

    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.validate()
        let scan = EventScan(reader, from: request.from, to: request.to)
        let filters = FilterSet(request.filters, scan)
        let gap = request.maxGapSeconds * 1000
        guard let target = scan.id(request.action) else {
            return Result(action: request.action, occurrences: 0, next: [], previous: [], nextNone: 0, previousNone: 0, warnings: [])
        }
        let lastAction = StateArray<UInt32>(repeating: 0, count: scan.userCapacity)
        let lastTime = StateArray<Int64>(repeating: .min, count: scan.userCapacity)
        // Time of the user's latest occurrence still waiting for its next event.
        let waiting = StateArray<Int64>(repeating: .min, count: scan.userCapacity)
        var slots = TermSlots()
        var nextCount: [Int] = [], previousCount: [Int] = []
        var occurrences = 0, nextNone = 0, previousNone = 0
        func count(_ a: UInt32, next: Bool) {
            let s = slots.slot(a)
            while nextCount.count <= s {
                nextCount.append(0)
                previousCount.append(0)
            }
            if next { nextCount[s] += 1 } else { previousCount[s] += 1 }
        }
        for part in scan.parts {
            guard let rows = filters.rows(part) else { continue }
            let ts = part.block.timestamps(), users = part.block.users(), actions = part.block.terms(.action)
            for i in rows {
                let u = Int(users[i])
                if u == 0 { continue }
                let t = ts[i], a = actions[i]
                if waiting[u] != .min {
                    if t - waiting[u] <= gap { count(a, next: true) } else { nextNone += 1 }
                    waiting[u] = .min
                }
                if a == target {
                    occurrences += 1
                    if lastTime[u] != .min && t - lastTime[u] <= gap { count(lastAction[u], next: false) } else { previousNone += 1 }
                    waiting[u] = t
                }
                lastAction[u] = a
                lastTime[u] = t
            }
        }
        for u in 0..<scan.userCapacity where waiting[u] != .min { nextNone += 1 }
        var warnings: [String] = []
        func top(_ counts: [Int], _ name: String) -> [Step] {
            let steps = slots.terms.indices.filter { $0 < counts.count && counts[$0] > 0 }
                .map { Step(action: ScalarValue(term: slots.terms[$0], scan.terms).description, count: counts[$0]) }
                .sorted { ($1.count, $0.action) < ($0.count, $1.action) }
            if steps.count > request.limit {
                warnings.append("\(steps.count) different actions \(name) \(request.action); showing the \(request.limit) most frequent")
            }
            return Array(steps.prefix(request.limit))
        }
        return Result(action: request.action, occurrences: occurrences, next: top(nextCount, "follow"),
                      previous: top(previousCount, "precede"), nextNone: nextNone, previousNone: previousNone, warnings: warnings)
    }
}
