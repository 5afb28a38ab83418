import CompressNIO
import EventStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import MetricsTestKit
import NIOCore
import Testing
@testable import Web

@Suite struct EventRoutesTests {
    let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    @Test func storesTheGoodEventsAndNamesTheBadOnes() async throws {
        let writer = FakeEventWriter()
        let metrics = TestMetrics()
        let events: [[String: Any]] = [
            nativeEventJSON(id: "e1"),
            ["id": "e2", "timestamp": "not a time"],
            nativeEventJSON(id: "e3", canTrack: false),
            nativeEventJSON(id: "e4", canProfile: false),
            nativeEventJSON(id: "e5", timestamp: "2026-02-01T00:00:00Z"),
        ]
        let body = jsonBody(["events": events, "batchId": "b1", "clientTimestamp": "2026-01-05T10:00:01Z"])
        try await eventApp(writer, metrics: metrics).test(.router) { client in
            try await client.execute(uri: "/api/analytics/events", method: .post, headers: jsonHeaders, body: body) { r in
                #expect(r.status == .ok)
                let doc = try json(r.body)
                #expect(doc["accepted"] as? Int == 3)
                #expect(doc["rejected"] as? Int == 2)
                #expect(doc["duplicates"] as? Int == 0)
                #expect(doc["dropped"] as? Int == 1)
                #expect(doc["batchId"] as? String == "b1")
                let errors = doc["errors"] as? [[String: Any]] ?? []
                #expect(errors.map { $0["index"] as? Int } == [1, 4])
                #expect(errors.map { $0["field"] as? String } == ["timestamp", "timestamp"])
                #expect((errors.first?["message"] as? String)?.contains("RFC 3339") == true)
            }
        }
        #expect(writer.events.map(\.id) == ["e1", "e4"])
        #expect(writer.events.map(\.userId) == ["u0000001", nil])
        #expect(try metrics.expectCounter("sextant_events_dropped_total", [("reason", "no_consent")]).totalValue == 1)
        #expect(try metrics.expectCounter("sextant_events_rejected_total").totalValue == 2)
        #expect(try metrics.expectCounter("sextant_events_stored_total").totalValue == 2)
    }

    @Test func retriedBatchesAndEventsAreNotCountedTwice() async throws {
        let writer = FakeEventWriter()
        try await eventApp(writer).test(.router) { client in
            let body = jsonBody(["events": [nativeEventJSON(id: "a"), nativeEventJSON(id: "b")], "batchId": "same"])
            for _ in 0..<2 {
                try await client.execute(uri: "/api/analytics/events", method: .post, headers: jsonHeaders, body: body) { r in
                    #expect(r.status == .ok)
                }
            }
            try await client.execute(uri: "/api/analytics/events", method: .post, headers: jsonHeaders, body: body) { r in
                let doc = try json(r.body)
                #expect(doc["accepted"] as? Int == 2)
                #expect(doc["duplicates"] as? Int == 2)
            }
            // The same events in a new batch: duplicates by id.
            try await client.execute(uri: "/api/analytics/events", method: .post, headers: jsonHeaders,
                                     body: jsonBody(["events": [nativeEventJSON(id: "a"), nativeEventJSON(id: "c")]])) { r in
                let doc = try json(r.body)
                #expect(doc["accepted"] as? Int == 2)
                #expect(doc["duplicates"] as? Int == 1)
            }
        }
        #expect(writer.events.map(\.id) == ["a", "b", "c"])
    }

    @Test func refusalsOfTheStoreAreReportedPerEvent() async throws {
        let writer = FakeEventWriter()
        var refused = nativeEventJSON(id: "r")
        refused["action"] = "refused-by-store"
        let body = jsonBody(["events": [nativeEventJSON(id: "ok"), refused]])
        try await eventApp(writer).test(.router) { client in
            try await client.execute(uri: "/api/analytics/events", method: .post, headers: jsonHeaders, body: body) { r in
                let doc = try json(r.body)
                #expect(doc["accepted"] as? Int == 1)
                #expect(doc["rejected"] as? Int == 1)
                let errors = doc["errors"] as? [[String: Any]] ?? []
                #expect(errors.first?["index"] as? Int == 1)
                #expect(errors.first?["message"] as? String == "event r: action refused by the store")
            }
            try await client.execute(uri: "/batch/", method: .post, headers: jsonHeaders,
                                     body: jsonBody(["batch": [["event": "refused-by-store", "distinct_id": "u"]]])) { r in
                #expect(r.status == .badRequest)
            }
        }
        #expect(writer.events.map(\.id) == ["ok"])
    }

