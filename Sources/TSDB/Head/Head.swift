import Synchronization

/// The in-memory part of the database: every series written since the head was started, with its
/// samples in compressed chunks, and a label index over them.
///
/// All methods are safe to call concurrently. Appends to different series proceed in parallel
/// (series are spread over lock stripes); creating series is serialised, which is rare.
public final class Head: Sendable {
    static let stripeCount = 64

    final class Stripe: Sendable {
        struct State {
            var byHash: [Int: [MemSeries]] = [:]
            var byRef: [UInt64: MemSeries] = [:]
        }
        let state = Mutex(State())
    }

    let stripes: [Stripe] = (0..<Head.stripeCount).map { _ in Stripe() }
    let postingsLock = Mutex(MemPostings())
    /// Held while creating series, so that two writers never create the same series twice and a
    /// series becomes visible only after its WAL record is written.
    let creation = Mutex(())
    let nextRef = Atomic<UInt64>(1)
    let aliases = AliasCache()

    let minTimeAtomic = Atomic<Int64>(Int64.max)
    let maxTimeAtomic = Atomic<Int64>(Int64.min)
    let samplesAppended = Atomic<Int>(0)
    let seriesCountAtomic = Atomic<Int>(0)

    public init() {}

    func stripe(for ref: UInt64) -> Stripe { stripes[Int(ref % UInt64(Head.stripeCount))] }
    func stripe(forHash h: Int) -> Stripe { stripes[Int(UInt(bitPattern: h) % UInt(Head.stripeCount))] }

    public var seriesCount: Int { seriesCountAtomic.load(ordering: .relaxed) }
    public var sampleCount: Int { samplesAppended.load(ordering: .relaxed) }
    /// The oldest and newest timestamps held, or nil while empty.
    public var timeRange: (min: Int64, max: Int64)? {
        let lo = minTimeAtomic.load(ordering: .relaxed), hi = maxTimeAtomic.load(ordering: .relaxed)
        return lo <= hi ? (lo, hi) : nil
    }

    /// The series with exactly these labels, if the head holds it.
    func lookup(_ labels: Labels) -> MemSeries? {
        let h = labels.hashValue
        return stripe(forHash: h).state.withLock { st in
            st.byHash[h]?.first { $0.labels == labels }
        }
    }

    func series(_ ref: UInt64) -> MemSeries? {
        stripe(for: ref).state.withLock { $0.byRef[ref] }
    }

    /// Returns the series for each label set, creating the missing ones. New series are passed to
    /// `log` (to write their WAL record) before any other writer can see them; if `log` throws,
    /// none of them is created.
    func getOrCreate(_ sets: [Labels], log: ([WALSeries]) throws -> Void) rethrows -> [MemSeries] {
        var out = sets.map { lookup($0) }
        if !out.contains(where: { $0 == nil }) { return out.map { $0! } }
        try creation.withLock { _ in
            var fresh: [MemSeries] = []
            var made: [Labels: MemSeries] = [:]
            for i in out.indices where out[i] == nil {
                if let s = lookup(sets[i]) ?? made[sets[i]] {
                    out[i] = s
                    continue
                }
                let s = MemSeries(ref: nextRef.wrappingAdd(1, ordering: .relaxed).oldValue, labels: sets[i])
                made[sets[i]] = s
                fresh.append(s)
                out[i] = s
            }
            if fresh.isEmpty { return }
            try log(fresh.map { WALSeries(ref: $0.ref, labels: $0.labels) })
            publish(fresh)
        }
        return out.map { $0! }
    }

    /// Makes series visible to lookups and queries. Caller holds `creation` (or is replaying).
    func publish(_ fresh: [MemSeries]) {
        for s in fresh {
            let h = s.labels.hashValue
            stripe(forHash: h).state.withLock { $0.byHash[h, default: []].append(s) }
            stripe(for: s.ref).state.withLock { $0.byRef[s.ref] = s }
        }
        postingsLock.withLock { p in
            for s in fresh { p.add(s.ref, s.labels) }
        }
        seriesCountAtomic.add(fresh.count, ordering: .relaxed)
    }

    /// Adds one sample to a series (no WAL: the caller has logged it already). The caller reports
    /// the batch through `noteAppended` afterwards.
    @discardableResult
    func append(_ s: MemSeries, t: Int64, v: Double) -> Bool {
        stripe(for: s.ref).state.withLock { _ in s.append(t: t, v: v) }
    }

    func noteAppended(count: Int, minT: Int64, maxT: Int64) {
        samplesAppended.add(count, ordering: .relaxed)
        var cur = minTimeAtomic.load(ordering: .relaxed)
        while minT < cur {
            let (done, now) = minTimeAtomic.compareExchange(expected: cur, desired: minT, ordering: .relaxed)
            if done { break }
            cur = now
        }
        cur = maxTimeAtomic.load(ordering: .relaxed)
        while maxT > cur {
            let (done, now) = maxTimeAtomic.compareExchange(expected: cur, desired: maxT, ordering: .relaxed)
            if done { break }
            cur = now
        }
    }

    /// Recreates a series from its WAL record during replay.
    func replaySeries(ref: UInt64, labels: Labels) -> MemSeries {
        if let s = series(ref) { return s }
        if let s = lookup(labels) { return s }
        let s = MemSeries(ref: ref, labels: labels)
        publish([s])
        var cur = nextRef.load(ordering: .relaxed)
        while ref >= cur {
            let (done, now) = nextRef.compareExchange(expected: cur, desired: ref + 1, ordering: .relaxed)
            if done { break }
            cur = now
        }
        return s
    }
}

extension Head: PostingsIndex {
    func postings(name: String, value: String) -> [UInt64] {
        postingsLock.withLock { $0.postings(name, value) }
    }

    func postings(name: String, where predicate: (String) throws -> Bool) rethrows -> [UInt64] {
        let lists = try postingsLock.withLock { p in
            try p.values(name).filter { try predicate($0.key) }.map(\.value)
        }
        return PostingsMath.union(lists)
    }

    func allPostings() -> [UInt64] {
        postingsLock.withLock { $0.all }
    }

    func labelNames() -> [String] {
        postingsLock.withLock { $0.names }
    }
}
