import Metrics

/// The database's own metrics, reported through swift-metrics (exported by the server's backend).
struct DBMetrics: Sendable {
    let samplesAppended = Counter(label: "sextant_tsdb_samples_appended_total")
    let samplesRejected = Counter(label: "sextant_tsdb_samples_rejected_total")
    let seriesCreated = Counter(label: "sextant_tsdb_series_created_total")
    let replayedSamples = Counter(label: "sextant_tsdb_wal_replayed_samples_total")
    let headSeries = Gauge(label: "sextant_tsdb_head_series")
    let headSamples = Gauge(label: "sextant_tsdb_head_samples")
    let walBytes = Gauge(label: "sextant_tsdb_wal_bytes")
    let blocks = Gauge(label: "sextant_tsdb_blocks")
    let blockBytes = Gauge(label: "sextant_tsdb_block_bytes")
    let headCuts = Counter(label: "sextant_tsdb_head_cuts_total")
    let compactions = Counter(label: "sextant_tsdb_compactions_total")
    let compactionDuration = Timer(label: "sextant_tsdb_compaction_duration_seconds")
    let retentionDeletions = Counter(label: "sextant_tsdb_retention_deleted_blocks_total")
}
