import TSDB

/// Stores each collection's samples, the way a Prometheus scrape of node_exporter would: every
/// series gets `job` and `instance`, all samples share the collection's timestamp, and a series
/// that stops appearing (an unmounted file system, a removed interface) gets a stale marker so
/// queries drop it at once instead of after the lookback window.
///
/// Series handles are kept between collections, so a known series costs a dictionary look-up
/// instead of validation and a head look-up; only the series of the last collection are kept.
/// Not thread-safe: one caller at a time.
public final class HostSeriesWriter {
    private let db: DB
    private let targetLabels: [HostSamples.Target: [Label]]
    private var refs: [Key: SeriesRef] = [:]

    struct Key: Hashable {
        var target: HostSamples.Target
        var name: String
        var labels: [Label]
    }

    public init(db: DB, nodeInstance: String, selfInstance: String) {
        self.db = db
        targetLabels = [
            .node: [Label("job", "node"), Label("instance", nodeInstance)],
            .sextant: [Label("job", "sextant"), Label("instance", selfInstance)],
        ]
    }

    /// Stores the samples at time `t` (milliseconds) with one WAL write. Throws only when nothing
    /// could be stored (database closed, WAL write failed).
    public func write(_ samples: HostSamples, at t: Int64) throws -> StoreOutcome {
        var out = StoreOutcome()
        var seen: [Key: SeriesRef] = [:]
        seen.reserveCapacity(samples.entries.count)
        var list: [SeriesRef] = []
        var values: [Sample] = []
        var freshKeys: [Key] = []
        var freshLabels: [Labels] = []
        var freshValues: [Double] = []
        var pending: Set<Key> = []
        for e in samples.entries {
            let key = Key(target: e.target, name: e.name, labels: e.labels)
            if seen[key] != nil || pending.contains(key) {
                out.problems.append("\(e.name)\(e.labels) was read twice in one collection; the first value is kept")
                continue
            }
            if let ref = refs[key] {
                seen[key] = ref
                list.append(ref)
                values.append(Sample(t: t, v: e.value))
                continue
            }
            let all = [Label(Labels.metricName, e.name)] + (targetLabels[e.target] ?? []) + e.labels
            switch SeriesValidator.validate(all) {
            case .success(let labels):
                pending.insert(key)
                freshKeys.append(key)
                freshLabels.append(labels)
                freshValues.append(e.value)
            case .failure(let error):
                out.problems.append(error.message)
            }
        }
        if !freshLabels.isEmpty {
            let created = try db.seriesRefs(for: freshLabels)
            for (i, ref) in created.enumerated() {
                seen[freshKeys[i]] = ref
                list.append(ref)
                values.append(Sample(t: t, v: freshValues[i]))
            }
        }
        for (key, ref) in refs where seen[key] == nil {
            list.append(ref)
            values.append(Sample(t: t, v: .staleMarker))
        }
        out.total = values.count
        let rejected = try db.append(refs: list, owners: (0..<Int32(list.count)).map { $0 }, samples: values)
        out.stored = values.count - rejected.count
        for r in rejected.prefix(10) { out.problems.append("sample of \(list[r.index].labels): \(r.reason)") }
        refs = seen
        return out
    }
}
