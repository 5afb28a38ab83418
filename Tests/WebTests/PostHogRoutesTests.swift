import CompressNIO
import EventStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import NIOCore
import Testing
@testable import Web

@Suite struct PostHogRoutesTests {
    let event = #"{"api_key": "phc_test", "event": "signed_up", "distinct_id": "user-1", "properties": {"plan": "pro"}}"#

    @Test func everyCapturePathTakesGETAndPOST() async throws {
        let writer = FakeEventWriter()
        try await eventApp(writer).test(.router) { client in
            var n = 0
            for path in PostHogRoutes.capturePaths {
                for p in [path, path + "/"] {
                    n += 1
                    let body = event.replacingOccurrences(of: "signed_up", with: "post\(n)")
                    try await client.execute(uri: p, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) { r in
                        #expect(r.status == .ok, "\(p)")
                        #expect(String(buffer: r.body) == #"{"status":1}"#)
                    }
                    let data = Data(event.replacingOccurrences(of: "signed_up", with: "get\(n)").utf8).base64EncodedString()
                    let q = data.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                    try await client.execute(uri: "\(p)?data=\(q)", method: .get) { r in
                        #expect(r.status == .ok, "\(p)")
                    }
                }
            }
        }
        #expect(writer.events.count == 20)
        #expect(Set(writer.events.map(\.action)).count == 20)
    }

    @Test func compressionOptions() async throws {
        let writer = FakeEventWriter()
        try await eventApp(writer).test(.router) { client in
            var plain = ByteBuffer(string: "[\(event)]")
            let gz = try plain.compress(with: .gzip())
            try await client.execute(uri: "/e/?compression=gzip-js&ver=1.2.3&_=1767607200000", method: .post,
                                     headers: [.contentType: "text/plain"], body: gz) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/batch/", method: .post,
                                     headers: [.contentType: "application/json", .contentEncoding: "gzip"], body: gz) { r in
                #expect(r.status == .ok)
            }
            let lz = "NobwRApgbhB2AuYBcYAkAHAhgc2gSwgHcwAaMdAJwHt0IL4CBnZceKgazmTEwCMBjUmAAmeRg1j94AfTzDuAVwCMYAL6qAukA==="
            try await client.execute(uri: "/e/?compression=lz64", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "data=\(lz)")) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/i/v0/e/?beacon=1", method: .post, headers: [.contentType: "text/plain"],
                                     body: ByteBuffer(string: event)) { r in
                #expect(r.status == .noContent)
            }
        }
        #expect(writer.events.map(\.action) == ["signed_up", "signed_up", "$pageview", "signed_up"])
        #expect(writer.events[2].userId == "u1")
    }

    @Test func errorsInPostHogsShape() async throws {
        let writer = FakeEventWriter()
        var config = AnalyticsConfig()
        config.postHogAPIKeys = ["phc_test"]
        try await eventApp(writer, config: config).test(.router) { client in
            func post(_ body: String, path: String = "/batch/") async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) { r in
                    (r.status, (try? json(r.body)) ?? [:])
                }
            }
            var (status, doc) = try await post("{nope")
            #expect(status == .badRequest)
            #expect(doc["type"] as? String == "validation_error")
            #expect((doc["detail"] as? String)?.contains("failed to parse request") == true)
            (status, doc) = try await post(#"{"event": "x", "distinct_id": "u"}"#)
            #expect(status == .unauthorized)
            #expect(doc["detail"] as? String == "event submitted without an api_key")
            (status, _) = try await post(#"{"event": "x", "distinct_id": "u", "api_key": "phc_other"}"#)
            #expect(status == .unauthorized)
            (status, doc) = try await post(#"{"api_key": "phc_test", "batch": [{"event": "ok", "distinct_id": "u"}, {"event": "no-id"}]}"#)
            #expect(status == .badRequest)
            #expect(doc["detail"] as? String == "1 of 2 events not stored: event 1: distinct_id: event submitted without a distinct_id")
            (status, _) = try await post("", path: "/capture/")
            #expect(status == .badRequest)
            writer.fail(true)
            (status, _) = try await post(event)
            #expect(status == .serviceUnavailable)
        }
        #expect(writer.events.map(\.action) == ["ok"])
    }

    @Test func corsForBrowsers() async throws {
        try await eventApp(FakeEventWriter()).test(.router) { client in
            try await client.execute(uri: "/e/", method: .options,
                                     headers: [.origin: "https://shop.example", .accessControlRequestMethod: "POST"]) { r in
                #expect(r.headers[.accessControlAllowOrigin] == "https://shop.example")
                #expect(r.headers[.accessControlAllowMethods]?.contains("POST") == true)
            }
            try await client.execute(uri: "/e/", method: .post, headers: [.origin: "https://shop.example"], body: ByteBuffer(string: event)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.accessControlAllowOrigin] == "https://shop.example")
            }
        }
    }

    @Test(arguments: [
        ("/decide/?v=3", ["featureFlags", "featureFlagPayloads", "errorsWhileComputingFlags", "sessionRecording"]),
        ("/decide/?v=2", ["featureFlags", "supportedCompression"]),
        ("/decide/", ["featureFlags", "config"]),
        ("/decide/?v=4", ["flags", "errorsWhileComputingFlags", "siteApps"]),
        ("/flags/?v=2", ["flags", "errorsWhileComputingFlags", "requestId"]),
        ("/flags/?v=2&config=true", ["flags", "surveys", "heatmaps"]),
        ("/flags", ["flags", "sessionRecording"]),
        ("/flags/?v=1", ["featureFlags", "featureFlagPayloads"]),
        ("/array/phc_test/config", ["token", "hasFeatureFlags", "sessionRecording"]),
    ])
    func flagsAnswerEmpty(uri: String, keys: [String]) async throws {
        try await eventApp(FakeEventWriter()).test(.router) { client in
            for method in [HTTPRequest.Method.get, .post] where !uri.hasPrefix("/array") || method == .get {
                try await client.execute(uri: uri, method: method, body: ByteBuffer(string: #"{"token":"phc_test","distinct_id":"u"}"#)) { r in
                    #expect(r.status == .ok)
                    let doc = try json(r.body)
                    for k in keys { #expect(doc[k] != nil, "\(uri) lacks \(k)") }
                    if let flags = doc["flags"] as? [String: Any] { #expect(flags.isEmpty) }
                    if let flags = doc["featureFlags"] as? [String: Any] { #expect(flags.isEmpty) }
                    if let flags = doc["featureFlags"] as? [Any] { #expect(flags.isEmpty) }
                    #expect(doc["sessionRecording"] == nil || doc["sessionRecording"] as? Bool == false)
                }
            }
        }
    }
}
