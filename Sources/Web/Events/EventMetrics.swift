import Metrics

/// Counters of usage-event ingestion, shared by the native and PostHog endpoints.
///
/// `sextant_events_dropped_total{reason}` counts valid events not stored: `no_consent` (their
/// sender had `canTrack` false). `sextant_events_rejected_total` counts invalid events,
/// `sextant_events_stored_total` new events stored and `sextant_events_duplicate_total`
/// retries the store already held. Thread-safe (swift-metrics counters are).
struct EventMetrics: Sendable {
    let droppedNoConsent: Counter
    let rejected: Counter
    let stored: Counter
    let duplicates: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        droppedNoConsent = Counter(label: "sextant_events_dropped_total", dimensions: [("reason", "no_consent")], factory: factory)
        rejected = Counter(label: "sextant_events_rejected_total", factory: factory)
        stored = Counter(label: "sextant_events_stored_total", factory: factory)
        duplicates = Counter(label: "sextant_events_duplicate_total", factory: factory)
    }

    func record(stored s: Int, duplicates d: Int, rejected r: Int, noConsent n: Int) {
        if s > 0 { stored.increment(by: s) }
        if d > 0 { duplicates.increment(by: d) }
        if r > 0 { rejected.increment(by: r) }
        if n > 0 { droppedNoConsent.increment(by: n) }
    }
}
