import EventStore

/// Several blocks that overlap in time read as one block in timestamp order (ties: by source
/// block, then row). Columns are gathered from the sources on each call; a scan asks each once.
struct MergedEventBlock: EventBlock {
    let sources: [any EventBlock]
    /// For each merged row, its source block and row there.
    let source: [UInt32]
    let row: [UInt32]
    let count: Int
    let minTime: Int64
    let maxTime: Int64

    init(_ sources: [any EventBlock]) {
        var keys: [(t: Int64, s: UInt32, r: UInt32)] = []
        keys.reserveCapacity(sources.reduce(0) { $0 + $1.count })
        for (s, block) in sources.enumerated() {
            for (r, t) in block.timestamps().enumerated() { keys.append((t, UInt32(s), UInt32(r))) }
        }
        keys.sort { ($0.t, $0.s, $0.r) < ($1.t, $1.s, $1.r) }
        self.sources = sources
        source = keys.map(\.s)
        row = keys.map(\.r)
        count = keys.count
        minTime = keys.first?.t ?? 0
        maxTime = keys.last?.t ?? 0
    }

    private func gather<T>(_ column: (any EventBlock) -> [T]?, absent: T) -> [T] {
        let columns = sources.map(column)
        return (0..<count).map { i in columns[Int(source[i])]?[Int(row[i])] ?? absent }
    }

    func timestamps() -> [Int64] { gather({ $0.timestamps() }, absent: 0) }
    func users() -> [UInt32] { gather({ $0.users() }, absent: 0) }
    func terms(_ column: TermColumn) -> [UInt32] { gather({ $0.terms(column) }, absent: 0) }
    func values() -> [Double] { gather({ $0.values() }, absent: .nan) }
    func propertyKeys() -> [UInt32] { Array(Set(sources.flatMap { $0.propertyKeys() })).sorted() }
    func property(_ key: UInt32) -> [UInt32]? {
        guard sources.contains(where: { $0.property(key) != nil }) else { return nil }
        return gather({ $0.property(key) }, absent: 0)
    }
}
