import Synchronization

/// Decoded segment columns kept for repeated reads, bounded by bytes, least recently used
/// evicted first. Safe to use from several threads at once.
final class ColumnCache: Sendable {
    struct Key: Hashable, Sendable {
        /// The segment's sequence number (never reused, so a rewritten segment never hits
        /// the columns of the one it replaced).
        var segment: UInt64
        var column: Int
    }

    enum Column: Sendable {
        case int64([Int64])
        case uint32([UInt32])
        case double([Double])

        var bytes: Int {
            switch self {
            case .int64(let a): a.count * 8 + 64
            case .uint32(let a): a.count * 4 + 64
            case .double(let a): a.count * 8 + 64
            }
        }
    }

    private struct Entry {
        var column: Column
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The cached column, or `make()`'s, which is then cached (unless larger than the whole
    /// cache). `make` runs outside the lock, so two threads may decode the same column once
    /// each; both results are equal.
    func column(_ key: Key, _ make: () -> Column) -> Column {
        if let hit = state.withLock({ s -> Column? in
            s.clock += 1
            guard let e = s.entries[key] else { s.misses += 1; return nil }
            s.entries[key]!.lastUse = s.clock
            s.hits += 1
            return e.column
        }) {
            return hit
        }
        let column = make()
        let size = column.bytes
        guard size <= capacity else { return column }
        state.withLock { s in
            if let old = s.entries.updateValue(Entry(column: column, lastUse: s.clock), forKey: key) {
                s.bytes -= old.column.bytes
            }
            s.bytes += size
            if s.bytes > capacity { evict(&s) }
        }
        return column
    }

    /// Drops least recently used entries until the cache is at 3/4 of its capacity, so that
    /// one sort pays for many insertions.
    private func evict(_ s: inout State) {
        let target = capacity / 4 * 3
        for (key, entry) in s.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
            if s.bytes <= target { break }
            s.entries[key] = nil
            s.bytes -= entry.column.bytes
        }
    }

    /// Forgets every column of a segment (after it is deleted or replaced).
    func remove(segment: UInt64) {
        state.withLock { s in
            for key in s.entries.keys where key.segment == segment {
                s.bytes -= s.entries.removeValue(forKey: key)!.column.bytes
            }
        }
    }

    /// Bytes held, and lookups that hit and missed so far.
    var stats: (bytes: Int, hits: Int, misses: Int) {
        state.withLock { ($0.bytes, $0.hits, $0.misses) }
    }
}
