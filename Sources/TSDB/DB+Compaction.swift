import Foundation

extension DB {
    /// The window sizes blocks are merged into: the block range times 1, 3, 9, 27 and 81.
    var compactionRanges: [Int64] { (0..<5).map { options.blockRange * Int64(pow(3.0, Double($0))) } }

    /// Merges blocks until no rule applies: first any blocks whose time ranges overlap, then
    /// blocks sharing one aligned window once newer data exists past that window's end.
    /// Caller holds `maintenanceLock`. Returns the number of merges done.
    @discardableResult
    func compact() throws -> Int {
        var merges = 0
        while let group = nextCompactionGroup() {
            try merge(group)
            merges += 1
        }
        return merges
    }

    func nextCompactionGroup() -> [BlockReader]? {
        let (blocks, headMin) = state.withLock { st in
            (st.blocks, ([st.head] + st.flushing).compactMap { $0.timeRange?.min }.min())
        }
        if blocks.count < 2 { return nil }
        // Overlapping blocks: from late or out-of-order samples, or a cut head's partial window.
        let sorted = blocks.sorted { $0.meta.minTime < $1.meta.minTime }
        var group: [BlockReader] = [sorted[0]]
        var groupMax = sorted[0].meta.maxTime
        for b in sorted.dropFirst() {
            if b.meta.minTime <= groupMax {
                group.append(b)
                groupMax = max(groupMax, b.meta.maxTime)
            } else {
                if group.count > 1 { return group }
                group = [b]
                groupMax = b.meta.maxTime
            }
        }
        if group.count > 1 { return group }
        // Several blocks inside one finished window of a compaction range.
        let newest = max(sorted.map(\.meta.maxTime).max() ?? Int64.min, headMin ?? Int64.min)
        for range in compactionRanges {
            var windows: [Int64: [BlockReader]] = [:]
            for b in sorted {
                let w = b.meta.minTime.flooredDiv(range)
                if b.meta.maxTime.flooredDiv(range) == w { windows[w, default: []].append(b) }
            }
            for w in windows.keys.sorted() {
                let members = windows[w]!
                let end = (w + 1) * range
                if members.count > 1 && newest >= end { return members }
            }
        }
        return nil
    }

    /// Writes the union of `group` as one block, then swaps it in and deletes the sources.
    func merge(_ group: [BlockReader]) throws {
        let start = ContinuousClock.now
        let ordered = group.sorted { $0.meta.sequence < $1.meta.sequence }
        var bySeries: [Labels: [Sample]] = [:]
        var buffer: [Sample] = []
        for b in ordered {
            for id in 0..<UInt32(b.seriesCount) {
                let (labels, chunks) = try b.series(id)
                buffer.removeAll(keepingCapacity: true)
                for c in chunks { try b.decodeChunk(c, into: &buffer) }
                if let older = bySeries[labels] {
                    bySeries[labels] = mergeSamples(older: older, newer: buffer)
                } else {
                    bySeries[labels] = buffer
                }
            }
        }
        let series = bySeries.map { BlockSeries(labels: $0.key, chunks: encodeChunks($0.value[...], perChunk: options.blockChunkSamples)) }
        bySeries.removeAll()
        let sources = Array(Set(ordered.flatMap { $0.meta.compaction.sources.isEmpty ? [$0.meta.id] : $0.meta.compaction.sources })).sorted()
        let meta = try BlockWriter.write(series: series, into: directory, id: BlockWriter.newID(),
                                         sequence: ordered.map(\.meta.sequence).max()!,
                                         level: (ordered.map(\.meta.compaction.level).max() ?? 1) + 1, sources: sources)
        let merged = try BlockReader(directory: directory + "/" + meta.id)
        let gone = Set(group.map(\.meta.id))
        state.withLock { st in
            st.blocks.removeAll { gone.contains($0.meta.id) }
            st.blocks.append(merged)
            st.blocks.sort { $0.meta.minTime < $1.meta.minTime }
        }
        // Readers that still hold a source keep its mapping; unlinking does not disturb them.
        for b in group { try? FileManager.default.removeItem(atPath: b.directory) }
        metrics.compactions.increment()
        metrics.compactionDuration.recordNanoseconds(Int64((ContinuousClock.now - start).components.seconds * 1_000_000_000
            + (ContinuousClock.now - start).components.attoseconds / 1_000_000_000))
        logger.info("compacted \(group.count) blocks into \(meta.id)", metadata: ["series": "\(meta.stats.numSeries)"])
    }

    /// Deletes blocks that fall out of the retention period, then the oldest ones while the
    /// blocks take more bytes than the size limit. Returns the ids deleted.
    @discardableResult
    func applyRetention() -> [String] {
        guard let newest = maxTime else { return [] }
        let cutoff = newest.subtractingClamped(options.retention)
        let doomed: [BlockReader] = state.withLock { st in
            var doomed = st.blocks.filter { $0.meta.maxTime < cutoff }
            if let limit = options.retentionBytes {
                var total = Int64(st.blocks.reduce(0) { $0 + $1.sizeBytes } + wal.sizeBytes)
                for b in doomed { total -= Int64(b.sizeBytes) }
                for b in st.blocks.sorted(by: { $0.meta.maxTime < $1.meta.maxTime }) where total > limit {
                    if doomed.contains(where: { $0 === b }) { continue }
                    doomed.append(b)
                    total -= Int64(b.sizeBytes)
                }
            }
            let ids = Set(doomed.map(\.meta.id))
            st.blocks.removeAll { ids.contains($0.meta.id) }
            return doomed
        }
        for b in doomed {
            try? FileManager.default.removeItem(atPath: b.directory)
            logger.info("retention deleted block \(b.meta.id)", metadata: ["maxTime": "\(b.meta.maxTime)"])
        }
        metrics.retentionDeletions.increment(by: doomed.count)
        return doomed.map(\.meta.id)
    }

    /// One round of upkeep: cut the head if due, compact, apply retention, sync the WAL.
    /// Safe to call at any time; rounds never overlap.
    public func maintain() throws {
        try maintenanceLock.withLock { _ in
            if headIsDue { try cutHead() }
            try compact()
            applyRetention()
            try wal.sync()
            updateGauges()
        }
    }

    /// Forces the head into blocks now (used before a snapshot and by tests).
    @discardableResult
    public func flush() throws -> [BlockMeta] {
        try maintenanceLock.withLock { _ in try cutHead() }
    }

    /// Flushes the WAL to stable storage (fsync), bounding what a power loss could cost.
    public func syncWAL() throws { try wal.sync() }
}
