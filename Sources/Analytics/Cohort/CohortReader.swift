import EventStore

/// The events of a cohort's members only: an analysis run on this reader instead of the store
/// is that analysis restricted to the cohort (a saved cohort used as a filter). Membership is
/// evaluated once, when the reader is made; events without a user are never members'.
///
/// Each block of the store reads as the block's rows of member users, in the same order
/// (`MemberRowsBlock`). The dictionaries are the store's. Safe to use concurrently.
public struct CohortReader: EventReader {
    let base: any EventReader
    let members: UserSet
    /// How many users the cohort held at `asOf`.
    public let count: Int
    /// The instant membership was evaluated at (ms).
    public let asOf: Int64

    /// - Parameter asOf: the evaluation instant (ms); nil: just after the last event held.
    /// - Throws: `AnalyticsError` when the definition is invalid.
    public init(_ base: any EventReader, definition: CohortDefinition, asOf: Int64? = nil) throws(AnalyticsError) {
        try definition.validate()
        let asOf = asOf ?? ((EventScan(base, from: nil, to: nil).lastTime ?? 0) + 1)
        self.base = base
        self.asOf = asOf
        members = Cohorts.members(definition, asOf: asOf, on: base)
        count = members.count
    }

    public var terms: any TermLookup { base.terms }
    public var users: any UserLookup { base.users }

    public func blocks(from: Int64?, to: Int64?) -> [any EventBlock] {
        base.blocks(from: from, to: to).compactMap { MemberRowsBlock.of($0, members) }
    }
}

/// The rows of a block whose user is in a set, as a block. Columns are gathered on each call
/// (a scan asks each once).
struct MemberRowsBlock: EventBlock {
    let base: any EventBlock
    /// Rows of `base` kept, ascending.
    let rows: [UInt32]
    let minTime: Int64
    let maxTime: Int64

    /// `block` itself when every row is a member's, nil when none is.
    static func of(_ block: any EventBlock, _ members: UserSet) -> (any EventBlock)? {
        let users = block.users()
        var rows: [UInt32] = []
        for (i, u) in users.enumerated() where members.contains(u) { rows.append(UInt32(i)) }
        if rows.count == block.count { return block }
        guard let first = rows.first, let last = rows.last else { return nil }
        let ts = block.timestamps()
        return MemberRowsBlock(base: block, rows: rows, minTime: ts[Int(first)], maxTime: ts[Int(last)])
    }

    var count: Int { rows.count }

    private func gather<T>(_ column: [T]) -> [T] { rows.map { column[Int($0)] } }

    func timestamps() -> [Int64] { gather(base.timestamps()) }
    func users() -> [UInt32] { gather(base.users()) }
    func terms(_ column: TermColumn) -> [UInt32] { gather(base.terms(column)) }
    func values() -> [Double] { gather(base.values()) }
    func propertyKeys() -> [UInt32] { base.propertyKeys() }
    func property(_ key: UInt32) -> [UInt32]? { base.property(key).map(gather) }
}
