import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Web

@Suite struct RemoteWriteTests {
    @Test func writeThenReadBackThroughTheAPI() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            let body = writeBody([
                (["__name__": "up", "job": "node", "instance": "a:9100"], [(t0, 1), (t0 + 15_000, 1)]),
                (["__name__": "up", "job": "node", "instance": "b:9100"], [(t0, 0)]),
                (["__name__": "node_load1", "job": "node", "instance": "a:9100"], [(t0, 0.5)]),
            ])
            try await client.execute(uri: "/api/v1/write", method: .post, headers: remoteWriteHeaders, body: body) { r in
                #expect(r.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/series?match[]=up", method: .get) { r in
                #expect(r.status == .ok)
                let doc = try json(r.body)
                #expect(doc["status"] as? String == "success")
                let data = doc["data"] as? [[String: String]] ?? []
                #expect(data.count == 2)
                #expect(data.first?["instance"] == "a:9100")
            }
            try await client.execute(uri: "/api/v1/labels", method: .get) { r in
                let data = try json(r.body)["data"] as? [String]
                #expect(data == ["__name__", "instance", "job"])
            }
            try await client.execute(uri: "/api/v1/label/__name__/values", method: .get) { r in
                let data = try json(r.body)["data"] as? [String]
                #expect(data == ["node_load1", "up"])
            }
            try await client.execute(uri: "/api/v1/label/instance/values?match[]=node_load1", method: .get) { r in
                let data = try json(r.body)["data"] as? [String]
                #expect(data == ["a:9100"])
            }
            let q = "match[]=" + "{__name__=\"up\",instance=\"a:9100\"}".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: "/api/v1/export?" + q, method: .get) { r in
                #expect(r.status == .ok)
                let lines = String(buffer: r.body).split(separator: "\n")
                #expect(lines.count == 1)
                let line = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
                #expect((line?["timestamps"] as? [Int64]) == [t0, t0 + 15_000])
                #expect((line?["values"] as? [Double]) == [1, 1])
            }
            // Time range: series with no data inside it are not listed.
            try await client.execute(uri: "/api/v1/series?match[]=up&start=\(t0 / 1000 + 5)&end=\(t0 / 1000 + 20)", method: .get) { r in
                let data = try json(r.body)["data"] as? [[String: String]] ?? []
                #expect(data.count == 1)
            }
        }
    }

    @Test(arguments: [
        ("garbage body", ByteBuffer(string: "definitely not snappy"), "cannot decode"),
        ("truncated snappy", ByteBuffer(bytes: Array(writeBody([(["__name__": "x"], [(t0, 1)])]).readableBytesView.dropLast(3))), "cannot decode"),
    ])
    func badBodiesAreRefused(name: String, body: ByteBuffer, expected: String) async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/write", method: .post, headers: remoteWriteHeaders, body: body) { r in
                #expect(r.status == .badRequest)
                let doc = try json(r.body)
                #expect(doc["errorType"] as? String == "bad_data")
                #expect((doc["error"] as? String ?? "").contains(expected))
            }
        }
    }

    @Test func wrongEncodingIsRefused() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            var headers = remoteWriteHeaders
            headers[.contentEncoding] = "gzip"
            try await client.execute(uri: "/api/v1/write", method: .post, headers: headers, body: writeBody([])) { r in
                #expect(r.status == .badRequest)
                #expect(String(buffer: r.body).contains("Content-Encoding"))
            }
        }
    }

    @Test func oversizedBodyIsRefused() async throws {
        var server = TestServer(); defer { server.cleanup() }
        server.config.limits.maxBodyBytes = 1000
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            let big = ByteBuffer(bytes: [UInt8](repeating: 0, count: 5000))
            try await client.execute(uri: "/api/v1/write", method: .post, headers: remoteWriteHeaders, body: big) { r in
                #expect(r.status == .contentTooLarge)
            }
        }
    }

    @Test func badSeriesAreNamedAndGoodOnesStored() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            let future = Int64(Date().timeIntervalSince1970 * 1000) + 7 * 86_400_000
            let body = writeBody([
                (["__name__": "good", "job": "a"], [(t0, 1)]),
                (["job": "nameless"], [(t0, 1)]),
                (["__name__": "absurd", "": "x"], [(t0, 1)]),
                (["__name__": "late", "job": "a"], [(future, 1)]),
                (["__name__": "nan", "job": "a"], [(t0, .nan), (t0 + 1, .infinity), (t0 + 2, -.infinity)]),
            ])
            try await client.execute(uri: "/api/v1/write", method: .post, headers: remoteWriteHeaders, body: body) { r in
                #expect(r.status == .badRequest)
                let msg = try json(r.body)["error"] as? String ?? ""
                #expect(msg.contains("stored 4 of 7 samples"))
                #expect(msg.contains("nameless"))
                #expect(msg.contains("late"))
            }
            try await client.execute(uri: "/api/v1/label/__name__/values", method: .get) { r in
                let data = try json(r.body)["data"] as? [String]
                #expect(data == ["good", "nan"])
            }
        }
    }

    @Test func snapshotAnswersWithItsName() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/write", method: .post, headers: remoteWriteHeaders,
                                     body: writeBody([(["__name__": "s"], [(t0, 1)])])) { r in
                #expect(r.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/admin/tsdb/snapshot", method: .post) { r in
                #expect(r.status == .ok)
                let doc = try json(r.body)
                let name = (doc["data"] as? [String: String])?["name"] ?? ""
                #expect(!name.isEmpty)
                #expect(FileManager.default.fileExists(atPath: server.dir + "/snapshots/" + name))
            }
        }
    }

    @Test func healthReadyAndMetrics() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await client.execute(uri: "/-/ready", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/-/healthy", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/write", method: .post, headers: remoteWriteHeaders,
                                     body: writeBody([(["__name__": "m"], [(t0, 1)])])) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(text.contains("sextant_tsdb_samples_appended_total"))
                #expect(text.contains("sextant_tsdb_head_series"))
                #expect(text.contains("http_server_request"))
            }
        }
    }

    @Test func badQueryParametersAreRefused() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            for uri in ["/api/v1/series", "/api/v1/series?match[]={", "/api/v1/series?match[]={a=\"\"}",
                        "/api/v1/series?match[]=up&start=yesterday", "/api/v1/series?match[]=up&start=10&end=5",
                        "/api/v1/series?match[]={a=~\"(\"}"] {
                try await client.execute(uri: uri, method: .get) { r in
                    let doc = try json(r.body)
                    #expect(r.status == .badRequest, "\(uri)")
                    #expect(doc["errorType"] as? String == "bad_data")
                }
            }
        }
    }
}
