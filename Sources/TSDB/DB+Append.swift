import Foundation

/// A handle on a series for appending, from `DB.seriesRefs(for:)` or the alias cache.
///
/// Stays valid across head cuts: a handle on a series of an older head is re-resolved on commit.
public struct SeriesRef: Sendable {
    let series: MemSeries
    let head: Head

    public var labels: Labels { series.labels }
}

/// Why some samples of a batch were not stored.
public struct RejectedSample: Sendable {
    public var index: Int
    public var reason: String
}

extension DB {
    /// Handles on the series with these label sets, creating (and logging) those not yet held.
    /// Labels must already be validated by the caller.
    public func seriesRefs(for sets: [Labels]) throws -> [SeriesRef] {
        try commitLock.read {
            let head = try liveHead()
            let list = try head.getOrCreate(sets) { fresh in
                try wal.append(.series(fresh))
                metrics.seriesCreated.increment(by: fresh.count)
            }
            return list.map { SeriesRef(series: $0, head: head) }
        }
    }

    /// The series a sender's raw label bytes were last resolved to, if the current head knows them.
    public func cachedRef(rawHash: UInt64, matches: ([UInt8]) -> Bool) -> SeriesRef? {
        let head = self.head
        return head.aliases.get(hash: rawHash, matches: matches).map { SeriesRef(series: $0, head: head) }
    }

    /// Whether a handle points into the head that takes writes. Handles from before a head cut
    /// still work (`append` re-resolves them) but cost a lookup each time; a cache that keeps
    /// handles across requests checks this and refreshes them once.
    public func isCurrent(_ ref: SeriesRef) -> Bool { ref.head === head }

    /// Remembers that these raw label bytes name this series.
    public func cacheRef(rawHash: UInt64, key: [UInt8], ref: SeriesRef) {
        ref.head.aliases.put(hash: rawHash, key: key, series: ref.series)
    }

    /// Stores samples: `samples[i]` belongs to `refs[owners[i]]`.
    ///
    /// Samples outside the accepted time range come back as rejected, with the reason; all others
    /// are written to the WAL with one write and then to the head. When this returns, every
    /// sample not listed as rejected is durable against a crash of the process.
    /// Throws only when nothing could be stored (WAL write failed, database closed).
    public func append(refs: [SeriesRef], owners: [Int32], samples: [Sample]) throws -> [RejectedSample] {
        precondition(owners.count == samples.count)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let maxFuture = now + options.futureTolerance
        let oldest = (maxTime ?? Int64.min).subtractingClamped(options.retention)
        return try commitLock.read {
            let head = try liveHead()
            var resolved = try rebase(refs, onto: head)
            var rejected: [RejectedSample] = []
            var logged: [WALSample] = []
            logged.reserveCapacity(samples.count)
            var lo = Int64.max, hi = Int64.min
            for i in samples.indices {
                let s = samples[i]
                if s.t > maxFuture {
                    rejected.append(RejectedSample(index: i, reason: "timestamp \(s.t) is more than \(options.futureTolerance / 1000)s ahead of the server's clock"))
                    continue
                }
                if s.t < oldest {
                    rejected.append(RejectedSample(index: i, reason: "timestamp \(s.t) is older than the retention period allows"))
                    continue
                }
                logged.append(WALSample(ref: resolved[Int(owners[i])].ref, t: s.t, v: s.v))
                lo = min(lo, s.t)
                hi = max(hi, s.t)
            }
            if !logged.isEmpty {
                try wal.append(.samples(logged))
            }
            var i = 0
            var r = 0
            for j in samples.indices {
                if r < rejected.count && rejected[r].index == j {
                    r += 1
                    continue
                }
                let ms = resolved[Int(owners[j])]
                head.append(ms, t: logged[i].t, v: logged[i].v)
                i += 1
            }
            if !logged.isEmpty { head.noteAppended(count: logged.count, minT: lo, maxT: hi) }
            resolved.removeAll()
            metrics.samplesAppended.increment(by: logged.count)
            if !rejected.isEmpty { metrics.samplesRejected.increment(by: rejected.count) }
            return rejected
        }
    }

    /// The head that takes writes; throws once the database is closed. Caller holds `commitLock`.
    func liveHead() throws -> Head {
        try state.withLock { st in
            if st.closed { throw TSDBError(.closed, "the database is closed") }
            return st.head
        }
    }

    /// Maps handles from older heads onto the same series in `head`, creating them there if needed.
    private func rebase(_ refs: [SeriesRef], onto head: Head) throws -> [MemSeries] {
        var out = refs.map(\.series)
        let stale = refs.indices.filter { refs[$0].head !== head }
        if stale.isEmpty { return out }
        let fresh = try head.getOrCreate(stale.map { refs[$0].labels }) { list in
            try wal.append(.series(list))
        }
        for (k, i) in stale.enumerated() { out[i] = fresh[k] }
        return out
    }
}

extension Int64 {
    func subtractingClamped(_ x: Int64) -> Int64 {
        let (r, o) = subtractingReportingOverflow(x)
        return o ? Int64.min : r
    }
}
