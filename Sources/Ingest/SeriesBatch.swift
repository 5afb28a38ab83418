import TSDB

/// Samples of labelled series on their way into the database, from any metrics source other than
/// remote-write (which has its own zero-copy path): OTLP, Influx line protocol, scrapes, the host
/// collector.
public struct SeriesBatch: Sendable {
    public struct Entry: Sendable {
        /// In any order; validated by `SeriesValidator` when stored.
        public var labels: [Label]
        public var samples: [Sample]

        public init(labels: [Label], samples: [Sample]) {
            self.labels = labels
            self.samples = samples
        }
    }

    public var entries: [Entry] = []

    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    public mutating func append(_ labels: [Label], _ samples: [Sample]) {
        entries.append(Entry(labels: labels, samples: samples))
    }

    public var sampleCount: Int { entries.reduce(0) { $0 + $1.samples.count } }
}

/// What storing a `SeriesBatch` did: how many samples went in and what was refused, and why.
public struct StoreOutcome: Sendable {
    public var stored = 0
    public var total = 0
    /// One message per refused series or sample, naming it and the reason.
    public var problems: [String] = []
    /// Indexes (into `SeriesBatch.entries`) of entries whose series or at least one sample was
    /// refused, in no particular order and possibly repeated; callers that answer per source
    /// item (OTLP counts refused data points) map them back.
    public var refusedEntries: [Int] = []

    public init() {}
}

extension DB {
    /// Validates every series (a bad one is skipped and reported, the others kept), then stores
    /// all samples with one WAL write. Throws only when nothing could be stored.
    public func store(_ batch: SeriesBatch, limits: RemoteWriteLimits = RemoteWriteLimits()) throws -> StoreOutcome {
        var out = StoreOutcome()
        out.total = batch.sampleCount
        var valid: [Labels] = []
        var kept: [Int] = []
        for (i, entry) in batch.entries.enumerated() {
            switch SeriesValidator.validate(entry.labels, limits: limits) {
            case .success(let labels):
                valid.append(labels)
                kept.append(i)
            case .failure(let error):
                out.problems.append("\(error)")
                out.refusedEntries.append(i)
            }
        }
        if kept.isEmpty { return out }
        let refs = try seriesRefs(for: valid)
        var owners: [Int32] = []
        var samples: [Sample] = []
        for (k, i) in kept.enumerated() {
            for s in batch.entries[i].samples {
                owners.append(Int32(k))
                samples.append(s)
            }
        }
        let rejected = try append(refs: refs, owners: owners, samples: samples)
        out.stored = samples.count - rejected.count
        out.refusedEntries.append(contentsOf: rejected.map { kept[Int(owners[$0.index])] })
        for r in rejected.prefix(10) {
            out.problems.append("sample of \(refs[Int(owners[r.index])].labels): \(r.reason)")
        }
        if rejected.count > 10 { out.problems.append("\(rejected.count - 10) more samples refused") }
        return out
    }
}
