import Synchronization
import TSDB

/// Metric metadata (`# TYPE`, `# HELP`, `# UNIT`) from the last successful scrape of each active
/// target, as Prometheus keeps it in its scrape caches. Serves `/api/v1/targets/metadata` and
/// `/api/v1/metadata`.
///
/// All methods are safe to call concurrently.
public final class MetadataStore: Sendable {
    /// One target's metadata: its labels and its families by name.
    public struct TargetMetadata: Sendable {
        public var target: Labels
        public var families: [String: MetricMetadata]
    }

    private let targets = Mutex<[UInt64: TargetMetadata]>([:])

    public init() {}

    /// Replaces what target `id` (its `ScrapeTarget.hash`) said.
    func set(_ id: UInt64, target: Labels, families: [String: MetricMetadata]) {
        targets.withLock { $0[id] = TargetMetadata(target: target, families: families) }
    }

    func remove(_ id: UInt64) {
        targets.withLock { _ = $0.removeValue(forKey: id) }
    }

    /// Every target's metadata, ordered by target labels.
    public func byTarget() -> [TargetMetadata] {
        targets.withLock { Array($0.values) }.sorted { $0.target < $1.target }
    }

    /// Metadata by metric family over all targets, as `/api/v1/metadata` answers: each distinct
    /// (type, help, unit) once per family, families sorted by name.
    public func byMetric() -> [(metric: String, metadata: [MetricMetadata])] {
        var merged: [String: [MetricMetadata]] = [:]
        for t in byTarget() {
            for (name, m) in t.families where !(merged[name]?.contains(m) ?? false) {
                merged[name, default: []].append(m)
            }
        }
        return merged.keys.sorted().map { ($0, merged[$0] ?? []) }
    }
}
