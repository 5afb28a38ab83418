import Foundation
import Logging
import MetricsTestKit
import ServiceLifecycle
import SextantClient
import Testing

/// The tracker against a live in-process server (`EventSink`) that decodes what it gets the way
/// Sextant's endpoint is documented to.
@Suite struct EventTrackerTests {
    static let granted = Consent(canTrack: true, canProfile: true, canShare: false,
                                 consentDate: Date(timeIntervalSince1970: 1_767_225_600), consentVersion: "2026-01")
    static let device = DeviceInfo(platform: "ios", appVersion: "3.2.1", osVersion: "17.4")

    /// `live`: a server answers at `url`. Against a live server requests get a timeout that a
    /// loaded machine (tests run in parallel on 2 cores) cannot hit by accident.
    func configuration(_ url: String, _ directory: String, batchSize: Int = 100, live: Bool = true) -> EventTrackerConfiguration {
        var configuration = EventTrackerConfiguration(serverURL: url, queueDirectory: directory, device: Self.device,
                                                      consent: Self.granted)
        configuration.batchSize = batchSize
        configuration.retry = RetryPolicy(maxAttempts: 3, initialDelay: .milliseconds(10), multiplier: 2,
                                          maxDelay: .milliseconds(100), jitter: 0)
        // AsyncHTTPClient keeps retrying a refused connection until the request's deadline, so
        // against a dead port an attempt lasts this long.
        configuration.requestTimeout = live ? .seconds(20) : .milliseconds(300)
        configuration.shutdownTimeout = .milliseconds(600)
        return configuration
    }

    func dropped(_ metrics: TestMetrics, _ reason: String) -> Int64 {
        (try? metrics.expectCounter("sextant_client_events_dropped_total", [("reason", reason)]).totalValue) ?? 0
    }

