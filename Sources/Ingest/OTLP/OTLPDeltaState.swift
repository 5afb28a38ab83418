import Synchronization
import TSDB

/// Turns delta sums and delta histograms into the cumulative series Prometheus queries expect,
/// by adding each delta to a running total kept in memory per series.
///
/// The rules are those of the OpenTelemetry Collector's `deltatocumulative` processor, which
/// Prometheus runs for `--enable-feature=otlp-deltatocumulative`:
/// - the first delta of a series starts its total;
/// - a delta whose start time is before the series' first start belongs to an older run and is
///   refused, as is one whose time is not after the last accepted one (out of order or repeated);
/// - otherwise it is added, so a sender's restart (a later start time) keeps the total growing;
///   a gap (deltas never received) is simply missing from the total;
/// - a histogram whose bucket bounds change starts a new total;
/// - a point flagged "no recorded value" ends the series (a staleness marker is stored);
/// - a series with no delta for `maxIdle` is forgotten, and its next delta starts a new total;
/// - at most `maxStreams` series are tracked; deltas of new series past that are refused.
///
/// The totals live only in memory: after Sextant restarts every total starts again from the
/// next delta, which PromQL's `rate()` and `increase()` read as a counter reset.
///
/// All methods are safe to call concurrently; one request's deltas are applied under one lock.
public final class OTLPDeltaState: Sendable {
    public let maxStreams: Int
    /// Milliseconds without a delta after which a series' total is dropped.
    public let maxIdle: Int64

    enum Value: Sendable {
        case sum(Double)
        case histogram(Histogram)
    }

    struct Histogram: Sendable {
        var count: UInt64
        var sum: Double
        var hasSum: Bool
        var bounds: [Double]
        var counts: [UInt64]

        /// Adds `d` when the bounds match; nil when they do not.
        func adding(_ d: Histogram) -> Histogram? {
            guard bounds == d.bounds, counts.count == d.counts.count else { return nil }
            return Histogram(count: count &+ d.count, sum: sum + d.sum, hasSum: hasSum && d.hasSum, bounds: bounds,
                             counts: zip(counts, d.counts).map { $0 &+ $1 })
        }
    }

    /// One delta to apply: the series' identity (its labels with the metric family name), the
    /// point's times in Unix nanoseconds, and its value. `apply` fills `result`.
    struct Update {
        var key: [Label]
        var start: UInt64
        var time: UInt64
        var stale: Bool
        var value: Value
        var result: Result<Value, Refusal> = .failure(.unapplied)
    }

    enum Refusal: Error, CustomStringConvertible {
        case unapplied, olderStart, outOfOrder, tooManyStreams(Int)

        var description: String {
            switch self {
            case .unapplied: "not applied"
            case .olderStart: "delta starts before the series' first delta (it belongs to an older run)"
            case .outOfOrder: "delta is not later than the last one accepted for its series (out of order or repeated)"
            case .tooManyStreams(let n): "more than \(n) delta series tracked"
            }
        }
    }

    struct Stream {
        var start: UInt64
        var last: UInt64
        var value: Value
        var seen: Int64
    }

    struct Storage {
        var streams: [[Label]: Stream] = [:]
        var lastSweep: Int64 = 0
    }

    let storage = Mutex(Storage())

    public init(maxStreams: Int = 100_000, maxIdle: Int64 = 5 * 60_000) {
        self.maxStreams = maxStreams
        self.maxIdle = maxIdle
    }

    /// Series whose totals are held now.
    public var streamCount: Int { storage.withLock { $0.streams.count } }

    /// Applies the deltas in order; `now` is the wall clock in milliseconds (for idleness only).
    func apply(_ updates: inout [Update], now: Int64) {
        storage.withLock { s in
            if now - s.lastSweep >= maxIdle / 5 {
                s.streams = s.streams.filter { now - $0.value.seen < maxIdle }
                s.lastSweep = now
            }
            for i in updates.indices {
                updates[i].result = step(&s, updates[i], now: now)
            }
        }
    }

    private func step(_ s: inout Storage, _ u: Update, now: Int64) -> Result<Value, Refusal> {
        guard var stream = s.streams[u.key], now - stream.seen < maxIdle else {
            if u.stale {
                s.streams[u.key] = nil
                return .success(u.value)
            }
            guard s.streams.count < maxStreams || s.streams[u.key] != nil else { return .failure(.tooManyStreams(maxStreams)) }
            s.streams[u.key] = Stream(start: u.start, last: u.time, value: u.value, seen: now)
            return .success(u.value)
        }
        if u.start < stream.start { return .failure(.olderStart) }
        if u.time <= stream.last { return .failure(.outOfOrder) }
        if u.stale {
            s.streams[u.key] = nil
            return .success(u.value)
        }
        switch (stream.value, u.value) {
        case (.sum(let total), .sum(let d)):
            stream.value = .sum(total + d)
        case (.histogram(let total), .histogram(let d)):
            if let added = total.adding(d) {
                stream.value = .histogram(added)
            } else {
                stream = Stream(start: u.start, last: u.time, value: u.value, seen: now)
            }
        default:
            // The metric changed type under the same name: start over.
            stream = Stream(start: u.start, last: u.time, value: u.value, seen: now)
        }
        stream.last = u.time
        stream.seen = now
        s.streams[u.key] = stream
        return .success(stream.value)
    }
}
