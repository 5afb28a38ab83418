import CoreMetrics

/// Why the tracker gave up on events; the `reason` label of `sextant_client_events_dropped_total`.
enum DropReason: String, CaseIterable, Sendable {
    /// Deleted, oldest first, to keep the on-disk queue within its caps.
    case queueFull = "queue_full"
    /// The server refused the batch with a 4xx (but 408/429): retrying cannot help.
    case refused
    /// The event broke a limit when tracked (empty action, too large, NaN value).
    case invalid
    /// A batch file that could not be read back or is not a batch.
    case unreadable
    /// The batch could not be written to the queue (disk full, permissions).
    case diskError = "disk_error"
}

/// The tracker's own metrics, so an app's `/metrics` shows whether its analytics get through.
struct TrackerMetrics: Sendable {
    /// Events accepted by `track` into the queue.
    let tracked: Counter
    /// Events the server accepted.
    let delivered: Counter
    /// Events the server rejected one by one (the batch itself was accepted).
    let rejected: Counter
    /// Events the server had already stored (a retried batch that had reached it).
    let duplicates: Counter
    /// Delivery attempts that failed in a way worth retrying (5xx, 408, 429, no connection).
    let failures: Counter
    let queueBatches: Meter
    let queueBytes: Meter
    private let dropped: [DropReason: Counter]

    init(factory: any MetricsFactory) {
        tracked = Counter(label: "sextant_client_events_tracked_total", factory: factory)
        delivered = Counter(label: "sextant_client_events_delivered_total", factory: factory)
        rejected = Counter(label: "sextant_client_events_rejected_total", factory: factory)
        duplicates = Counter(label: "sextant_client_events_duplicate_total", factory: factory)
        failures = Counter(label: "sextant_client_delivery_failures_total", factory: factory)
        queueBatches = Meter(label: "sextant_client_queue_batches", factory: factory)
        queueBytes = Meter(label: "sextant_client_queue_bytes", factory: factory)
        var dropped: [DropReason: Counter] = [:]
        for reason in DropReason.allCases {
            dropped[reason] = Counter(label: "sextant_client_events_dropped_total", dimensions: [("reason", reason.rawValue)],
                                      factory: factory)
        }
        self.dropped = dropped
    }

    func dropped(_ reason: DropReason, _ events: Int) {
        dropped[reason]?.increment(by: Int64(events))
    }
}
