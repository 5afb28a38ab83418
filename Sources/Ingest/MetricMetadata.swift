import Synchronization
import TSDB

/// What a metric is, as exposition formats and remote-write senders describe it.
public struct MetricMetadata: Hashable, Sendable {
    /// Prometheus's type names: counter, gauge, histogram, gaugehistogram, summary, info,
    /// stateset, unknown.
    public var type: String
    public var help: String
    public var unit: String

    public init(type: String = MetricType.unknown.rawValue, help: String = "", unit: String = "") {
        self.type = type
        self.help = help
        self.unit = unit
    }
}

/// The metadata of metrics seen by the ingest paths, for `/api/v1/metadata` and
/// `/api/v1/targets/metadata`. Kept in memory, as Prometheus does. Two sources:
/// - scrape targets: what each active target said in its last scrape (`# TYPE`, `# HELP`,
///   `# UNIT`), replaced on every scrape and forgotten when the target goes away, as Prometheus's
///   scrape caches hold it;
/// - remote-write senders: entries `record`ed as they arrive. Bounded: past `maxMetrics` names
///   new ones are not recorded (counted in `dropped`), and each name keeps its `maxPerMetric`
///   most recent entries.
/// A metric can have several distinct entries when sources disagree.
///
/// Safe to use from any number of threads.
public final class MetadataStore: Sendable {
    /// One scrape target's metadata: its labels and its families by name.
    public struct TargetMetadata: Sendable {
        public var target: Labels
        public var families: [String: MetricMetadata]
    }

    private struct State {
        var recorded: [String: [MetricMetadata]] = [:]
        var targets: [UInt64: TargetMetadata] = [:]
        var dropped = 0
    }

    private let state = Mutex(State())
    public let maxMetrics: Int
    public let maxPerMetric: Int

    public init(maxMetrics: Int = 100_000, maxPerMetric: Int = 10) {
        self.maxMetrics = maxMetrics
        self.maxPerMetric = maxPerMetric
    }

    /// Records one entry a remote-write sender sent.
    public func record(_ metric: String, _ metadata: MetricMetadata) {
        state.withLock { s in
            if var list = s.recorded[metric] {
                if list.last == metadata { return }
                list.removeAll { $0 == metadata }
                list.append(metadata)
                if list.count > maxPerMetric { list.removeFirst(list.count - maxPerMetric) }
                s.recorded[metric] = list
            } else if s.recorded.count < maxMetrics {
                s.recorded[metric] = [metadata]
            } else {
                s.dropped += 1
            }
        }
    }

    /// Replaces what scrape target `id` (its `ScrapeTarget.hash`) said in its last scrape.
    func setTarget(_ id: UInt64, target: Labels, families: [String: MetricMetadata]) {
        state.withLock { $0.targets[id] = TargetMetadata(target: target, families: families) }
    }

    /// Forgets a scrape target that is no longer scraped.
    func removeTarget(_ id: UInt64) {
        state.withLock { _ = $0.targets.removeValue(forKey: id) }
    }

    /// Every scrape target's metadata, ordered by target labels.
    public func byTarget() -> [TargetMetadata] {
        state.withLock { Array($0.targets.values) }.sorted { $0.target < $1.target }
    }

    /// Metric names to their distinct entries, sorted by name; at most `limit` metrics (nil: all)
    /// and `limitPerMetric` entries each, optionally only `metric`. A name's entries are the
    /// remote-write ones (oldest first) then the scrape targets' (by target labels); the limit per
    /// metric keeps the last ones.
    public func lookup(metric: String? = nil, limit: Int? = nil, limitPerMetric: Int? = nil) -> [(String, [MetricMetadata])] {
        var merged: [String: [MetricMetadata]] = state.withLock { s in
            if let metric { return s.recorded[metric].map { [metric: $0] } ?? [:] }
            return s.recorded
        }
        for t in byTarget() {
            for (name, m) in t.families where metric == nil || name == metric {
                if merged[name]?.contains(m) ?? false { continue }
                merged[name, default: []].append(m)
            }
        }
        var out = merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let limit { out = Array(out.prefix(limit)) }
        if let limitPerMetric { out = out.map { ($0.0, Array($0.1.suffix(limitPerMetric))) } }
        return out
    }

    /// Remote-write metric names that were not recorded because the store was full.
    public var dropped: Int { state.withLock { $0.dropped } }
}
