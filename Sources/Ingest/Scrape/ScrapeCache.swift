import Glibc
import TSDB

/// What one target's scrapes remember between runs, as Prometheus's scrape cache does: the raw
/// series text of each line (`name{labels}` as the target wrote it) mapped to its series handle,
/// so a known line costs a hash and a byte compare instead of label parsing, relabeling and
/// validation; and which series were seen last time, for staleness markers.
///
/// Owned by one scrape loop; not thread-safe.
struct ScrapeCache {
    struct Entry {
        var key: [UInt8]
        var hash: UInt64
        /// The next entry with the same hash, or -1.
        var next: Int32
        /// Index into `refs`; `dropped` when metric relabeling drops the series; below that, a
        /// series being created in the current scrape (`pendingBase - ref` is its index).
        var ref: Int32
        /// The scrape that last saw this line.
        var lastSeen: UInt64
        /// Whether the TSDB holds a sample of this series not yet followed by a staleness marker.
        var alive = false
        /// Whether the last sample carried the target's own timestamp.
        var explicitTimestamp = false
    }

    static let dropped: Int32 = -1
    static let pendingBase: Int32 = -2

    var heads: [UInt64: Int32] = [:]
    var entries: [Entry] = []
    var refs: [SeriesRef] = []
    /// `up`, `scrape_duration_seconds`, `scrape_samples_scraped`,
    /// `scrape_samples_post_metric_relabeling`, `scrape_series_added`, in that order.
    var report: [SeriesRef] = []
    var reportAlive = false
    var scrapeID: UInt64 = 0

    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        LabelHash.finish(LabelHash.mix(key, into: LabelHash.seed), count: key.count)
    }

    func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
        var i = heads[hash] ?? -1
        while i >= 0 {
            let e = entries[Int(i)]
            if e.key.count == key.count && e.key.withUnsafeBytes({ stored in
                // Both are non-empty here: a series key holds at least its metric name.
                guard let a = stored.baseAddress, let b = key.baseAddress else { return stored.count == key.count }
                return memcmp(a, b, key.count) == 0
            }) {
                return i
            }
            i = e.next
        }
        return nil
    }

    /// Adds an entry at the head of its hash chain (so `rollBack` can undo it).
    mutating func insert(_ key: UnsafeRawBufferPointer, hash: UInt64, ref: Int32, seen: UInt64, explicitTimestamp: Bool) {
        let index = Int32(entries.count)
        entries.append(Entry(key: Array(key), hash: hash, next: heads[hash] ?? -1, ref: ref, lastSeen: seen,
                             explicitTimestamp: explicitTimestamp))
        heads[hash] = index
    }

    /// Removes the entries from `count` on, newest first, restoring their hash chains.
    mutating func rollBack(to count: Int) {
        while entries.count > count {
            let e = entries.removeLast()
            if e.next < 0 { heads[e.hash] = nil } else { heads[e.hash] = e.next }
        }
    }

    /// Drops the entries `keep` refuses, with their series handles, and rebuilds the index.
    mutating func evict(keep: (Entry) -> Bool) {
        var kept: [Entry] = []
        var keptRefs: [SeriesRef] = []
        kept.reserveCapacity(entries.count)
        for var e in entries where keep(e) {
            if e.ref >= 0 {
                keptRefs.append(refs[Int(e.ref)])
                e.ref = Int32(keptRefs.count - 1)
            }
            kept.append(e)
        }
        heads.removeAll(keepingCapacity: true)
        for i in kept.indices {
            kept[i].next = heads[kept[i].hash] ?? -1
            heads[kept[i].hash] = Int32(i)
        }
        entries = kept
        refs = keptRefs
    }

    /// Re-resolves every handle after the TSDB's head was cut, so appends stay on the fast path.
    mutating func refreshIfStale(db: DB) throws {
        if let first = refs.first ?? report.first, !db.isCurrent(first) {
            if !refs.isEmpty { refs = try db.seriesRefs(for: refs.map(\.labels)) }
            if !report.isEmpty { report = try db.seriesRefs(for: report.map(\.labels)) }
        }
    }
}
