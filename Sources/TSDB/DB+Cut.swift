import Foundation

extension DB {
    /// Whether the head holds enough to be cut into blocks.
    var headIsDue: Bool {
        let h = head
        guard let range = h.timeRange else { return false }
        return range.max - range.min >= options.headMaxSpan || h.sampleCount >= options.headMaxSamples
    }

    /// Moves everything in the head into blocks: a new head takes writes at once, the old one is
    /// written out one block per aligned `blockRange` window, then its WAL segments are deleted.
    ///
    /// Queries see the old head until its blocks are open, so no data is ever missing from a view.
    /// Returns the blocks written. Caller holds `maintenanceLock`.
    @discardableResult
    func cutHead() throws -> [BlockMeta] {
        let (old, kept, sequence) = try commitLock.write { () throws -> (Head, Int, UInt64) in
            // Segments before the one started here hold only the old head's records.
            let kept = try wal.rotate()
            return try state.withLock { st in
                if st.closed { throw TSDBError(.closed, "the database is closed") }
                let seq = st.nextSequence
                st.nextSequence += 1
                let old = st.head
                st.head = Head()
                st.flushing.append(old)
                return (old, kept, seq)
            }
        }
        let written: [BlockReader]
        do {
            written = try persist(old, sequence: sequence)
        } catch {
            // The old head stays queryable and its WAL stays on disk; a restart replays it.
            logger.error("writing the head to blocks failed: \(error)")
            throw error
        }
        let olderPending = state.withLock { st -> Bool in
            st.flushing.removeAll { $0 === old }
            st.blocks.append(contentsOf: written)
            st.blocks.sort { $0.meta.minTime < $1.meta.minTime }
            return !st.flushing.isEmpty
        }
        // A head that failed to persist earlier still needs its segments for the next start.
        if !olderPending { try wal.removeSegments(before: kept) }
        metrics.headCuts.increment()
        updateGauges()
        return written.map(\.meta)
    }

    /// Writes a head's samples as blocks, one per aligned window of `blockRange`.
    func persist(_ head: Head, sequence: UInt64) throws -> [BlockReader] {
        var windows: [Int64: [BlockSeries]] = [:]
        let range = options.blockRange
        var all: [MemSeries] = []
        for stripe in head.stripes {
            stripe.state.withLock { all.append(contentsOf: $0.byRef.values) }
        }
        for s in all {
            let samples = try head.stripe(for: s.ref).state.withLock { _ in
                try s.samples(mint: Int64.min, maxt: Int64.max)
            }
            var start = 0
            while start < samples.count {
                let w = samples[start].t.flooredDiv(range)
                var end = start
                while end < samples.count && samples[end].t.flooredDiv(range) == w { end += 1 }
                let chunks = encodeChunks(samples[start..<end], perChunk: options.blockChunkSamples)
                windows[w, default: []].append(BlockSeries(labels: s.labels, chunks: chunks))
                start = end
            }
        }
        var out: [BlockReader] = []
        for w in windows.keys.sorted() {
            let meta = try BlockWriter.write(series: windows[w]!, into: directory, id: BlockWriter.newID(),
                                             sequence: sequence, level: 1, sources: [])
            out.append(try BlockReader(directory: directory + "/" + meta.id))
        }
        return out
    }
}

/// Encodes time-sorted samples into chunks of at most `perChunk` samples.
func encodeChunks(_ samples: ArraySlice<Sample>, perChunk: Int) -> [ChunkMeta] {
    var out: [ChunkMeta] = []
    var i = samples.startIndex
    while i < samples.endIndex {
        let end = min(i + perChunk, samples.endIndex)
        var c = XORChunk()
        for s in samples[i..<end] { c.append(t: s.t, v: s.v) }
        out.append(ChunkMeta(minTime: samples[i].t, maxTime: samples[end - 1].t, count: end - i, bytes: c.bytes))
        i = end
    }
    return out
}

extension Int64 {
    /// Division rounding toward negative infinity, so windows before 1970 align too.
    func flooredDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
