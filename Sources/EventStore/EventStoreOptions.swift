#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// How an `EventStore` keeps events: retention, when the head is flushed, memory bounds.
public struct EventStoreOptions: Sendable {
    /// How long events are kept, by `Event.category`. Categories not listed get
    /// `defaultRetention`. Defaults: `billing` and `business` seven years (bookkeeping law),
    /// everything else (usage-like: navigation, account, ai, ...) two years.
    public var retention: [String: Duration] = [
        "billing": .days(7 * 365 + 2),
        "business": .days(7 * 365 + 2),
    ]
    /// Retention of categories missing from `retention`: two years.
    public var defaultRetention: Duration = .days(2 * 365 + 1)
    /// `maintain()` flushes the head once it holds this many events...
    public var flushEvents = 250_000
    /// ...or once its oldest event was appended this long ago.
    public var flushAge: Duration = .seconds(600)
    /// Event ids are remembered (as 8-byte hashes) for events whose timestamp is at most this
    /// old; an event older than that whose id was seen before may be stored twice.
    public var dedupWindow: Duration = .days(31)
    /// Batch ids are remembered this long after they were first seen.
    public var batchWindow: Duration = .days(1)
    /// Bytes of decoded segment columns kept in memory for repeated reads.
    public var columnCacheBytes = 256 << 20
    /// Size at which a WAL segment is closed and a new one begun.
    public var walSegmentSize = 64 << 20
    public var limits = EventStoreLimits()
    /// Milliseconds since the Unix epoch, UTC; retention, flush age and the batch window are
    /// measured against it. Tests inject a clock they move.
    public var now: @Sendable () -> Int64 = { Duration.wallClockNow.milliseconds }
    public var logger = Logger(label: "sextant.events")

    public init() {}

    /// Retention of `category` in milliseconds.
    func retentionMillis(_ category: String) -> Int64 {
        (retention[category] ?? defaultRetention).milliseconds
    }
}

extension Duration {
    static func days(_ n: Int) -> Duration { .seconds(n * 86_400) }

    /// Whole milliseconds, saturating.
    var milliseconds: Int64 {
        let c = components
        let (ms, overflow) = c.seconds.multipliedReportingOverflow(by: 1000)
        return overflow ? (c.seconds < 0 ? .min : .max) : ms + c.attoseconds / 1_000_000_000_000_000
    }

    /// The wall clock as a duration since the Unix epoch.
    static var wallClockNow: Duration {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return .seconds(ts.tv_sec) + .nanoseconds(ts.tv_nsec)
    }
}
