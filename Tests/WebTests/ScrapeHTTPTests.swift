import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import NIOCore
import Testing
import TSDB
@testable import Web

/// Polls `condition` every 100 ms for up to `seconds`; true once it holds.
func eventually(_ seconds: Double = 30, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

/// A database in a fresh temporary directory, read back by metric name.
struct ScrapeTestDB {
    let dir = NSTemporaryDirectory() + "sextant-webscrape-\(UUID().uuidString)"
    let db: DB

    init() throws { db = try DB(directory: dir) }

    func cleanup() {
        try? db.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func series(_ name: String) throws -> [SeriesSamples] {
        try db.querier(mint: Int64.min, maxt: Int64.max).select([Matcher.equal(Labels.metricName, name)])
    }
}

/// Real HTTP targets served by Hummingbird on a loopback port, scraped by a real scrape manager.
@Suite struct ScrapeHTTPTests {
    static let text = "# TYPE a gauge\na{x=\"1\"} 1\na{x=\"2\"} 2\n"

    /// Routes that behave like good and bad exporters.
    static func targetRouter() throws -> Router<BasicRequestContext> {
        let router = Router()
        let plain: HTTPFields = [.contentType: "text/plain; version=0.0.4"]
        router.get("/metrics") { req, _ in
            let accept = req.headers[.accept] ?? ""
            let timeout = req.headers[HTTPField.Name("X-Prometheus-Scrape-Timeout-Seconds")!] ?? ""
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

    @Test func realTargetsGoodAndBad() async throws {
        let app = Application(router: try Self.targetRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let t = try ScrapeTestDB(); defer { t.cleanup() }
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
            self_scrape: false
            global: {scrape_interval: 1s, scrape_timeout: 500ms}
            scrape_configs:
            \(job("ok", "/metrics"))
            \(job("slow", "/slow"))
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
            let settings = try ScrapeSettings.parse(yaml: yaml, file: "test.yml")
            let manager = ScrapeManager(settings: settings, db: t.db)
            let run = Task { try await manager.run() }
            defer { run.cancel() }
            let allScraped = try await eventually {
                manager.targets().active.count == 11 && manager.targets().active.allSatisfy { $0.health != .unknown }
            }
            #expect(allScraped)
            let byJob = Dictionary(uniqueKeysWithValues: manager.targets().active.map { ($0.target.scrapePool, $0) })
            for name in ["ok", "gzip", "auth", "bearer"] {
                #expect(byJob[name]?.health == .up, "\(name): \(byJob[name]?.lastError ?? "missing")")
            }
            #expect(byJob["slow"]?.lastError.contains("timed out after 500ms") == true, "\(byJob["slow"]?.lastError ?? "")")
            #expect(byJob["bad"]?.lastError == "line 2, column 9: expected a label name, found \"2\"")
            #expect(byJob["big"]?.lastError.contains("body size limit exceeded") == true, "\(byJob["big"]?.lastError ?? "")")
            #expect(byJob["wrongauth"]?.lastError == "server returned HTTP status 401 Unauthorized")
            #expect(byJob["error"]?.lastError == "server returned HTTP status 500 Internal Server Error")
            #expect(byJob["unreachable"]?.lastError.contains("127.0.0.1:1") == true, "\(byJob["unreachable"]?.lastError ?? "")")
            #expect(byJob["limited"]?.lastError == "sample limit exceeded (3 samples, limit 2)")
            // The slow target got `up` = 0 and the others kept going meanwhile.
            let ups = try t.series("up")
            func up(_ job: String) -> [Double] { ups.first { $0.labels["job"] == job }?.samples.map(\.v) ?? [] }
            #expect(up("slow").allSatisfy { $0 == 0 } && !up("slow").isEmpty)
            #expect(up("ok").allSatisfy { $0 == 1 } && !up("ok").isEmpty)
            let seen = try t.series("headers_seen").first?.labels
            #expect(seen?["openmetrics_first"] == "true")
            #expect(seen?["timeout"] == "0.5")
            #expect(try t.series("zipped").first?.samples.first?.v == 7)
            #expect(try t.series("a").map { $0.labels["instance"] } == [host, host, host])
            run.cancel()
            try await run.value
        }
    }

    @Test func selfScrapeAndTargetsAPI() async throws {
        var server = TestServer(); defer { server.cleanup() }
        server.config.scrape.global.scrapeInterval = 500
        server.config.scrape.global.scrapeTimeout = 500
        server.config.scrape.global.scrapeIntervalSet = true
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
        try "self_scrape: false\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try server.config.load(yamlFile: path)
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
