import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Web

/// Bottlenecks, suggestions and health end to end, over ten minutes of a small system stored
/// through remote-write: an API on web-1 with a slow, failing /search, a fast home page and a
/// report endpoint (request-duration histograms and request counters by handler and code), and
/// node_exporter metrics for web-1 (CPU-bound) and db-1 (memory and /var nearly full, a busy
/// disk, its postgres exporter down).
@Suite struct InsightsSystemTests {
    static let step: Int64 = 15_000
    /// The snapshot's time: the last sample.
    static let end = t0 + 40 * step
    static let bounds = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]

    struct Endpoint {
        let handler: String
        /// Requests per second, 5xx per second, mean duration in seconds.
        let rate: Double, errors: Double, mean: Double
        /// Fraction of requests at or below each bound.
        let cumulative: [Double]
    }

    static let endpoints = [
        Endpoint(handler: "/search", rate: 10, errors: 1.5, mean: 1.0,
                 cumulative: [0, 0, 0, 0, 0.05, 0.1, 0.3, 0.6, 0.95, 1, 1, 1]),
        Endpoint(handler: "/", rate: 50, errors: 0, mean: 0.008,
                 cumulative: [0.3, 0.8, 0.99, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
        Endpoint(handler: "/api/report", rate: 1, errors: 0, mean: 0.3,
                 cumulative: [0, 0, 0, 0, 0, 0.5, 0.9, 1, 1, 1, 1, 1]),
    ]

    /// Counters growing linearly, so every rate over the window is exactly its slope.
    static func counter(_ labels: [String: String], perSecond: Double) -> StoredSeries {
        (labels, (0...40).map { i in (t0 + Int64(i) * step, perSecond * Double(i) * Double(step) / 1000) })
    }

    static func gauge(_ labels: [String: String], _ value: Double) -> StoredSeries {
        (labels, (0...40).map { i in (t0 + Int64(i) * step, value) })
    }

    static func system() -> [StoredSeries] {
        var out: [StoredSeries] = []
        let app = ["job": "api", "instance": "web-1:8080"]
        for e in endpoints {
            let base = app.merging(["handler": e.handler]) { a, _ in a }
            for (le, fraction) in zip(bounds, e.cumulative) {
                out.append(counter(base.merging(["__name__": "http_request_duration_seconds_bucket", "le": le]) { a, _ in a },
                                   perSecond: e.rate * fraction))
            }
            out.append(counter(base.merging(["__name__": "http_request_duration_seconds_sum"]) { a, _ in a }, perSecond: e.rate * e.mean))
            out.append(counter(base.merging(["__name__": "http_request_duration_seconds_count"]) { a, _ in a }, perSecond: e.rate))
            out.append(counter(base.merging(["__name__": "http_requests_total", "code": "200"]) { a, _ in a }, perSecond: e.rate - e.errors))
            if e.errors > 0 {
                out.append(counter(base.merging(["__name__": "http_requests_total", "code": "500"]) { a, _ in a }, perSecond: e.errors))
            }
        }
        for (instance, idle) in [("web-1:9100", 0.03), ("db-1:9100", 0.8)] {
            for cpu in ["0", "1"] {
                let labels = ["job": "node", "instance": instance, "cpu": cpu]
                out.append(counter(labels.merging(["__name__": "node_cpu_seconds_total", "mode": "idle"]) { a, _ in a }, perSecond: idle))
                out.append(counter(labels.merging(["__name__": "node_cpu_seconds_total", "mode": "user"]) { a, _ in a }, perSecond: 1 - idle))
            }
        }
        for (instance, available) in [("web-1:9100", 8e9), ("db-1:9100", 1e9)] {
            out.append(gauge(["__name__": "node_memory_MemAvailable_bytes", "job": "node", "instance": instance], available))
            out.append(gauge(["__name__": "node_memory_MemTotal_bytes", "job": "node", "instance": instance], 16e9))
        }
        for (instance, mount, available) in [("web-1:9100", "/", 40e9), ("db-1:9100", "/", 60e9), ("db-1:9100", "/var", 4e9)] {
            let labels = ["job": "node", "instance": instance, "mountpoint": mount, "fstype": "ext4", "device": "/dev/sda1"]
            out.append(gauge(labels.merging(["__name__": "node_filesystem_avail_bytes"]) { a, _ in a }, available))
            out.append(gauge(labels.merging(["__name__": "node_filesystem_size_bytes"]) { a, _ in a }, 100e9))
            // A tmpfs is not a disk: nearly full, and left out.
            if mount == "/" {
                let tmp = ["job": "node", "instance": instance, "mountpoint": "/run", "fstype": "tmpfs", "device": "tmpfs"]
                out.append(gauge(tmp.merging(["__name__": "node_filesystem_avail_bytes"]) { a, _ in a }, 1e6))
                out.append(gauge(tmp.merging(["__name__": "node_filesystem_size_bytes"]) { a, _ in a }, 1e9))
            }
        }
        out.append(counter(["__name__": "node_disk_io_time_seconds_total", "job": "node", "instance": "db-1:9100", "device": "sda"],
                           perSecond: 0.85))
        for (job, instance, up) in [("api", "web-1:8080", 1.0), ("node", "web-1:9100", 1), ("node", "db-1:9100", 1),
                                    ("postgres", "db-1:9187", 0)] {
            out.append(gauge(["__name__": "up", "job": job, "instance": instance], up))
        }
        return out
    }

    static let at = [("time", seconds(end)), ("window", "5m")]

    @Test func bottlenecksRankTheSlowHandlerFirst() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await store(client, Self.system())
            let (status, doc) = try await getJSON(client, "/api/v1/insights/bottlenecks", Self.at)
            #expect(status == .ok, "\(doc)")
            let endpoints = data(doc)["endpoints"] as? [[String: Any]] ?? []
            // Seconds served per second: /search 10, / 0.4, /api/report 0.3.
            #expect(endpoints.map { $0["name"] as? String } == ["/search", "/", "/api/report"])
            let share = endpoints.first?["latencyShare"] as? Double ?? 0
            #expect(abs(share - 10 / 10.7) < 1e-6, "share \(share)")
            #expect(abs((endpoints.first?["errorRatio"] as? Double ?? 0) - 0.15) < 1e-9)
            let hosts = data(doc)["hosts"] as? [[String: Any]] ?? []
            #expect(hosts.map { $0["host"] as? String } == ["web-1", "db-1"], "by saturation: web-1's CPU 0.97, db-1's /var 0.96")
            let db = hosts.last ?? [:]
            #expect(abs((db["disk"] as? Double ?? 0) - 0.96) < 1e-9, "the fullest real filesystem, not the tmpfs")
            let findings = data(doc)["findings"] as? [[String: Any]] ?? []
            // /search's errors (all of the 5xx) and latency (93% of the time) lead.
            #expect(findings.prefix(2).map { $0["subject"] as? String } == ["/search", "/search"])
            #expect(Set(findings.prefix(2).compactMap { $0["kind"] as? String }) == ["errors", "latency"])
            let first = findings.first { $0["kind"] as? String == "latency" } ?? [:]
            #expect(first["severity"] as? String == "critical")
            #expect((first["rule"] as? String)?.contains("/ SLO 0.5s") == true)
            let evidence = (first["evidence"] as? [[String: Any]])?.first ?? [:]
            #expect((evidence["query"] as? String)?.hasPrefix("histogram_quantile(0.99") == true)
            func finding(_ kind: String, _ subject: String, _ resource: String? = nil) -> [String: Any]? {
                findings.first { $0["kind"] as? String == kind && $0["subject"] as? String == subject
                    && (resource == nil || $0["resource"] as? String == resource) }
            }
            #expect(finding("errors", "/search")?["severity"] as? String == "critical")
            #expect(finding("saturation", "web-1", "cpu")?["severity"] as? String == "critical")
            #expect(finding("saturation", "db-1", "memory")?["severity"] as? String == "high")
            #expect(finding("saturation", "db-1", "disk_io")?["severity"] as? String == "high")
            #expect(finding("latency", "/")?["severity"] as? String == "low")

            expectBadRequest(try await getJSON(client, "/api/v1/insights/bottlenecks", Self.at + [("slo", "0")]), "slo is 0")
            expectBadRequest(try await getJSON(client, "/api/v1/insights/bottlenecks", [("window", "soon")]), "\"window\"")
            expectBadRequest(try await getJSON(client, "/api/v1/insights/bottlenecks", Self.at + [("maxSeries", "2")]),
                             "at most 2 are analysed")
        }
    }

    @Test func suggestionsCoverEachProblem() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await store(client, Self.system())
            let (status, doc) = try await getJSON(client, "/api/v1/insights/suggestions", Self.at)
            #expect(status == .ok, "\(doc)")
            let list = data(doc)["suggestions"] as? [[String: Any]] ?? []
            func rule(_ name: String) -> [String: Any]? { list.first { $0["rule"] as? String == name } }
            #expect(rule("cpu-busy")?["subject"] as? String == "web-1")
            #expect(rule("cpu-busy")?["category"] as? String == "cpu")
            #expect(rule("disk-full")?["subject"] as? String == "db-1")
            #expect((rule("disk-full")?["title"] as? String)?.hasPrefix("/var") == true)
            #expect(rule("memory-used")?["subject"] as? String == "db-1")
            #expect(rule("disk-busy")?["category"] as? String == "io")
            #expect(rule("target-down")?["subject"] as? String == "postgres")
            #expect(rule("database-handler")?["subject"] as? String == "/api/report")
            #expect(rule("no-host-metrics") == nil && rule("no-request-metrics") == nil)
            // Highest priority (impact / effort) first.
            let priorities = list.compactMap { $0["priority"] as? Double }
            #expect(priorities.count == list.count && priorities == priorities.sorted(by: >))
            let disk = rule("disk-full") ?? [:]
            #expect(disk["impact"] as? Int == 5 && disk["effort"] as? Int == 1)
            #expect(((disk["evidence"] as? [[String: Any]])?.first?["value"] as? Double).map { abs($0 - 0.96) < 1e-9 } == true)
        }
    }

    @Test func healthScoresFollowTheFormula() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await store(client, Self.system())
            let (status, doc) = try await getJSON(client, "/api/v1/insights/health", Self.at)
            #expect(status == .ok, "\(doc)")
            let hosts = data(doc)["hosts"] as? [[String: Any]] ?? []
            #expect(hosts.map { $0["host"] as? String } == ["db-1", "web-1"], "lowest score first")
            // db-1: half its targets down (20 of 40), memory 0.9375 used ((0.9375 - 0.8) / 0.15 of 10),
            // /var 0.96 used (all 10), CPU 0.2 busy (nothing).
            let expected = 100 - 20 - 10 * (0.9375 - 0.8) / 0.15 - 10
            let score = hosts.first?["score"] as? Double ?? 0
            #expect(abs(score - expected) < 1e-6, "db-1 scored \(score), formula \(expected)")
            let components = hosts.first?["components"] as? [[String: Any]] ?? []
            #expect(components.map { $0["name"] as? String } == ["up", "errors", "latency", "cpu", "memory", "disk"])
            #expect(components.first?["penalty"] as? Double == 20)
            // web-1: 5xx ratio 1.5/61 of 20 points per 0.05, p99 over SLO 2x or more (10), CPU 0.97 (10).
            let web = hosts.last ?? [:]
            let webExpected = 100 - 20 * (1.5 / 61) / 0.05 - 10 - 10
            #expect(abs((web["score"] as? Double ?? 0) - webExpected) < 1e-6, "web-1 scored \(web["score"] ?? ""), formula \(webExpected)")
            let overall = data(doc)["overall"] as? Double ?? 0
            #expect(abs(overall - (expected + webExpected) / 2) < 1e-6)
        }
    }
}
