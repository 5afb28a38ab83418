import DiskIO

extension EventStore {
    /// Entries per `merges` or `batches` record when the state is logged again after a rotation.
    static let checkpointChunk = 50_000

    /// Writes the head to segments, one per UTC day, then deletes the WAL segments they cover.
    ///
    /// The head is swapped for an empty one and the WAL rotated at the same instant (under the
    /// append lock), and the merges and recent batch ids are logged again in the new WAL
    /// segment; reads see the old head until its segments are in place. If writing fails, the
    /// days not written go back into the head and the WAL is kept, so nothing is lost.
    /// - Throws: `.io`, `.closed`.
    public func flush() throws {
        try maintenanceLock.withLock { _ in try flushLocked() }
    }

    /// `flush()` with `maintenanceLock` held. With an empty head it still rotates and logs
    /// the state again, so that older WAL segments (e.g. holding an erased user's records)
    /// can go.
    func flushLocked() throws {
        let (parts, cutoff) = try state.withLock { s -> ([Int64: HeadPartition], Int) in
            guard !s.closed else { throw closedError }
            let cutoff = try translatingDiskErrors { try wal.rotate() }
            var bytes: [UInt8] = []
            for start in stride(from: 0, to: s.merges.count, by: Self.checkpointChunk) {
                EventWALRecord.merges(Array(s.merges[start..<min(start + Self.checkpointChunk, s.merges.count)])).encode(into: &bytes)
            }
            let batches = s.batches.map { (id: $0.key, seen: $0.value) }
            for start in stride(from: 0, to: batches.count, by: Self.checkpointChunk) {
                EventWALRecord.batches(Array(batches[start..<min(start + Self.checkpointChunk, batches.count)])).encode(into: &bytes)
            }
            if !bytes.isEmpty { try translatingDiskErrors { try wal.append(encoded: bytes) } }
            s.flushing = s.head
            s.head = [:]
            s.headCount = 0
            s.headSince = nil
            return (s.flushing, cutoff)
        }
        var written: [Int64: SegmentBlock] = [:]
        do {
            for day in parts.keys.sorted() {
                written[day] = try writeSegment(parts[day]!.events, day: day, walCutoff: cutoff, supersedes: [])
            }
        } catch {
            state.withLock { s in
                for b in written.values { s.segments[b.meta.sequence] = b }
                for (day, p) in s.flushing where written[day] == nil {
                    s.head[day, default: HeadPartition()].events.insert(contentsOf: p.events, at: 0)
                    s.head[day]!.block = nil
                    s.head[day]!.version += 1
                    s.headCount += p.events.count
                }
                if s.headCount > 0 && s.headSince == nil { s.headSince = options.now() }
                s.flushing = [:]
            }
            throw error
        }
        state.withLock { s in
            for b in written.values { s.segments[b.meta.sequence] = b }
            s.flushing = [:]
        }
        try translatingDiskErrors { try wal.removeSegments(before: cutoff) }
        if !parts.isEmpty {
            logger.debug("event store: flushed \(parts.values.reduce(0) { $0 + $1.events.count }) events into \(parts.count) segments")
        }
    }

    /// Writes `events` of UTC day `day` as a new segment and opens it.
    func writeSegment(_ events: [Event], day: Int64, walCutoff: Int, supersedes: [UInt64]) throws -> SegmentBlock {
        let sequence = state.withLock { s in
            defer { s.nextSequence += 1 }
            return s.nextSequence
        }
        let meta = SegmentMeta(day: day, sequence: sequence, count: 0, minTime: 0, maxTime: 0,
                               walCutoff: walCutoff, supersedes: supersedes)
        let path = try SegmentWriter.write(events, meta: meta, into: segmentDirectory)
        return try SegmentBlock(reader: SegmentReader(path: path), terms: termDictionary, users: userDictionary,
                                cache: cache, logger: logger)
    }

    /// Replaces `group` (segments of one day) by one segment holding their events that pass
    /// `keep` (each id once), or by nothing if none does. The new segment names the old ones
    /// as superseded, so a crash before they are deleted is finished at the next open.
    /// A single segment from which nothing is dropped is left as it is.
    func rewrite(_ group: [SegmentBlock], day: Int64, keep: (Event) -> Bool) throws -> (removed: Int, deleted: Bool) {
        var all: [Event] = []
        for b in group { all += try b.reader.events() }
        var seen = Set<String>()
        let kept = all.filter { keep($0) && seen.insert($0.id).inserted }
        if group.count == 1 && kept.count == all.count { return (0, false) }
        let replacement = kept.isEmpty ? nil : try writeSegment(
            kept, day: day, walCutoff: group.map(\.meta.walCutoff).max() ?? 0, supersedes: group.map(\.meta.sequence))
        state.withLock { s in
            for b in group { s.segments[b.meta.sequence] = nil }
            if let replacement { s.segments[replacement.meta.sequence] = replacement }
        }
        try translatingDiskErrors {
            for b in group { try LogDirectory.remove(b.reader.path) }
            try FileSink.syncDirectory(segmentDirectory)
        }
        for b in group { cache.remove(segment: b.meta.sequence) }
        return (all.count - kept.count, kept.isEmpty)
    }
}
