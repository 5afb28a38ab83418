import EventStore

/// The events of a reader in a time range, as parts in time order: every row of a part is at or
/// after every row of the parts before it, so per-user state arrays see each user's events in
/// time order (ties in stored order). Blocks that overlap in time are merged first.
struct EventScan {
    /// Rows `rows` of `block`: exactly the block's events with `from <= timestamp < to`.
    struct Part {
        let block: any EventBlock
        let rows: Range<Int>
    }

    let parts: [Part]
    let terms: any TermLookup
    let users: any UserLookup
    /// Size for arrays indexed by person id (`users.count + 1`), read after the blocks were taken
    /// so that every id they hold is below it.
    let userCapacity: Int
    /// Earliest and latest timestamp in range, nil when no event is.
    let firstTime: Int64?
    let lastTime: Int64?

    init(_ reader: any EventReader, from: Int64?, to: Int64?) {
        let blocks = EventScan.ordered(reader.blocks(from: from, to: to))
        terms = reader.terms
        users = reader.users
        userCapacity = reader.users.count + 1
        var parts: [Part] = []
        parts.reserveCapacity(blocks.count)
        for block in blocks where block.count > 0 {
            let low = from.map { block.minTime < $0 } ?? false
            let high = to.map { block.maxTime >= $0 } ?? false
            if !low && !high {
                parts.append(Part(block: block, rows: 0..<block.count))
                continue
            }
            let ts = block.timestamps()
            let lo = from.map { f in partition(ts, 0, ts.count) { $0 >= f } } ?? 0
            let hi = to.map { t in partition(ts, lo, ts.count) { $0 >= t } } ?? ts.count
            if lo < hi { parts.append(Part(block: block, rows: lo..<hi)) }
        }
        self.parts = parts
        firstTime = parts.first.map { $0.rows.lowerBound == 0 ? $0.block.minTime : $0.block.timestamps()[$0.rows.lowerBound] }
        lastTime = parts.last.map { $0.rows.upperBound == $0.block.count ? $0.block.maxTime : $0.block.timestamps()[$0.rows.upperBound - 1] }
    }

    /// Blocks sorted by time, each run of blocks overlapping in time merged into one.
    static func ordered(_ blocks: [any EventBlock]) -> [any EventBlock] {
        let sorted = blocks.filter { $0.count > 0 }.sorted { ($0.minTime, $0.maxTime) < ($1.minTime, $1.maxTime) }
        var out: [any EventBlock] = []
        var cluster: [any EventBlock] = []
        var clusterEnd = Int64.min
        func flush() {
            if cluster.count == 1 { out.append(cluster[0]) } else if cluster.count > 1 { out.append(MergedEventBlock(cluster)) }
            cluster.removeAll()
        }
        for block in sorted {
            // Touching blocks (one ending where the next starts) stay apart: rows remain in order.
            if !cluster.isEmpty && block.minTime >= clusterEnd { flush() }
            clusterEnd = cluster.isEmpty ? block.maxTime : max(clusterEnd, block.maxTime)
            cluster.append(block)
        }
        flush()
        return out
    }

    /// First and last instant (ms, inclusive) that time buckets must cover: the request's range
    /// where given, else the events'; nil when neither bounds it.
    func bucketRange(from: Int64?, to: Int64?) -> (Int64, Int64)? {
        guard let first = from ?? firstTime else { return nil }
        let last = to.map { $0 - 1 } ?? max(lastTime ?? first, first)
        return (first, last)
    }

    /// The term id of a name (`action`, property key, ...), nil when no event holds it.
    func id(_ name: String) -> UInt32? { terms.id(of: .string(name)) }
}
