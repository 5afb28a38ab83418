import EventStore
import Foundation
import Ingest

/// What both event endpoints write through and decide by: the store, the settings and the
/// privacy rules made from them, the counters, and the clock (injected by tests).
struct EventSink: Sendable {
    let writer: any EventWriter
    let config: AnalyticsConfig
    let privacy: PrivacyRules
    let metrics: EventMetrics
    /// The server's clock in Unix ms.
    let now: @Sendable () -> Int64

    init(writer: any EventWriter, config: AnalyticsConfig, metrics: EventMetrics = EventMetrics(),
         now: @escaping @Sendable () -> Int64 = EventSink.wallClock) {
        self.writer = writer
        self.config = config
        privacy = config.privacy
        self.metrics = metrics
        self.now = now
    }

    static let wallClock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}
