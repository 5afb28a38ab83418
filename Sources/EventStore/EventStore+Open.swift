import DiskIO
import Logging

extension EventStore {
    /// Opens every segment in `<directory>/segments`: leftover `.tmp` files of a crashed
    /// write are deleted, segments that a finished rewrite superseded (a crash came before
    /// the old ones were deleted) are deleted, and damaged ones are moved to `corrupted/`.
    static func loadSegments(_ directory: String, into s: inout State, report: inout EventStoreOpenReport,
                             terms: TermDictionary, users: UserDictionary, cache: ColumnCache, logger: Logger) throws {
        let dir = directory + "/" + StoreFiles.segments
        var readers: [SegmentReader] = []
        var maxSequence: UInt64 = 0
        for name in try translatingDiskErrors({ try LogDirectory.entries(dir) }).sorted() {
            let path = dir + "/" + name
            if name.hasSuffix(StoreFiles.temporarySuffix) {
                try translatingDiskErrors { try LogDirectory.remove(path) }
                report.messages.append("removed \(path), left by a write a crash interrupted")
                continue
            }
            guard name.hasSuffix(StoreFiles.segmentSuffix) else { continue }
            do {
                readers.append(try SegmentReader(path: path))
            } catch {
                try setAside(path, directory: directory, because: error, report: &report)
            }
        }
        let superseded = Set(readers.flatMap(\.meta.supersedes))
        for r in readers {
            maxSequence = max(maxSequence, r.meta.sequence, r.meta.supersedes.max() ?? 0)
            if superseded.contains(r.meta.sequence) {
                try translatingDiskErrors { try LogDirectory.remove(r.path) }
                report.messages.append("removed \(r.path): a rewrite that replaced it had finished before a crash")
                continue
            }
            do {
                s.segments[r.meta.sequence] = try SegmentBlock(reader: r, terms: terms, users: users, cache: cache, logger: logger)
            } catch {
                try setAside(r.path, directory: directory, because: error, report: &report)
            }
        }
        if !superseded.isEmpty || !readers.isEmpty { try translatingDiskErrors { try FileSink.syncDirectory(dir) } }
        s.nextSequence = maxSequence + 1
    }

    /// Moves a segment that does not open to `<store>/corrupted/` (never overwriting) and
    /// reports it; its events are not served.
    private static func setAside(_ path: String, directory: String, because error: any Error,
                                 report: inout EventStoreOpenReport) throws {
        let aside = directory + "/" + StoreFiles.corrupted
        let name = String(path.split(separator: "/").last ?? "")
        var target = aside + "/" + name
        try translatingDiskErrors {
            try LogDirectory.create(aside)
            var i = 1
            while LogDirectory.exists(target) {
                target = aside + "/" + name + ".\(i)"
                i += 1
            }
            try LogDirectory.rename(path, target)
        }
        report.corruptedSegments.append(name)
        report.messages.append("segment \(path) is damaged (\(error)); moved to \(target), its events are not served")
    }

    /// Fills the id set from segments inside the dedup window, and from segments whose WAL
    /// may still be on disk (a crash between a flush's segment writes and its WAL deletion),
    /// so that replaying that WAL does not store their events twice.
    static func rememberIDs(of segments: some Sequence<SegmentBlock>, into s: inout State, now: Int64,
                            options: EventStoreOptions, firstWAL: Int?) {
        let horizon = now &- options.dedupWindow.milliseconds
        for b in segments where b.maxTime >= horizon || (firstWAL.map { b.meta.walCutoff > $0 } ?? false) {
            do {
                for id in try b.reader.ids() { s.ids[id.hashValue] = b.meta.day }
            } catch {
                options.logger.error("event store: cannot read the ids of \(b.reader.path): \(error)")
            }
        }
    }

    /// Replays the WAL into the head. Returns the erasures met, with the WAL segment each was
    /// logged in, for the caller to finish on the segments.
    static func replay(_ walDirectory: String, into s: inout State, report: inout EventStoreOpenReport,
                       users: UserDictionary, now: Int64) throws -> [([String], Int)] {
        var pending: [([String], Int)] = []
        let r = try translatingDiskErrors {
            try RecordLog.replay(directory: walDirectory) { type, payload, segment in
                let record: EventWALRecord?
                do {
                    record = try EventWALRecord.decode(kind: type, payload: payload)
                } catch {
                    return .undecodable("\(error)")
                }
                guard let record else { return .unknownType }
                switch record {
                case .append(let batch, let events):
                    if let batch { s.rememberBatch(batch.id, seen: batch.seen) }
                    for e in events {
                        let h = e.id.hashValue
                        if s.ids[h] == nil { s.insert(e, hash: h, now: now) }
                    }
                case .merges(let pairs):
                    for p in pairs { s.merge(p.alias, into: p.person, users: users) }
                case .erase(let names):
                    s.removeFromHead(Set(names))
                    s.merges.removeAll { names.contains($0.alias) || names.contains($0.person) }
                    users.forget(names)
                    pending.append((names, segment))
                case .batches(let list):
                    for b in list { s.rememberBatch(b.id, seen: b.seen) }
                }
                return .replayed
            }
        }
        report.walRecords = r.records
        report.messages += r.messages
        return pending
    }
}

extension EventStore.State {
    /// Adds an event to the head (the caller has checked its id is new).
    mutating func insert(_ e: Event, hash: Int, now: Int64) {
        let day = e.timestamp.floorDiv(StoreFiles.dayMillis)
        head[day, default: EventStore.HeadPartition()].events.append(e)
        head[day]!.block = nil
        head[day]!.version += 1
        headCount += 1
        if headSince == nil { headSince = now }
        ids[hash] = day
    }

    /// Removes from the head every event whose user is one of `names`; returns how many.
    @discardableResult
    mutating func removeFromHead(_ names: Set<String>, where extra: (Event) -> Bool = { _ in false }) -> Int {
        var removed = 0
        for day in Array(head.keys) {
            let before = head[day]!.events.count
            head[day]!.events.removeAll { e in e.userId.map(names.contains) ?? false || extra(e) }
            let n = before - head[day]!.events.count
            guard n > 0 else { continue }
            removed += n
            head[day]!.block = nil
            head[day]!.version += 1
            if head[day]!.events.isEmpty { head[day] = nil }
        }
        headCount -= removed
        if headCount == 0 { headSince = nil }
        return removed
    }

    mutating func merge(_ alias: String, into person: String, users: UserDictionary) {
        users.merge(alias, into: person)
        if !merges.contains(where: { $0.alias == alias && $0.person == person }) { merges.append((alias, person)) }
    }

    mutating func rememberBatch(_ id: String, seen: Int64) {
        batches[id] = min(batches[id] ?? seen, seen)
    }
}
