import DiskIO

/// What one `EventStore.maintain()` run did.
public struct MaintenanceReport: Sendable, Equatable {
    /// Events written from the head to segments.
    public var flushedEvents = 0
    /// Segments merged into one per day.
    public var compactedSegments = 0
    /// Events dropped because their category's retention had passed.
    public var expiredEvents = 0
    /// Segments deleted because none of their events was left.
    public var deletedSegments = 0

    public init() {}
}

extension EventStore {
    /// One round of upkeep; the server calls it on a timer (every minute is plenty):
    /// 1. retention in the head, then a flush if the head is big (`flushEvents`), old
    ///    (`flushAge`) or lost events to retention (so their WAL records go too);
    /// 2. per UTC day, merges several segments into one and drops expired events, rewriting
    ///    atomically (or deleting a segment left empty);
    /// 3. forgets event-id hashes past `dedupWindow` and batch ids past `batchWindow`;
    /// 4. fsyncs the WAL.
    /// Runs one at a time with `flush` and `erase`; reads and appends go on meanwhile.
    public func maintain() throws -> MaintenanceReport {
        try maintenanceLock.withLock { _ in
            var report = MaintenanceReport()
            let now = options.now()
            let retention = RetentionCheck(options: options, terms: termDictionary, now: now)
            let (expired, count, since) = state.withLock { s in
                (s.removeFromHead([], where: retention.isExpired), s.headCount, s.headSince)
            }
            report.expiredEvents += expired
            let old = since.map { now &- $0 >= options.flushAge.milliseconds } ?? false
            if count >= options.flushEvents || old || expired > 0 {
                report.flushedEvents = count
                try flushLocked()
            }
            let byDay = Dictionary(grouping: state.withLock { Array($0.segments.values) }) { $0.meta.day }
            for day in byDay.keys.sorted() {
                let group = byDay[day]!.sorted { $0.meta.sequence < $1.meta.sequence }
                guard group.count > 1 || group.contains(where: retention.hasExpired) else { continue }
                let r = try rewrite(group, day: day) { !retention.isExpired($0) }
                report.expiredEvents += r.removed
                if group.count > 1 { report.compactedSegments += group.count }
                if r.deleted { report.deletedSegments += group.count }
            }
            let dedupDay = (now &- options.dedupWindow.milliseconds).floorDiv(StoreFiles.dayMillis)
            let batchHorizon = now &- options.batchWindow.milliseconds
            state.withLock { s in
                s.ids = s.ids.filter { $0.value >= dedupDay }
                s.batches = s.batches.filter { $0.value >= batchHorizon }
            }
            try translatingDiskErrors { try wal.sync() }
            return report
        }
    }
}

/// Decides which events are past their category's retention at one instant.
struct RetentionCheck {
    let options: EventStoreOptions
    let terms: TermDictionary
    let now: Int64
    /// Nothing newer than this can be expired, whatever its category.
    let earliestHorizon: Int64

    init(options: EventStoreOptions, terms: TermDictionary, now: Int64) {
        self.options = options
        self.terms = terms
        self.now = now
        let shortest = (options.retention.values.map(\.milliseconds) + [options.defaultRetention.milliseconds]).min()!
        earliestHorizon = now &- shortest
    }

    func isExpired(_ e: Event) -> Bool {
        e.timestamp < earliestHorizon && e.timestamp < now &- options.retentionMillis(e.category)
    }

    /// Whether any event of `block` is expired, read from its timestamp and category columns
    /// (and skipped without decoding when the block is newer than every horizon).
    func hasExpired(_ block: SegmentBlock) -> Bool {
        guard block.minTime < earliestHorizon else { return false }
        let ts = block.timestamps(), cats = block.terms(.category)
        var horizons: [UInt32: Int64] = [:]
        for i in 0..<ts.count where ts[i] < earliestHorizon {
            let c = cats[i]
            let h = horizons[c] ?? {
                guard c != 0, case .string(let name) = terms.term(c) else { return now &- options.defaultRetention.milliseconds }
                let v = now &- options.retentionMillis(name)
                horizons[c] = v
                return v
            }()
            if ts[i] < h { return true }
        }
        return false
    }
}
