/// One series held in the head: its identity and its recent samples in compressed chunks.
///
/// Not thread-safe by itself: every access to the mutable fields happens under the lock of the
/// head stripe that owns the series (`Head.stripe(for:)`).
final class MemSeries: @unchecked Sendable {
    /// Samples per head chunk before a new one is started. 120 (Prometheus's choice) keeps a
    /// query's decoding granularity small; blocks re-encode into their own chunk sizes.
    static let samplesPerChunk = 120

    let ref: UInt64
    let labels: Labels

    /// Full chunks, in time order, none overlapping.
    var closed: [XORChunk] = []
    /// The chunk appends go to; its samples all come after every closed chunk's.
    var open = XORChunk()
    /// Samples that arrived at or before the newest in-order timestamp: out-of-order, late, or a
    /// new value for a timestamp already held. Sorted by time, unique times; they win over chunk
    /// samples with the same timestamp because they were written later.
    var late: [Sample] = []
    var lastT = Int64.min
    var lastValueBits: UInt64 = 0

    init(ref: UInt64, labels: Labels) {
        self.ref = ref
        self.labels = labels
    }

    /// Adds one sample. Returns false when it was an exact repeat of the newest sample (a no-op).
    @discardableResult
    func append(t: Int64, v: Double) -> Bool {
        if t > lastT {
            if open.count >= MemSeries.samplesPerChunk {
                closed.append(open)
                open = XORChunk()
            }
            open.append(t: t, v: v)
            lastT = t
            lastValueBits = v.bitPattern
            return true
        }
        if t == lastT && v.bitPattern == lastValueBits {
            return false
        }
        insertLate(Sample(t: t, v: v))
        if t == lastT { lastValueBits = v.bitPattern }
        return true
    }

    private func insertLate(_ s: Sample) {
        var lo = 0, hi = late.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if late[mid].t < s.t { lo = mid + 1 } else { hi = mid }
        }
        if lo < late.count && late[lo].t == s.t {
            late[lo] = s
        } else {
            late.insert(s, at: lo)
        }
    }

    var minTime: Int64? {
        let chunkMin = closed.first?.minTime ?? open.minTime
        switch (chunkMin, late.first?.t) {
        case let (a?, b?): return min(a, b)
        case let (a?, nil): return a
        case let (nil, b?): return b
        default: return nil
        }
    }

    var sampleCount: Int {
        closed.reduce(open.count) { $0 + $1.count } + late.count
    }

    /// The samples with `mint <= t <= maxt`, in time order, later writes winning on equal times.
    func samples(mint: Int64, maxt: Int64) throws -> [Sample] {
        var out: [Sample] = []
        out.reserveCapacity(closed.reduce(open.count) { $0 + ($1.maxTime! >= mint && $1.minTime! <= maxt ? $1.count : 0) })
        for chunk in closed where chunk.maxTime! >= mint && chunk.minTime! <= maxt {
            try chunk.decode(into: &out)
        }
        if let lo = open.minTime, let hi = open.maxTime, hi >= mint, lo <= maxt {
            try open.decode(into: &out)
        }
        out.trimToRange(mint: mint, maxt: maxt)
        if late.isEmpty { return out }
        let lateInRange = late.filter { $0.t >= mint && $0.t <= maxt }
        return mergeSamples(older: out, newer: lateInRange)
    }
}

extension Array where Element == Sample {
    /// Drops samples outside `mint...maxt`; the array must be sorted by time.
    mutating func trimToRange(mint: Int64, maxt: Int64) {
        guard let first = self.first, let last = self.last else { return }
        if first.t >= mint && last.t <= maxt { return }
        let lo = partitionIndex { $0.t >= mint }
        let hi = Swift.max(lo, partitionIndex { $0.t > maxt })
        removeSubrange(hi...)
        removeSubrange(..<lo)
    }

    /// The first index whose element satisfies `pred`, for a predicate false then true along the array.
    func partitionIndex(_ pred: (Sample) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if pred(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// Merges two time-sorted sample lists; on equal timestamps the sample from `newer` wins.
func mergeSamples(older: [Sample], newer: [Sample]) -> [Sample] {
    if newer.isEmpty { return older }
    if older.isEmpty { return newer }
    var out: [Sample] = []
    out.reserveCapacity(older.count + newer.count)
    var i = 0, j = 0
    while i < older.count && j < newer.count {
        let a = older[i], b = newer[j]
        if a.t < b.t {
            out.append(a); i += 1
        } else if b.t < a.t {
            out.append(b); j += 1
        } else {
            out.append(b); i += 1; j += 1
        }
    }
    out.append(contentsOf: older[i...])
    out.append(contentsOf: newer[j...])
    return out
}
