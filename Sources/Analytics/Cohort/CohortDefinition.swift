/// Who belongs to a cohort: users who did an action at least N times in a window, combined with
/// and / or. Saved cohorts store this (as JSON) and evaluate it with `Cohorts.run`.
///
/// JSON: a criterion `{"action": "workout_completed", "min_count": 3, "within_days": 30,
/// "filters": [...]}` (or `"from"` / `"to"` in ms instead of `within_days`), or
/// `{"and": [definition, ...]}`, `{"or": [definition, ...]}`.
public indirect enum CohortDefinition: Codable, Sendable, Equatable {
    case performed(Criterion)
    case and([CohortDefinition])
    case or([CohortDefinition])

    public struct Criterion: Codable, Sendable, Equatable {
        public var action: String
        /// At least this many events (1 or more, default 1).
        public var minCount: Int
        /// Window relative to the evaluation instant: the last N days before it.
        public var withinDays: Int?
        /// Absolute window (ms, `to` exclusive); with neither this nor `within_days`, all time
        /// before the evaluation instant.
        public var from: Int64?
        public var to: Int64?
        public var filters: [EventFilter]

        public init(action: String, minCount: Int = 1, withinDays: Int? = nil, from: Int64? = nil, to: Int64? = nil,
                    filters: [EventFilter] = []) {
            self.action = action
            self.minCount = minCount
            self.withinDays = withinDays
            self.from = from
            self.to = to
            self.filters = filters
        }

        enum CodingKeys: String, CodingKey {
            case action, from, to, filters
            case minCount = "min_count", withinDays = "within_days"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(action: try c.decode(String.self, forKey: .action), minCount: try c.decode(.minCount, or: 1),
                      withinDays: try c.decodeIfPresent(Int.self, forKey: .withinDays), from: try c.decodeIfPresent(Int64.self, forKey: .from),
                      to: try c.decodeIfPresent(Int64.self, forKey: .to), filters: try c.decode(.filters, or: []))
        }

        func validate(_ at: String) throws(AnalyticsError) {
            try validateName(action, "\(at).action")
            try Analytics.validate(minCount, 1...1_000_000, "\(at).min_count")
            if let withinDays {
                try Analytics.validate(withinDays, 1...3660, "\(at).within_days")
                guard from == nil && to == nil else { throw .invalid("\(at): give within_days or from/to, not both") }
            }
            if let from, let to, from >= to { throw .invalid("\(at): from (\(from)) must be before to (\(to))") }
            try filters.validate("\(at).filters")
        }

        /// The window at evaluation instant `asOf` (ms, `to` exclusive, never past `asOf`).
        func window(asOf: Int64) -> (from: Int64?, to: Int64) {
            if let withinDays { return (asOf - Int64(withinDays) * 86_400_000, asOf) }
            return (from, min(to ?? asOf, asOf))
        }
    }

    enum CodingKeys: String, CodingKey { case and, or }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let all = try c.decodeIfPresent([CohortDefinition].self, forKey: .and) {
            self = .and(all)
        } else if let any = try c.decodeIfPresent([CohortDefinition].self, forKey: .or) {
            self = .or(any)
        } else {
            self = .performed(try Criterion(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .performed(let criterion): try criterion.encode(to: encoder)
        case .and(let parts):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(parts, forKey: .and)
        case .or(let parts):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(parts, forKey: .or)
        }
    }

    static let maxCriteria = 50
    static let maxDepth = 10

    /// Checks every criterion and the bounds (at most 50 criteria, nesting 10 deep).
    public func validate(_ at: String = "definition") throws(AnalyticsError) {
        var criteria = 0
        try validate(at, depth: 1, criteria: &criteria)
    }

    private func validate(_ at: String, depth: Int, criteria: inout Int) throws(AnalyticsError) {
        guard depth <= CohortDefinition.maxDepth else { throw .invalid("\(at): nested deeper than \(CohortDefinition.maxDepth)") }
        switch self {
        case .performed(let criterion):
            criteria += 1
            guard criteria <= CohortDefinition.maxCriteria else {
                throw AnalyticsError(.tooLarge, "\(at): more than the \(CohortDefinition.maxCriteria) criteria allowed")
            }
            try criterion.validate(at)
        case .and(let parts), .or(let parts):
            let key = if case .and = self { "and" } else { "or" }
            guard !parts.isEmpty else { throw .invalid("\(at).\(key): needs at least one definition") }
            for (i, part) in parts.enumerated() { try part.validate("\(at).\(key)[\(i)]", depth: depth + 1, criteria: &criteria) }
        }
    }
}
