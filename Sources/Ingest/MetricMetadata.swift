import Synchronization

/// What a metric is, as exposition formats and remote-write senders describe it.
public struct MetricMetadata: Hashable, Sendable {
    /// Prometheus's type names: counter, gauge, histogram, gaugehistogram, summary, info,
    /// stateset, unknown.
    public var type: String
    public var help: String
    public var unit: String

    public init(type: String, help: String = "", unit: String = "") {
        self.type = type
        self.help = help
        self.unit = unit
    }
}

/// The metadata of metrics seen by every ingest path (scrapes, remote-write, OTLP), for
/// `/api/v1/metadata`. Kept in memory, as Prometheus does; a metric can have several distinct
/// entries when sources disagree. Bounded: past `maxMetrics` names new ones are not recorded
/// (counted in `dropped`), and each name keeps its `maxPerMetric` most recent entries.
///
/// Safe to use from any number of threads.
public final class MetadataStore: Sendable {
    private struct State {
        var entries: [String: [MetricMetadata]] = [:]
        var dropped = 0
    }

    private let state = Mutex(State())
    public let maxMetrics: Int
    public let maxPerMetric: Int

    public init(maxMetrics: Int = 100_000, maxPerMetric: Int = 10) {
        self.maxMetrics = maxMetrics
        self.maxPerMetric = maxPerMetric
    }

    public func record(_ metric: String, _ metadata: MetricMetadata) {
        state.withLock { s in
            if var list = s.entries[metric] {
                if list.last == metadata { return }
                list.removeAll { $0 == metadata }
                list.append(metadata)
                if list.count > maxPerMetric { list.removeFirst(list.count - maxPerMetric) }
                s.entries[metric] = list
            } else if s.entries.count < maxMetrics {
                s.entries[metric] = [metadata]
            } else {
                s.dropped += 1
            }
        }
    }

    /// Metric names to their entries, sorted by name; at most `limit` metrics (nil: all) and
    /// `limitPerMetric` entries each, optionally only `metric`.
    public func lookup(metric: String? = nil, limit: Int? = nil, limitPerMetric: Int? = nil) -> [(String, [MetricMetadata])] {
        let all = state.withLock { s -> [(String, [MetricMetadata])] in
            if let metric { return s.entries[metric].map { [(metric, $0)] } ?? [] }
            return Array(s.entries)
        }
        var out = all.sorted { $0.0 < $1.0 }
        if let limit { out = Array(out.prefix(limit)) }
        if let limitPerMetric { out = out.map { ($0.0, Array($0.1.suffix(limitPerMetric))) } }
        return out
    }

    /// Metric names that were not recorded because the store was full.
    public var dropped: Int { state.withLock { $0.dropped } }
}