    /// The same through Sextant's real event store: retries stored once, persons merged.
    @Test func realStoreKeepsRetriesOnceAndMergesPersons() async throws {
        let dir = NSTemporaryDirectory() + "sextant-events-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try EventStore(directory: dir)
        defer { try? store.close() }
        let t = Timestamp.format(EventSink.wallClock() - 60_000)
        let events = [nativeEventJSON(id: "a", timestamp: t), nativeEventJSON(id: "b", canTrack: false, timestamp: t),
                      nativeEventJSON(id: "c", user: "u2", canProfile: false, timestamp: t)]
        let once = jsonBody(["events": events, "batchId": "once"]), again = jsonBody(["events": events])
        let identify = jsonBody(["batch": [["event": "$identify", "distinct_id": "u0000001", "properties": ["$anon_distinct_id": "anon-7"]]]])
        try await eventApp(store, now: EventSink.wallClock).test(.router) { client in
            for expected in [0, 2] {
                try await client.execute(uri: "/api/analytics/events", method: .post, headers: jsonHeaders, body: once) { r in
                    let doc = try json(r.body)
                    #expect(doc["accepted"] as? Int == 3)
                    #expect(doc["duplicates"] as? Int == expected)
                }
            }
            try await client.execute(uri: "/api/analytics/events", method: .post, headers: jsonHeaders, body: again) { r in
                let doc = try json(r.body)
                #expect(doc["duplicates"] as? Int == 2)
            }
            try await client.execute(uri: "/batch/", method: .post, headers: jsonHeaders, body: identify) { r in
                #expect(r.status == .ok)
            }
        }
        let stored = store.blocks(from: nil, to: nil).reduce(0) { $0 + $1.count }
        #expect(stored == 3)
        let person = try #require(store.users.id(of: "u0000001"))
        #expect(store.users.id(of: "anon-7") == person)
    }

    @Test func compressedBodies() async throws {
        let writer = FakeEventWriter()
        try await eventApp(writer).test(.router) { client in
            for (name, algorithm) in [("gzip", CompressionAlgorithm.gzip()), ("deflate", .zlib())] {
                var plain = jsonBody(["events": [nativeEventJSON(id: name)]])
                let body = try plain.compress(with: algorithm)
                try await client.execute(uri: "/api/analytics/events", method: .post,
                                         headers: [.contentType: "application/json", .contentEncoding: name], body: body) { r in
                    #expect(r.status == .ok)
                    let doc = try json(r.body)
                    #expect(doc["accepted"] as? Int == 1)
                }
            }
        }
        #expect(writer.events.map(\.id) == ["gzip", "deflate"])
    }

    @Test func statusCodes() async throws {
        let writer = FakeEventWriter()
        var config = AnalyticsConfig()
        config.limits = EventLimits(maxBodyBytes: 4096, maxEventsPerBatch: 2)
        try await eventApp(writer, config: config).test(.router) { client in
            func post(_ body: ByteBuffer, _ headers: HTTPFields = [.contentType: "application/json"]) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: "/api/analytics/events", method: .post, headers: headers, body: body) { r in
                    (r.status, String(buffer: r.body))
                }
            }
            var (status, text) = try await post(ByteBuffer(string: "{\"events\": [}"))
            #expect(status == .badRequest)
            #expect(text.contains("at byte 12"))
            (status, _) = try await post(ByteBuffer(string: "[1]"))
            #expect(status == .badRequest)
            (status, text) = try await post(jsonBody(["events": (0..<3).map { nativeEventJSON(id: "e\($0)") }]))
            #expect(status == .contentTooLarge)
            #expect(text.contains("more than 2 events"))
            (status, _) = try await post(ByteBuffer(string: String(repeating: " ", count: 5000)))
            #expect(status == .contentTooLarge)
            (status, _) = try await post(jsonBody(["events": []]), [.contentType: "application/xml"])
            #expect(status == .unsupportedMediaType)
            (status, _) = try await post(jsonBody(["events": []]), [.contentType: "application/json", .contentEncoding: "br"])
            #expect(status == .unsupportedMediaType)
            (status, _) = try await post(ByteBuffer(string: "not gzip"), [.contentType: "application/json", .contentEncoding: "gzip"])
            #expect(status == .badRequest)
            // Every event refused: still 200, the reasons in the body.
            (status, text) = try await post(jsonBody(["events": [["id": 1]]]))
            #expect(status == .ok)
            #expect(text.contains("\"rejected\":1"))
            writer.fail(true)
            (status, _) = try await post(jsonBody(["events": [nativeEventJSON(id: "x")]]))
            #expect(status == .serviceUnavailable)
        }
        #expect(writer.events.isEmpty)
    }

    @Test func pseudonymisationAndScrubbingFromConfig() async throws {
        let writer = FakeEventWriter()
        var config = AnalyticsConfig()
        config.pseudonymizeKey = "k3y"
        config.scrubKeys = ["secret"]
        config.storeIP = true
        try await eventApp(writer, config: config).test(.live) { client in
            let body = jsonBody(["events": [nativeEventJSON(id: "p", properties: ["Secret": "x", "email": "kept@x"])]])
            try await client.execute(uri: "/api/analytics/events", method: .post, headers: jsonHeaders, body: body) { r in
                #expect(r.status == .ok)
            }
        }
        let e = try #require(writer.events.first)
        #expect(e.userId == config.privacy.pseudonymize("u0000001"))
        #expect(e.properties["Secret"] == nil)
        #expect(e.properties["email"] == .string("kept@x"))
        #expect(e.properties["$ip"] == .string("127.0.0.1"))
        #expect(!"\(config)".contains("k3y"))
    }

    @Test func buildApplicationServesEventsWhenGivenAWriter() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let writer = FakeEventWriter()
        let app = try await buildApplication(server.config, eventWriter: writer)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/analytics/events", method: .post, headers: jsonHeaders,
                                     body: jsonBody(["events": [nativeEventJSON(id: "w", timestamp: Timestamp.format(EventSink.wallClock() - 1000))]])) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/batch/", method: .post, headers: jsonHeaders,
                                     body: jsonBody(["api_key": "k", "batch": [["event": "e", "distinct_id": "d"]]])) { r in
                #expect(r.status == .ok)
            }
        }
        #expect(writer.events.map(\.action) == ["screen_view", "e"])
    }
}
