import AsyncHTTPClient
import CoreMetrics
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Records usage events and delivers them to Sextant's native events endpoint
/// (`POST /api/analytics/events`), surviving outages and restarts.
///
/// `track` builds an event (a UUID id, the current time, the configured device and the current
/// consent) and adds it to the open batch; with `canTrack == false` nothing is queued. A batch is
/// sealed at `batchSize` events or `maxBatchBytes`, at every `flushInterval` while the tracker
/// runs, on `flush()`, and at graceful shutdown. Sealing writes it atomically to the on-disk
/// queue (see `BatchQueue`), so what is sealed survives a crash or an outage; events in the open
/// batch are lost only if the process dies before the next seal.
///
/// Sealed batches are sent oldest first, gzipped, each with a batchId that stays the same across
/// retries and restarts so the server stores it once. A 5xx, 408, 429 or connection error is
/// retried with exponential backoff and jitter (`RetryPolicy`); any other 4xx drops the batch with
/// an error log and a count; a 2xx's per-event rejections are logged and counted.
///
/// Run it as a `Service` (swift-service-lifecycle) to get the periodic flush and, on graceful
/// shutdown, a last seal and a delivery attempt bounded by `shutdownTimeout`; whatever is not
/// delivered stays on disk for the next start. Without running it, call `flush()` yourself.
///
/// Its own metrics (`sextant_client_*`) go to the given factory; see `docs/client.md`.
/// All methods are safe to call from any task.
public actor EventTracker: Service {
    public nonisolated let configuration: EventTrackerConfiguration
    let sender: EventSender
    let logger: Logger
    let metrics: TrackerMetrics
    let clock: any Clock<Duration>
    var queue: BatchQueue
    private var consent: Consent {
        didSet { privacyFlags = TrackedEvent.PrivacyFlags(consent) }
    }
    /// `consent` as the wire format has it, formatted once rather than per event.
    private var privacyFlags: TrackedEvent.PrivacyFlags
    private var userId: String?
    private var sessionId: String
    /// Events of the open batch, each encoded as one JSON object.
    private var open: [[UInt8]] = []
    private var openBytes = 0
    /// The batch a delivery pass is sending now; the queue's caps never delete it.
    var sending: UInt64?
    /// Bumped by `discardQueued()`, so that a batch whose write was under way is not queued.
    private var generation = 0
    var passRunning = false
    var passWaiters: [CheckedContinuation<Void, Never>] = []
    private nonisolated let wakeups: AsyncStream<Void>
    private nonisolated let wake: AsyncStream<Void>.Continuation

    /// Opens the queue directory (creating it, picking up batches a previous run left) and checks
    /// the configuration. Starts nothing: delivery happens in `run()` or `flush()`.
    ///
    /// - Parameters:
    ///   - httpClient: the client to send with; the shared one by default. The caller keeps
    ///     ownership (the tracker never shuts it down).
    ///   - metricsFactory: where the tracker's own metrics go; nil uses `MetricsSystem.factory`.
    ///   - clock: the clock the flush interval and retry backoff sleep on.
    public init(configuration: EventTrackerConfiguration, httpClient: HTTPClient = .shared,
                logger: Logger = Logger(label: "sextant.client"), metricsFactory: (any MetricsFactory)? = nil,
                clock: any Clock<Duration> = ContinuousClock()) throws(SextantClientError) {
        let endpoint = try configuration.validatedEndpoint()
        self.configuration = configuration
        self.sender = EventSender(client: httpClient, url: endpoint, headers: configuration.headers)
        self.logger = logger
        self.metrics = TrackerMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        self.clock = clock
        self.queue = try BatchQueue(directory: configuration.queueDirectory, maxBytes: configuration.maxQueueBytes,
                                    maxBatches: configuration.maxQueueBatches)
        self.consent = configuration.consent
        self.privacyFlags = TrackedEvent.PrivacyFlags(configuration.consent)
        self.sessionId = Self.newID()
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        // The caps may have shrunk since the previous run.
        let evicted = queue.evictPastCaps()
        let (batches, bytes) = (queue.entries.count, queue.totalBytes)
        metrics.queueBatches.set(batches)
        metrics.queueBytes.set(bytes)
        if batches > 0 {
            logger.info("picked up queued analytics batches from a previous run",
                        metadata: ["batches": "\(batches)", "bytes": "\(bytes)"])
        }
        if !evicted.isEmpty { reportEvicted(evicted) }
    }

    // MARK: Identity and consent

    /// Replaces the consent; events tracked from now on carry it. With `canTrack == false`
    /// nothing more is queued; what is already queued stays (see `discardQueued()`).
    public func setConsent(_ consent: Consent) {
        self.consent = consent
    }

    /// The user id events get when `track` is not given one; nil for anonymous.
    public func identify(userId: String?) {
        self.userId = userId
    }

    /// Starts a new session: events tracked without a session id get `id` from now on. A tracker
    /// starts with a fresh random session id.
    @discardableResult
    public func startSession(id: String? = nil) -> String {
        sessionId = id ?? Self.newID()
        return sessionId
    }

    // MARK: Tracking

    /// Records one event. Never throws and never waits on the network; it waits for the disk
    /// only when the event completes a batch (writing it takes an fsync, done on a thread
    /// outside Swift's concurrency pool).
    ///
    /// An event that breaks a limit (action, category or eventType empty or over 256 bytes,
    /// userSegment over 256 bytes, userId or sessionId empty or over 200 bytes, a property key
    /// empty or over 256 bytes, a property nested more than 8 levels, a non-finite number,
    /// larger than `maxEventBytes` as JSON) is logged and counted as dropped. These are the
    /// limits Sextant's endpoint applies.
    ///
    /// - Parameters:
    ///   - action: the event's name, e.g. `workout_completed`.
    ///   - category: what retention is decided by, e.g. `usage`, `billing`.
    ///   - value: a number the event carries (revenue, duration), if any.
    ///   - userId, sessionId: override the tracker's current ones for this event.
    ///   - timestamp: when it happened; now by default.
    public func track(action: String, category: String, properties: [String: EventProperty] = [:], value: Double? = nil,
                      userId: String? = nil, sessionId: String? = nil, label: String? = nil,
                      eventType: String = "user_action", userSegment: String? = nil, timestamp: Date = Date()) async {
        guard consent.canTrack else { return }
        let event = TrackedEvent(
            id: Self.newID(), timestamp: RFC3339.string(from: timestamp), userId: userId ?? self.userId,
            sessionId: sessionId ?? self.sessionId, eventType: eventType, category: category, action: action,
            label: label, value: value, properties: properties, deviceInfo: configuration.device,
            userSegment: userSegment, privacyFlags: privacyFlags)
        let encoded: [UInt8]
        do {
            encoded = try encode(event)
        } catch {
            logger.warning("analytics event dropped", metadata: ["action": "\(action.prefix(64))", "reason": "\(error.message)"])
            metrics.dropped(.invalid, 1)
            return
        }
        if !open.isEmpty && openBytes + encoded.count + 1 > configuration.maxBatchBytes {
            await seal()
            wake.yield()
        }
        open.append(encoded)
        openBytes += encoded.count + 1
        metrics.tracked.increment()
        if open.count >= configuration.batchSize {
            await seal()
            wake.yield()
        }
    }

    /// Seals the open batch and sends everything queued, retrying as `configuration.retry`
    /// says. Returns true when the queue is empty afterwards. Waits for a delivery pass already
    /// under way (from `run()`) to end first, so a batch is never sent twice at once.
    @discardableResult
    public func flush() async -> Bool {
        await seal()
        return await deliverQueued(.normal)
    }

    /// Forgets the open batch and deletes every queued batch, e.g. when the person withdraws
    /// consent. A batch being sent at this moment may still arrive.
    public func discardQueued() {
        let events = open.count + queue.entries.reduce(0) { $0 + $1.eventCount }
        open = []
        openBytes = 0
        generation += 1
        for entry in queue.entries {
            do {
                try queue.remove(entry)
            } catch {
                logger.error("cannot delete a discarded analytics batch", metadata: ["error": "\(error)"])
            }
        }
        updateQueueGauges()
        logger.info("discarded queued analytics events", metadata: ["events": "\(events)"])
    }

    /// Events tracked but not yet sealed into a batch.
    public var openEvents: Int { open.count }
    /// Sealed batches waiting on disk to be delivered.
    public var queuedBatches: Int { queue.entries.count }

    // MARK: Service

    /// Delivers batches as they are sealed and every `flushInterval`, until graceful shutdown
    /// or cancellation; then seals the open batch and, unless cancelled, tries for at most
    /// `shutdownTimeout` to send what is queued. Undelivered batches stay on disk.
    public func run() async {
        let interval = configuration.flushInterval
        wake.yield()  // deliver what a previous run left, without waiting for the first interval
        await withDiscardingTaskGroup { group in
            group.addTask { [clock, wake] in
                while (try? await clock.sleep(for: interval)) != nil { wake.yield() }
            }
            for await _ in wakeups.cancelOnGracefulShutdown() {
                await seal()
                await deliverQueued(.normal)
            }
            group.cancelAll()
        }
        await seal()
        if !Task.isCancelled && !queue.entries.isEmpty {
            await deliverQueued(.shutdown(deadline: ContinuousClock.now + configuration.shutdownTimeout))
        }
        if !queue.entries.isEmpty {
            logger.info("analytics batches left on disk for the next start", metadata: ["batches": "\(queue.entries.count)"])
        }
    }

    // MARK: Internals

    /// A random (version 4) UUID in lowercase, formatted here: Foundation's `uuidString` goes
    /// through `sprintf` and would then need lowercasing, a measurable part of `track`.
    private static func newID() -> String {
        let bytes = withUnsafeBytes(of: UUID().uuid) { Array($0) }
        return String(unsafeUninitializedCapacity: 36) { out in
            var position = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    out[position] = UInt8(ascii: "-")
                    position += 1
                }
                out[position] = hexDigits[Int(byte >> 4)]
                out[position + 1] = hexDigits[Int(byte & 0xF)]
                position += 2
            }
            return position
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private func encode(_ event: TrackedEvent) throws(SextantClientError) -> [UInt8] {
        func invalid(_ message: String) -> SextantClientError { SextantClientError(.invalidEvent, message) }
        for (field, text) in [("action", event.action), ("category", event.category), ("eventType", event.eventType)] {
            guard !text.isEmpty, text.utf8.count <= 256 else { throw invalid("\(field) must be 1 to 256 bytes long") }
        }
        if let segment = event.userSegment, segment.utf8.count > 256 { throw invalid("userSegment must be at most 256 bytes long") }
        for (field, text) in [("userId", event.userId ?? "x"), ("sessionId", event.sessionId)] {
            guard !text.isEmpty, text.utf8.count <= 200 else { throw invalid("\(field) must be 1 to 200 bytes long") }
        }
        if let value = event.value, !value.isFinite { throw invalid("value must be a finite number, not \(value)") }
        if let bad = event.properties.first(where: { !$0.value.isRepresentableInJSON }) {
            throw invalid("property \"\(bad.key.prefix(64))\" holds a non-finite number")
        }
        if let deep = event.properties.first(where: { $0.value.depth > 8 }) {
            throw invalid("property \"\(deep.key.prefix(64))\" is nested more than 8 levels deep")
        }
        if let long = event.properties.keys.first(where: { $0.isEmpty || $0.utf8.count > 256 }) {
            throw invalid("property key \"\(long.prefix(64))\" must be 1 to 256 bytes long")
        }
        let json = EventJSON.encode(event)
        guard json.count <= configuration.maxEventBytes else {
            throw invalid("the event is \(json.count) bytes of JSON, more than maxEventBytes (\(configuration.maxEventBytes))")
        }
        return json
    }

    /// Seals the open batch: numbers it, writes its file on NIO's blocking-I/O thread pool (the
    /// fsyncs take milliseconds, which must not hold a thread of Swift's concurrency pool), then
    /// adds it to the queue. Tracking goes on meanwhile, into a new open batch.
    private func seal() async {
        guard !open.isEmpty else { return }
        let events = open
        open = []
        openBytes = 0
        let batch = queue.prepare(batchId: Self.newID(), events: events)
        let (directory, generation) = (queue.directory, self.generation)
        do {
            try await NIOThreadPool.singleton.runIfActive { try BatchQueue.write(batch, in: directory) }
        } catch {
            metrics.dropped(.diskError, events.count)
            logger.error("analytics batch dropped: cannot write it to the queue",
                         metadata: ["events": "\(events.count)", "error": "\(error)"])
            return
        }
        guard generation == self.generation else {
            try? QueueFiles.remove(directory + "/" + batch.entry.fileName)
            return
        }
        let evicted = queue.insert(batch.entry, protecting: sending)
        if !evicted.isEmpty { reportEvicted(evicted) }
        updateQueueGauges()
    }

    private nonisolated func reportEvicted(_ evicted: [BatchQueue.Entry]) {
        let count = evicted.reduce(0) { $0 + $1.eventCount }
        metrics.dropped(.queueFull, count)
        logger.warning("analytics queue full: oldest batches dropped", metadata: ["batches": "\(evicted.count)", "events": "\(count)"])
    }

    func updateQueueGauges() {
        metrics.queueBatches.set(queue.entries.count)
        metrics.queueBytes.set(queue.totalBytes)
    }
}
