/// Events held in memory as decoded columns: the store's unflushed head, and the reader tests use.
public struct MemoryEventBlock: EventBlock {
    public let count: Int
    public let minTime: Int64
    public let maxTime: Int64
    let timestampColumn: [Int64]
    let userColumn: [UInt32]
    let termColumns: [[UInt32]]
    let valueColumn: [Double]
    let propertyColumns: [UInt32: [UInt32]]
    let dictionary: UserDictionary

    /// Builds a block from events in any order (they are sorted by timestamp, then id), interning
    /// every string into `terms` and every user into `users`.
    public init(events: [Event], terms: TermDictionary, users: UserDictionary) {
        let sorted = events.sorted { ($0.timestamp, $0.id) < ($1.timestamp, $1.id) }
        count = sorted.count
        minTime = sorted.first?.timestamp ?? 0
        maxTime = sorted.last?.timestamp ?? 0
        dictionary = users
        timestampColumn = sorted.map(\.timestamp)
        userColumn = sorted.map { $0.userId.map(users.intern) ?? 0 }
        valueColumn = sorted.map { $0.value ?? .nan }
        func ids(_ f: (Event) -> String?) -> [UInt32] {
            sorted.map { f($0).map { terms.intern(.string($0)) } ?? 0 }
        }
        termColumns = TermColumn.allCases.map { column in
            switch column {
            case .session: ids(\.sessionId)
            case .eventType: ids(\.eventType)
            case .category: ids(\.category)
            case .action: ids(\.action)
            case .label: ids(\.label)
            case .platform: ids(\.device.platform)
            case .appVersion: ids(\.device.appVersion)
            case .osVersion: ids(\.device.osVersion)
            case .userSegment: ids(\.userSegment)
            }
        }
        var props: [UInt32: [UInt32]] = [:]
        for (row, e) in sorted.enumerated() {
            for (key, value) in e.properties {
                let k = terms.intern(.string(key))
                props[k, default: [UInt32](repeating: 0, count: sorted.count)][row] = terms.intern(value)
            }
        }
        propertyColumns = props
    }

    public func timestamps() -> [Int64] { timestampColumn }
    public func users() -> [UInt32] { dictionary.canonical(userColumn) }
    public func terms(_ column: TermColumn) -> [UInt32] { termColumns[column.rawValue] }
    public func values() -> [Double] { valueColumn }
    public func propertyKeys() -> [UInt32] { propertyColumns.keys.sorted() }
    public func property(_ key: UInt32) -> [UInt32]? { propertyColumns[key] }
}

/// An `EventReader` over events held in memory, for tests and small tools.
public struct MemoryEventReader: EventReader {
    public let terms: any TermLookup
    public let users: any UserLookup
    let stored: [MemoryEventBlock]

    /// Events split into one block per UTC day, as the store partitions them; `aliases` are
    /// `(alias, person)` merges applied after the events.
    public init(events: [Event], aliases: [(String, String)] = []) {
        let termDictionary = TermDictionary(), userDictionary = UserDictionary()
        let byDay = Dictionary(grouping: events) { $0.timestamp.floorDiv(86_400_000) }
        stored = byDay.keys.sorted().map { MemoryEventBlock(events: byDay[$0]!, terms: termDictionary, users: userDictionary) }
        for (alias, person) in aliases { userDictionary.merge(alias, into: person) }
        terms = termDictionary
        users = userDictionary
    }

    public func blocks(from: Int64?, to: Int64?) -> [any EventBlock] {
        stored.filter { b in (from.map { b.maxTime >= $0 } ?? true) && (to.map { b.minTime < $0 } ?? true) }
    }
}

extension Int64 {
    /// Division rounding toward negative infinity.
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