    @Test func batchesAreGzippedEnvelopesOfNativeEvents() async throws {
        let sink = EventSink()
        let directory = temporaryQueueDirectory()
        let metrics = TestMetrics()
        try await sink.serve { url in
            let tracker = try EventTracker(configuration: configuration(url, directory, batchSize: 2), metricsFactory: metrics)
            await tracker.identify(userId: "u-1")
            await tracker.startSession(id: "s-1")
            for i in 0..<5 {
                await tracker.track(action: "step_\(i)", category: "usage", properties: ["i": .number(Double(i)), "tags": ["a", true]],
                                    value: Double(i) / 2)
            }
            #expect(await tracker.queuedBatches == 2)
            #expect(await tracker.openEvents == 1)
            #expect(await tracker.flush())
            #expect(await tracker.queuedBatches == 0)
        }
        let requests = sink.requests
        #expect(requests.map { $0.envelope?.events.count } == [2, 2, 1])
        #expect(requests.allSatisfy { $0.contentEncoding == "gzip" && $0.contentType == "application/json" })
        #expect(Set(requests.compactMap { $0.envelope?.batchId }).count == 3)
        let rfc3339 = #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/#
        #expect(requests.allSatisfy { ($0.envelope?.clientTimestamp).map { $0.wholeMatch(of: rfc3339) != nil } ?? false })

        let events = sink.storedEvents
        #expect(events.map(\.action) == (0..<5).map { "step_\($0)" })
        #expect(Set(events.map(\.id)).count == 5)
        #expect(events.allSatisfy { UUID(uuidString: $0.id) != nil })
        #expect(events.allSatisfy { $0.timestamp.wholeMatch(of: rfc3339) != nil })
        #expect(events.allSatisfy { $0.userId == "u-1" && $0.sessionId == "s-1" && $0.eventType == "user_action" && $0.category == "usage" })
        #expect(events.allSatisfy { $0.deviceInfo == .init(platform: "ios", appVersion: "3.2.1", osVersion: "17.4") })
        #expect(events.allSatisfy {
            $0.privacyFlags == .init(canTrack: true, canProfile: true, canShare: false, consentDate: "2026-01-01T00:00:00.000Z",
                                     consentVersion: "2026-01")
        })
        #expect(events[3].value == 1.5)
        #expect(events[3].properties == ["i": .number(3), "tags": .array([.string("a"), .bool(true)])])
        #expect(events.allSatisfy { $0.label == nil && $0.userSegment == nil })
        #expect(try metrics.expectCounter("sextant_client_events_tracked_total").totalValue == 5)
        #expect(try metrics.expectCounter("sextant_client_events_delivered_total").totalValue == 5)
        #expect(batchFiles(in: directory).isEmpty)
    }

    @Test func withoutConsentNothingIsQueued() async throws {
        let sink = EventSink()
        let directory = temporaryQueueDirectory()
        let metrics = TestMetrics()
        try await sink.serve { url in
            var denied = configuration(url, directory, batchSize: 1)
            denied.consent = .denied
            let tracker = try EventTracker(configuration: denied, metricsFactory: metrics)
            for _ in 0..<3 { await tracker.track(action: "secret", category: "usage", userId: "u-9") }
            #expect(await tracker.openEvents == 0)
            #expect(await tracker.queuedBatches == 0)
            #expect(batchFiles(in: directory).isEmpty)
            #expect(await tracker.flush())
            #expect(sink.requests.isEmpty)

            await tracker.setConsent(Self.granted)
            await tracker.track(action: "allowed", category: "usage")
            #expect(await tracker.flush())
        }
        #expect(sink.storedEvents.map(\.action) == ["allowed"])
        #expect(try metrics.expectCounter("sextant_client_events_tracked_total").totalValue == 1)
    }

    @Test func discardingForgetsEverythingQueued() async throws {
        let sink = EventSink()
        let directory = temporaryQueueDirectory()
        try await sink.serve { url in
            let tracker = try EventTracker(configuration: configuration(url, directory, batchSize: 2))
            for i in 0..<5 { await tracker.track(action: "e\(i)", category: "usage") }
            #expect(batchFiles(in: directory).count == 2)
            await tracker.discardQueued()
            #expect(await tracker.queuedBatches == 0)
            #expect(await tracker.openEvents == 0)
            #expect(batchFiles(in: directory).isEmpty)
            #expect(await tracker.flush())
        }
        #expect(sink.requests.isEmpty)
    }

    @Test func retriesWithBackoffOn503KeepingTheBatchId() async throws {
        let sink = EventSink(script: [.status(503), .status(503)])
        let clock = RecordingClock()
        let metrics = TestMetrics()
        try await sink.serve { url in
            let tracker = try EventTracker(configuration: configuration(url, temporaryQueueDirectory()), metricsFactory: metrics,
                                           clock: clock)
            await tracker.track(action: "a", category: "usage")
            await tracker.track(action: "b", category: "usage")
            #expect(await tracker.flush())
        }
        let requests = sink.requests
        #expect(requests.map(\.status) == [503, 503, 200])
        #expect(Set(requests.compactMap { $0.envelope?.batchId }).count == 1)
        #expect(clock.sleeps == [.milliseconds(10), .milliseconds(20)])
        #expect(sink.storedEvents.map(\.action) == ["a", "b"])
        #expect(try metrics.expectCounter("sextant_client_delivery_failures_total").totalValue == 2)
    }

    @Test func aBatchThatKeepsFailingStaysQueuedForTheNextPass() async throws {
        let sink = EventSink(script: [.status(500), .status(502), .status(503), .status(429)])
        let directory = temporaryQueueDirectory()
        try await sink.serve { url in
            let tracker = try EventTracker(configuration: configuration(url, directory), clock: RecordingClock())
            await tracker.track(action: "a", category: "usage")
            #expect(await tracker.flush() == false)
            #expect(await tracker.queuedBatches == 1)
            #expect(batchFiles(in: directory).count == 1)
            #expect(sink.requests.count == 3)
            #expect(await tracker.flush())
        }
        #expect(sink.requests.map(\.status) == [500, 502, 503, 429, 200])
        #expect(Set(sink.requests.compactMap { $0.envelope?.batchId }).count == 1)
        #expect(sink.storedEvents.map(\.action) == ["a"])
    }

    @Test func a400IsNotRetriedAndItsEventsAreCountedAsDropped() async throws {
        let sink = EventSink(script: [.status(400)])
        let clock = RecordingClock()
        let metrics = TestMetrics()
        let directory = temporaryQueueDirectory()
        try await sink.serve { url in
            let tracker = try EventTracker(configuration: configuration(url, directory), metricsFactory: metrics, clock: clock)
            for _ in 0..<4 { await tracker.track(action: "bad", category: "usage") }
            #expect(await tracker.flush())
            #expect(await tracker.queuedBatches == 0)
        }
        #expect(sink.requests.map(\.status) == [400])
        #expect(clock.sleeps.isEmpty)
        #expect(sink.storedEvents.isEmpty)
        #expect(dropped(metrics, "refused") == 4)
        #expect(batchFiles(in: directory).isEmpty)
    }

    /// Events tracked while the server is down wait on disk; a new tracker over the same
    /// directory (an app restart) delivers them once the server is up, each batch once by
    /// batchId even when a reply was lost and the batch sent again.
    @Test func queuedEventsSurviveAnOutageAndARestart() async throws {
        let directory = temporaryQueueDirectory()
        let down = try await deadServerURL()
        do {
            let tracker = try EventTracker(configuration: configuration(down, directory, batchSize: 3, live: false), clock: RecordingClock())
            for i in 0..<7 { await tracker.track(action: "e\(i)", category: "usage") }
            #expect(await tracker.flush() == false)
            #expect(await tracker.queuedBatches == 3)
        }
        #expect(batchFiles(in: directory).count == 3)

        let sink = EventSink(script: [.storeThenFail])
        try await sink.serve { url in
            let restarted = try EventTracker(configuration: configuration(url, directory, batchSize: 3), clock: RecordingClock())
            #expect(await restarted.queuedBatches == 3)
            #expect(await restarted.flush())
        }
        let sent = sink.requests.compactMap { $0.envelope?.batchId }
        #expect(sent.count == 4)
        #expect(sent[0] == sent[1])
        let stored = sink.storedBatches
        #expect(stored.count == 3)
        #expect(Set(stored.map(\.batchId)).count == 3)
        #expect(sink.storedEvents.map(\.action) == (0..<7).map { "e\($0)" })
        #expect(batchFiles(in: directory).isEmpty)
    }

    /// Run as a service, the tracker delivers on its interval, and at graceful shutdown it seals
    /// and sends what is left.
    @Test func asAServiceItFlushesOnItsIntervalAndAtShutdown() async throws {
        let sink = EventSink()
        try await sink.serve { url in
            var periodic = configuration(url, temporaryQueueDirectory())
            periodic.flushInterval = .milliseconds(20)
            let tracker = try EventTracker(configuration: periodic)
            let group = ServiceGroup(services: [tracker], logger: Logger(label: "test"))
            try await withThrowingTaskGroup { tasks in
                tasks.addTask { try await group.run() }
                await tracker.track(action: "periodic", category: "usage")
                var polls = 0
                while sink.storedEvents.isEmpty && polls < 400 {
                    try await Task.sleep(for: .milliseconds(25))
                    polls += 1
                }
                #expect(sink.storedEvents.map(\.action) == ["periodic"])
                await tracker.track(action: "last", category: "usage")
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        #expect(sink.storedEvents.map(\.action) == ["periodic", "last"])
    }

    @Test func shutdownWhileTheServerIsDownLeavesEverythingOnDisk() async throws {
        let directory = temporaryQueueDirectory()
        var offline = configuration(try await deadServerURL(), directory, batchSize: 2, live: false)
        offline.flushInterval = .seconds(3600)
        let tracker = try EventTracker(configuration: offline)
        let group = ServiceGroup(services: [tracker], logger: Logger(label: "test"))
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            for i in 0..<5 { await tracker.track(action: "e\(i)", category: "usage") }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let files = batchFiles(in: directory)
        #expect(files.count == 3)
        let events = try files.flatMap { name in
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            return try JSONDecoder().decode(StoredBatch.self, from: data).events.map(\.action)
        }
        #expect(events == (0..<5).map { "e\($0)" })
    }

    struct StoredBatch: Decodable {
        var batchId: String
        var events: [WireEvent]
    }

    @Test func theBatchCountCapDropsTheOldestAndCountsThem() async throws {
        let directory = temporaryQueueDirectory()
        let metrics = TestMetrics()
        var capped = configuration(try await deadServerURL(), directory, batchSize: 1, live: false)
        capped.maxQueueBatches = 2
        let tracker = try EventTracker(configuration: capped, metricsFactory: metrics, clock: RecordingClock())
        for i in 0..<5 { await tracker.track(action: "e\(i)", category: "usage") }
        #expect(await tracker.queuedBatches == 2)
        #expect(batchFiles(in: directory).count == 2)
        #expect(dropped(metrics, "queue_full") == 3)

        let sink = EventSink()
        try await sink.serve { url in
            let restarted = try EventTracker(configuration: configuration(url, directory))
            #expect(await restarted.flush())
        }
        #expect(sink.storedEvents.map(\.action) == ["e3", "e4"])
    }

    @Test func shrunkCapsApplyWhenTheQueueOpens() async throws {
        let directory = temporaryQueueDirectory()
        let offline = configuration(try await deadServerURL(), directory, batchSize: 1, live: false)
        let first = try EventTracker(configuration: offline, clock: RecordingClock())
        for i in 0..<4 { await first.track(action: "e\(i)", category: "usage") }
        #expect(await first.queuedBatches == 4)

        let metrics = TestMetrics()
        var smaller = offline
        smaller.maxQueueBatches = 2
        let reopened = try EventTracker(configuration: smaller, metricsFactory: metrics, clock: RecordingClock())
        #expect(await reopened.queuedBatches == 2)
        #expect(dropped(metrics, "queue_full") == 2)
    }

    @Test func perEventRejectionsInA200AreCountedAndTheBatchIsDone() async throws {
        let sink = EventSink(script: [.rejectFirstEvent])
        let metrics = TestMetrics()
        try await sink.serve { url in
            let tracker = try EventTracker(configuration: configuration(url, temporaryQueueDirectory()), metricsFactory: metrics)
            for i in 0..<3 { await tracker.track(action: "e\(i)", category: "usage") }
            #expect(await tracker.flush())
        }
        #expect(sink.requests.count == 1)
        #expect(try metrics.expectCounter("sextant_client_events_rejected_total").totalValue == 1)
        #expect(try metrics.expectCounter("sextant_client_events_delivered_total").totalValue == 2)
    }

    @Test func theByteCapDropsTheOldestAndCountsThem() async throws {
        let directory = temporaryQueueDirectory()
        let metrics = TestMetrics()
        var capped = configuration(try await deadServerURL(), directory, batchSize: 1, live: false)
        capped.maxEventBytes = 1024
        capped.maxBatchBytes = 1024
        capped.maxQueueBytes = 1024
        let tracker = try EventTracker(configuration: capped, metricsFactory: metrics, clock: RecordingClock())
        for i in 0..<6 { await tracker.track(action: "e\(i)", category: "usage") }
        let sizes = batchFiles(in: directory).map { (try? FileManager.default.attributesOfItem(atPath: directory + "/" + $0)[.size] as? Int) ?? 0 }
        #expect(sizes.reduce(0, +) <= 1024)
        #expect(sizes.count >= 1 && sizes.count < 6)
        #expect(dropped(metrics, "queue_full") == Int64(6 - sizes.count))
        #expect(await tracker.queuedBatches == sizes.count)
    }

    @Test func eventsBreakingALimitAreDroppedAndCounted() async throws {
        let metrics = TestMetrics()
        var small = configuration(try await deadServerURL(), temporaryQueueDirectory(), live: false)
        small.maxEventBytes = 1024
        small.maxBatchBytes = 1024
        let tracker = try EventTracker(configuration: small, metricsFactory: metrics, clock: RecordingClock())
        await tracker.track(action: "", category: "usage")
        await tracker.track(action: "nan", category: "usage", value: .nan)
        await tracker.track(action: "inf", category: "usage", properties: ["x": ["y": .number(.infinity)]])
        await tracker.track(action: "big", category: "usage", properties: ["blob": .string(String(repeating: "x", count: 2000))])
        var nested: EventProperty = 1
        for _ in 0..<9 { nested = [nested] }
        await tracker.track(action: "deep", category: "usage", properties: ["x": nested])
        await tracker.track(action: "key", category: "usage", properties: ["": 1])
        await tracker.track(action: "id", category: "usage", userId: String(repeating: "u", count: 201))
        await tracker.track(action: "fine", category: "usage", properties: ["x": [[[[[[[[1]]]]]]]]])
        #expect(await tracker.openEvents == 1)
        #expect(dropped(metrics, "invalid") == 7)
    }

    @Test func damagedAndHalfWrittenFilesAreHandled() async throws {
        let directory = temporaryQueueDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let damaged = "0000000000000001-2-0b5d3f0e-0000-4000-8000-000000000001.json"
        try Data("{\"batchId\":\"0b5d3f0e-00".utf8).write(to: URL(fileURLWithPath: directory + "/" + damaged))
        let leftover = "0000000000000002-1-0b5d3f0e-0000-4000-8000-000000000002.json.tmp"
        try Data("{".utf8).write(to: URL(fileURLWithPath: directory + "/" + leftover))
        let metrics = TestMetrics()
        let sink = EventSink()
        try await sink.serve { url in
            let tracker = try EventTracker(configuration: configuration(url, directory), metricsFactory: metrics)
            #expect(!FileManager.default.fileExists(atPath: directory + "/" + leftover))
            #expect(await tracker.queuedBatches == 1)
            await tracker.track(action: "after", category: "usage")
            #expect(await tracker.flush())
        }
        #expect(dropped(metrics, "unreadable") == 2)
        #expect(sink.storedEvents.map(\.action) == ["after"])
        #expect(batchFiles(in: directory).isEmpty)
    }

    @Test func badConfigurationIsRefusedWithAMessage() {
        var bad = configuration("ftp://example", temporaryQueueDirectory())
        #expect(throws: SextantClientError.self) { try EventTracker(configuration: bad) }
        for size in [0, 5001] {
            bad = configuration("http://127.0.0.1:1", temporaryQueueDirectory(), batchSize: size, live: false)
            #expect(throws: SextantClientError.self) { try EventTracker(configuration: bad) }
        }
        bad = configuration("http://127.0.0.1:1", temporaryQueueDirectory(), live: false)
        bad.maxQueueBytes = bad.maxBatchBytes - 1
        #expect(throws: SextantClientError.self) { try EventTracker(configuration: bad) }
    }
}
