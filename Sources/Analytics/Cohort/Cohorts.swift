import EventStore

/// Evaluates a `CohortDefinition`: the users in it at an instant, and how many.
public enum Cohorts {
    public struct Request: Codable, Sendable, Equatable {
        public var definition: CohortDefinition
        /// The evaluation instant (ms): windows end here; nil: just after the last event.
        public var asOf: Int64?
        /// Most member ids returned (0...100,000, default 1000); `count` is always exact.
        public var userLimit: Int

        public init(definition: CohortDefinition, asOf: Int64? = nil, userLimit: Int = 1000) {
            self.definition = definition
            self.asOf = asOf
            self.userLimit = userLimit
        }

        enum CodingKeys: String, CodingKey {
            case definition
            case asOf = "as_of", userLimit = "user_limit"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(definition: try c.decode(CohortDefinition.self, forKey: .definition),
                      asOf: try c.decodeIfPresent(Int64.self, forKey: .asOf), userLimit: try c.decode(.userLimit, or: 1000))
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var asOf: Int64
        public var count: Int
        /// Member ids, sorted, at most `user_limit`.
        public var users: [String]
        /// True when `users` was cut at the limit.
        public var truncated: Bool

        enum CodingKeys: String, CodingKey {
            case count, users, truncated
            case asOf = "as_of"
        }
    }

    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.definition.validate()
        try validate(request.userLimit, 0...100_000, "user_limit")
        let asOf = request.asOf ?? ((EventScan(reader, from: nil, to: nil).lastTime ?? 0) + 1)
        let set = members(request.definition, asOf: asOf, on: reader)
        let names = set.members.compactMap { reader.users.name($0) }.sorted()
        return Result(asOf: asOf, count: set.count, users: Array(names.prefix(request.userLimit)), truncated: names.count > request.userLimit)
    }

    /// The person ids in `definition` at `asOf` (the definition must be valid).
    static func members(_ definition: CohortDefinition, asOf: Int64, on reader: any EventReader) -> UserSet {
        switch definition {
        case .performed(let c):
            let (from, to) = c.window(asOf: asOf)
            let scan = EventScan(reader, from: from, to: to)
            let filters = FilterSet(c.filters, action: c.action, scan)
            let counts = StateArray<UInt32>(repeating: 0, count: scan.userCapacity)
            var set = UserSet(capacity: scan.userCapacity)
            for part in scan.parts {
                guard let rows = filters.rows(part) else { continue }
                let users = part.block.users()
                for i in rows where users[i] != 0 {
                    let u = Int(users[i])
                    counts[u] &+= 1
                    if counts[u] == UInt32(c.minCount) { set.insert(users[i]) }
                }
            }
            return set
        case .and(let parts):
            var set = members(parts[0], asOf: asOf, on: reader)
            for part in parts.dropFirst() { set.formIntersection(members(part, asOf: asOf, on: reader)) }
            return set
        case .or(let parts):
            var set = members(parts[0], asOf: asOf, on: reader)
            for part in parts.dropFirst() { set.formUnion(members(part, asOf: asOf, on: reader)) }
            return set
        }
    }
}

/// A set of person ids as a bitset.
struct UserSet {
    private(set) var words: [UInt64]

    init(capacity: Int) { words = [UInt64](repeating: 0, count: (capacity + 63) / 64) }

    mutating func insert(_ id: UInt32) {
        let i = Int(id)
        if i >> 6 >= words.count { words.append(contentsOf: repeatElement(0, count: i >> 6 + 1 - words.count)) }
        words[i >> 6] |= 1 << UInt64(i & 63)
    }

    mutating func formIntersection(_ other: UserSet) {
        for w in words.indices { words[w] &= w < other.words.count ? other.words[w] : 0 }
    }

    mutating func formUnion(_ other: UserSet) {
        if other.words.count > words.count { words.append(contentsOf: repeatElement(0, count: other.words.count - words.count)) }
        for w in other.words.indices { words[w] |= other.words[w] }
    }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    var members: [UInt32] {
        var out: [UInt32] = []
        for (w, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                out.append(UInt32(w * 64 + bits.trailingZeroBitCount))
                bits &= bits - 1
            }
        }
        return out
    }
}
