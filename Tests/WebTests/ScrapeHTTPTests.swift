import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import NIOCore
import Synchronization
import Testing
import TSDB
@testable import Web

/// Real HTTP targets served by Hummingbird on a loopback port, scraped by a real scrape manager.
@Suite struct ScrapeHTTPTests {
    static let text = "# TYPE a gauge\na{x=\"1\"} 1\na{x=\"2\"} 2\n"

    /// Routes that behave like good and bad exporters.
    static func targetRouter() throws -> Router<BasicRequestContext> {
        let router = Router()
        let plain: HTTPFields = [.contentType: "text/plain; version=0.0.4"]
        router.get("/metrics") { req, _ in
            let accept = req.headers[.accept] ?? ""
            let timeout = req.headers[.init("X-Prometheus-Scrape-Timeout-Seconds")!] ?? ""
            let echo = "headers_seen{openmetrics_first=\"\(accept.hasPrefix("application/openmetrics-text;version=1.0.0"))\",timeout=\"\(timeout)\"} 1\n"
            return Response(status: .ok, headers: plain, body: .init(byteBuffer: ByteBuffer(string: text + echo)))
        }
        router.get("/slow") { _, _ in
            try await Task.sleep(for: .seconds(3))
            return Response(status: .ok, headers: plain, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/bad") { _, _ in
            Response(status: .ok, headers: plain, body: .init(byteBuffer: ByteBuffer(string: "ok 1\nbroken{ 2\n")))
        }
        var raw = ByteBuffer(string: (0..<2000).map { "z{i=\"\($0)\"} 1\n" }.joined() + "zipped 7\n")
        let zipped = try raw.compress(with: .gzip())
        router.get("/gzip") { req, _ in
            guard req.headers[.acceptEncoding]?.contains("gzip") == true else { return Response(status: .notAcceptable) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4", .contentEncoding: "gzip"],
                            body: .init(byteBuffer: zipped))
        }
        router.get("/big") { _, _ in
            Response(status: .ok, headers: plain, body: .init(byteBuffer: ByteBuffer(string: String(repeating: "x 1\n", count: 10_000))))
        }
        router.get("/auth") { req, _ in
            let expected = "Basic " + Data("user:secret".utf8).base64EncodedString()
            guard req.headers[.authorization] == expected else { return Response(status: .unauthorized) }
            return Response(status: .ok, headers: plain, body: .init(byteBuffer: ByteBuffer(string: "authed 1\n")))
        }
        router.get("/bearer") { req, _ in
            guard req.headers[.authorization] == "Bearer tok" else { return Response(status: .unauthorized) }
            return Response(status: .ok, headers: plain, body: .init(byteBuffer: ByteBuffer(string: "bearer_ok 1\n")))
        }
        router.get("/error") { _, _ in Response(status: .internalServerError) }
        return router
    }

    /// Good and bad targets scraped by a whole server: each bad one is `up` 0 with a clear
    /// `lastError` in `/api/v1/targets`, and none of them stops the good ones. Timeouts are
    /// generous (3 s) but for the slow target's, so a loaded machine does not turn a 401 into
    /// a timeout.
    @Test func realTargetsGoodAndBad() async throws {
        let app = Application(router: try Self.targetRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { targetClient in
            let port = try #require(targetClient.port)
            let host = "127.0.0.1:\(port)"
            func job(_ name: String, _ path: String, _ extra: String = "", target: String? = nil) -> String {
                """
                  - job_name: \(name)
                    metrics_path: \(path)
                    static_configs: [{targets: ['\(target ?? host)']}]
                \(extra)
                """
            }
            let yaml = """
            global: {scrape_interval: 3s, scrape_timeout: 3s}
            scrape_configs:
            \(job("ok", "/metrics"))
            \(job("slow", "/slow", "    scrape_timeout: 500ms"))
            \(job("bad", "/bad"))
            \(job("gzip", "/gzip"))
            \(job("big", "/big", "    body_size_limit: 1KB"))
            \(job("auth", "/auth", "    basic_auth: {username: user, password: secret}"))
            \(job("wrongauth", "/auth", "    basic_auth: {username: user, password: nope}"))
            \(job("bearer", "/bearer", "    authorization: {credentials: tok}"))
            \(job("error", "/error"))
            \(job("unreachable", "/metrics", target: "127.0.0.1:1"))
            \(job("limited", "/metrics", "    sample_limit: 2"))
            """
            try await withScrapingServer(yaml) { client in
                var byJob: [String: [String: Any]] = [:]
                let allScraped = try await eventually(60) {
                    let active = (try await client.data("/api/v1/targets") as? [String: Any])?["activeTargets"] as? [[String: Any]] ?? []
                    byJob = Dictionary(active.map { ($0["scrapePool"] as? String ?? "", $0) }) { a, _ in a }
                    return active.count == 11 && active.allSatisfy { $0["health"] as? String != "unknown" }
                }
                #expect(allScraped, "\(byJob)")
                func lastError(_ job: String) -> String { byJob[job]?["lastError"] as? String ?? "missing" }
                for name in ["ok", "gzip", "auth", "bearer"] {
                    #expect(byJob[name]?["health"] as? String == "up", "\(name): \(lastError(name))")
                }
                for name in ["slow", "bad", "big", "wrongauth", "error", "unreachable", "limited"] {
                    #expect(byJob[name]?["health"] as? String == "down", "\(name)")
                }
                #expect(lastError("slow").contains("timed out after 500ms"), "\(lastError("slow"))")
                #expect(lastError("bad") == "line 2, column 9: expected a label name, found \"2\"")
                #expect(lastError("big").contains("body size limit exceeded"), "\(lastError("big"))")
                #expect(lastError("wrongauth") == "server returned HTTP status 401 Unauthorized")
                #expect(lastError("error") == "server returned HTTP status 500 Internal Server Error")
                #expect(lastError("unreachable").contains("127.0.0.1:1"), "\(lastError("unreachable"))")
                #expect(lastError("limited") == "sample limit exceeded (3 samples, limit 2)")
                // Every failing target was `up` 0 at every scrape, and the good ones kept going
                // meanwhile at 1.
                let everUp = try await client.vector("max_over_time(up[10m])")
                let everDown = try await client.vector("min_over_time(up[10m])")
                func value(_ v: PromVector, _ job: String) -> Double? { v.first { $0.labels["job"] == job }?.value }
                for name in ["slow", "bad", "big", "wrongauth", "error", "unreachable", "limited"] {
                    #expect(value(everUp, name) == 0, "\(name)")
                }
                for name in ["ok", "gzip", "auth", "bearer"] {
                    #expect(value(everDown, name) == 1, "\(name)")
                }
                // Nothing of a failed scrape is stored but its report series.
                #expect(try await client.vector(#"{job=~"bad|big|limited", __name__!~"up|scrape_.+"}"#).isEmpty)
                let seen = try await client.vector(#"headers_seen{job="ok"}"#).first?.labels
                #expect(seen?["openmetrics_first"] == "true")
                #expect(seen?["timeout"] == "3")
                #expect(try await client.vector("zipped").first?.value == 7)
                #expect(try await client.vector("authed").map(\.value) == [1])
                #expect(try await client.vector("bearer_ok").map(\.value) == [1])
                let a = try await client.vector(#"a{job="ok"}"#)
                #expect(a.map { $0.labels["x"] ?? "" }.sorted() == ["1", "2"])
                #expect(a.allSatisfy { $0.labels["instance"] == host })
            }
        }
    }

    /// File discovery and staleness seen through PromQL: a series the target stops exposing and
    /// a target removed from the file vanish from instant queries at once (a stale marker, not
    /// the 5-minute lookback), and a target added to the file is scraped.
    @Test func fileDiscoveryReloadAndStaleness() async throws {
        final class Body: Sendable { let text = Mutex("a 1\nb 2\n") }
        let body = Body()
        let router = Router()
        router.get("/varying") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: body.text.withLock { $0 })))
        }
        let dir = NSTemporaryDirectory() + "sextant-filesd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { targetClient in
            let host = "127.0.0.1:\(try #require(targetClient.port))"
            let writeTargets: @Sendable (String) throws -> Void = { json in
                try json.write(toFile: dir + "/targets.json", atomically: true, encoding: .utf8)
            }
            try writeTargets(#"[{"targets": ["\#(host)"], "labels": {"team": "x"}}]"#)
            let yaml = """
            global: {scrape_interval: 1s, scrape_timeout: 1s}
            scrape_configs:
              - job_name: sd
                metrics_path: /varying
                file_sd_configs: [{files: ['\(dir)/*.json']}]
            """
            try await withScrapingServer(yaml) { client in
                let b = try await client.eventuallyVector("b")
                #expect(b.map(\.labels) == [["__name__": "b", "job": "sd", "instance": host, "team": "x"]])
                // The target stops exposing `b`: the next scrape marks it stale.
                body.text.withLock { $0 = "a 3\n" }
                #expect(try await eventually(60) { try await client.vector("b").isEmpty })
                #expect(try await client.vector("a").map(\.value) == [3])
                // The target leaves the file: its loop ends and marks all its series stale.
                try writeTargets("[]")
                let gone = try await eventually(60) {
                    let a = try await client.vector("a"), up = try await client.vector("up")
                    return a.isEmpty && up.isEmpty
                }
                #expect(gone)
                let active = (try await client.data("/api/v1/targets") as? [String: Any])?["activeTargets"] as? [Any]
                #expect(active?.isEmpty == true)
                // Back, with other labels: a new target.
                try writeTargets(#"[{"targets": ["\#(host)"], "labels": {"team": "y"}}]"#)
                let again = try await client.eventuallyVector("a")
                #expect(again.map { $0.labels["team"] } == ["y"])
            }
        }
    }

    @Test func selfScrapeAndTargetsAPI() async throws {
        var server = TestServer(); defer { server.cleanup() }
        server.config.collectSelf = true
        server.config.collectInterval = .milliseconds(500)
        server.config.scrape.global.scrapeTimeout = 500
        let app = try await buildApplication(server.config)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let found = try await eventually {
                try await client.execute(uri: "/api/v1/query?query=up%7Bjob%3D%22sextant%22%7D", method: .get) { r in
                    let result = ((try json(r.body))["data"] as? [String: Any])?["result"] as? [[String: Any]]
                    return (result?.first?["value"] as? [Any])?.last as? String == "1"
                }
            }
            #expect(found)
            try await client.execute(uri: "/api/v1/targets", method: .get) { r in
                let data = try #require((try json(r.body))["data"] as? [String: Any])
                let active = try #require(data["activeTargets"] as? [[String: Any]])
                let t = try #require(active.first)
                #expect(t["scrapePool"] as? String == "sextant")
                #expect(t["scrapeUrl"] as? String == "http://127.0.0.1:\(port)/metrics")
                #expect(t["health"] as? String == "up")
                #expect(t["lastError"] as? String == "")
                #expect(t["scrapeInterval"] as? String == "500ms")
                #expect((t["labels"] as? [String: String]) == ["job": "sextant", "instance": "127.0.0.1:\(port)"])
                #expect((t["discoveredLabels"] as? [String: String])?["__address__"] == "127.0.0.1:\(port)")
                #expect((t["lastScrape"] as? String)?.hasPrefix("20") == true)
                #expect(t["lastScrapeDuration"] is Double)
                #expect((data["droppedTargets"] as? [Any])?.isEmpty == true)
                #expect((data["droppedTargetCounts"] as? [String: Int]) == ["sextant": 0])
            }
            try await client.execute(uri: "/api/v1/targets?state=dropped", method: .get) { r in
                let data = try #require((try json(r.body))["data"] as? [String: Any])
                #expect((data["activeTargets"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/api/v1/targets?state=bogus", method: .get) { r in
                #expect(r.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/targets/metadata?match_target=%7Bjob%3D%22sextant%22%7D", method: .get) { r in
                let rows = try #require((try json(r.body))["data"] as? [[String: Any]])
                #expect(!rows.isEmpty)
                #expect(rows.allSatisfy { ($0["target"] as? [String: String])?["job"] == "sextant" })
            }
        }
    }

    @Test func selfScrapeCanBeTurnedOff() async throws {
        var server = TestServer(); defer { server.cleanup() }
        let path = server.dir + ".yml"
        try "collect_self: false\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        server.config.collectSelf = true
        try server.config.load(yamlFile: path)
        #expect(!server.config.collectSelf)
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/targets", method: .get) { r in
                let data = try #require((try json(r.body))["data"] as? [String: Any])
                #expect((data["activeTargets"] as? [Any])?.isEmpty == true)
                #expect((data["droppedTargetCounts"] as? [String: Int]) == [:])
            }
        }
    }
}
