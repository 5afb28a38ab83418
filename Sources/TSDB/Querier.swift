/// One series and its samples in a queried time range.
public struct SeriesSamples: Sendable {
    public var labels: Labels
    public var samples: [Sample]

    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }
}

/// Reads a fixed view of the database over `mint...maxt` (milliseconds, inclusive).
///
/// The view is taken when the querier is made: blocks cut or deleted later do not change it.
/// Where the head and blocks, or overlapping blocks, hold the same series and timestamp, the
/// most recently written source wins. Safe to use from several tasks at once.
public struct Querier: Sendable {
    public let mint: Int64
    public let maxt: Int64
    /// Blocks overlapping the range, lowest sequence (oldest write) first.
    let blocks: [BlockReader]
    /// Heads being flushed, oldest first, then the live head.
    let heads: [Head]

    /// Every series matching all matchers, with its samples in range, sorted by labels.
    /// Series without samples in range are left out.
    public func select(_ matchers: [Matcher]) throws -> [SeriesSamples] {
        var merged: [Labels: [Sample]] = [:]
        // With one source (the usual case: recent data, all in the live head) no series can
        // appear twice, so the merge map and its label hashing are skipped.
        let single = blocks.count + heads.count == 1
        var direct: [SeriesSamples] = []
        func add(_ labels: Labels, _ samples: [Sample]) {
            if samples.isEmpty { return }
            if single {
                direct.append(SeriesSamples(labels: labels, samples: samples))
            } else if let older = merged[labels] {
                merged[labels] = mergeSamples(older: older, newer: samples)
            } else {
                merged[labels] = samples
            }
        }
        var buffer: [Sample] = []
        for b in blocks {
            for id in b.select(matchers) {
                let (labels, chunks) = try b.series(id)
                buffer.removeAll(keepingCapacity: true)
                for c in chunks where c.maxTime >= mint && c.minTime <= maxt {
                    try b.decodeChunk(c, into: &buffer)
                }
                buffer.trimToRange(mint: mint, maxt: maxt)
                add(labels, buffer)
            }
        }
        for h in heads {
            for ref in h.select(matchers) {
                guard let s = h.series(ref) else { continue }
                let samples = try h.stripe(for: ref).state.withLock { _ in try s.samples(mint: mint, maxt: maxt) }
                add(s.labels, samples)
            }
        }
        if single { return direct.sorted { $0.labels < $1.labels } }
        return merged.map { SeriesSamples(labels: $0.key, samples: $0.value) }.sorted { $0.labels < $1.labels }
    }

    /// The label sets of matching series with data in range, sorted. With no matchers, all series.
    public func series(_ matchers: [Matcher]) throws -> [Labels] {
        var out = Set<Labels>()
        for b in blocks {
            for id in b.select(matchers) {
                let (labels, chunks) = try b.series(id)
                if chunks.contains(where: { $0.maxTime >= mint && $0.minTime <= maxt }) { out.insert(labels) }
            }
        }
        for h in heads {
            for ref in h.select(matchers) {
                guard let s = h.series(ref) else { continue }
                let overlaps = h.stripe(for: ref).state.withLock { _ -> Bool in
                    guard let lo = s.minTime else { return false }
                    return lo <= maxt && s.lastT >= mint
                }
                if overlaps { out.insert(s.labels) }
            }
        }
        return out.sorted()
    }

    /// Label names of matching series with data in range, sorted.
    public func labelNames(_ matchers: [Matcher]) throws -> [String] {
        var names = Set<String>()
        for l in try series(matchers) {
            for p in l.pairs { names.insert(p.name) }
        }
        return names.sorted()
    }

    /// Values of one label among matching series with data in range, sorted.
    public func labelValues(_ name: String, _ matchers: [Matcher]) throws -> [String] {
        var values = Set<String>()
        for l in try series(matchers) {
            if let v = l[name] { values.insert(v) }
        }
        return values.sorted()
    }
}

extension DB {
    /// A consistent read view over `mint...maxt` (milliseconds, inclusive).
    public func querier(mint: Int64, maxt: Int64) -> Querier {
        state.withLock { st in
            let blocks = st.blocks
                .filter { $0.meta.maxTime >= mint && $0.meta.minTime <= maxt }
                .sorted { $0.meta.sequence < $1.meta.sequence }
            return Querier(mint: mint, maxt: maxt, blocks: blocks, heads: st.flushing + [st.head])
        }
    }
}

extension BlockReader: PostingsIndex {
    /// Appends the samples of one chunk of this block to `out`.
    func decodeChunk(_ ref: ChunkRef, into out: inout [Sample]) throws {
        try XORChunk.decode(chunkBytes(ref), into: &out)
    }
}
