import Foundation
import Ingest
import PromQL
import Testing
import TSDB

/// Scrapes real exporters — Debian's prometheus-node-exporter and a Python prometheus_client
/// app — and finds their data with PromQL. Each test is skipped, with the install line printed,
/// when its exporter is missing.
@Suite struct ScrapeRealClientTests {
    /// A child process on loopback, ended when the test ends.
    final class Child: @unchecked Sendable {
        let process = Process()

        init(_ executable: String, _ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }

    static func freePort() -> Int { Int.random(in: 20_000...60_000) }

    static func which(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/usr/sbin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }

    /// Scrapes `address` as job `job` every second until `done` holds for a PromQL check.
    func scrape(job: String, address: String, until done: @escaping (ScrapeTestDB, Engine) throws -> Bool) async throws -> (ScrapeTestDB, ScrapeManager, Task<Void, any Error>) {
        let t = try ScrapeTestDB()
        let yaml = """
        self_scrape: false
        global: {scrape_interval: 1s, scrape_timeout: 1s}
        scrape_configs:
          - job_name: \(job)
            static_configs: [{targets: ['\(address)']}]
        """
        let manager = ScrapeManager(settings: try ScrapeSettings.parse(yaml: yaml, file: "test.yml"), db: t.db)
        let run = Task { try await manager.run() }
        let engine = Engine()
        _ = try await eventually(60) { try done(t, engine) }
        return (t, manager, run)
    }

    static func value(_ engine: Engine, _ db: DB, _ query: String) throws -> [VectorElement] {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let result = try engine.instantQuery(query, at: now) { mint, maxt in db.querier(mint: mint, maxt: maxt) }
        guard case .vector(let v) = result.value else { return [] }
        return v
    }

    @Test func nodeExporter() async throws {
        guard let bin = Self.which("prometheus-node-exporter") else {
            print("skipped: apt-get install -y prometheus-node-exporter")
            return
        }
        let port = Self.freePort()
        let child = try Child(bin, ["--web.listen-address=127.0.0.1:\(port)"])
        defer { child.stop() }
        let (t, manager, run) = try await scrape(job: "node", address: "127.0.0.1:\(port)") { t, engine in
            try !Self.value(engine, t.db, #"count(node_cpu_seconds_total{job="node"})"#).isEmpty
        }
        defer { t.cleanup() }
        let cpus = try Self.value(Engine(), t.db, #"count by (mode) (node_cpu_seconds_total{job="node"})"#)
        #expect(cpus.contains { $0.labels["mode"] == "idle" && $0.v >= 1 })
        let up = try Self.value(Engine(), t.db, #"up{job="node"}"#)
        #expect(up.map(\.v) == [1])
        #expect(up.first?.labels["instance"] == "127.0.0.1:\(port)")
        let memory = try Self.value(Engine(), t.db, "node_memory_MemTotal_bytes")
        #expect((memory.first?.v ?? 0) > 1e6)
        let families = Dictionary(manager.metadata.lookup()) { a, _ in a }
        #expect(families["node_cpu_seconds_total"]?.first?.type == "counter")
        #expect(families["node_memory_MemTotal_bytes"]?.first?.type == "gauge")
        run.cancel()
        try await run.value
    }

    @Test func pythonClient() async throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import prometheus_client"]
        check.standardError = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            print("skipped: pip install prometheus-client")
            return
        }
        let port = Self.freePort()
        let script = """
        import time
        from prometheus_client import start_http_server, Counter, Gauge, Histogram, Summary, Info, Enum
        c = Counter('demo_requests', 'Requests served.', ['path'])
        c.labels('/a').inc(3)
        c.labels('/b "quoted"\\\\n').inc()
        Gauge('demo_temperature_celsius', 'Temperature.', unit='celsius').set(-1.5)
        h = Histogram('demo_latency_seconds', 'Latency.', buckets=[0.1, 0.5, 1])
        h.observe(0.3)
        Summary('demo_size_bytes', 'Sizes.').observe(512)
        Info('demo_build', 'Build.').info({'version': '1.2'})
        Enum('demo_state', 'State.', states=['starting', 'running']).state('running')
        start_http_server(\(port), addr='127.0.0.1')
        time.sleep(600)
        """
        let child = try Child("/usr/bin/env", ["python3", "-c", script])
        defer { child.stop() }
        let (t, manager, run) = try await scrape(job: "py", address: "127.0.0.1:\(port)") { t, engine in
            try !Self.value(engine, t.db, "demo_requests_total").isEmpty
        }
        defer { t.cleanup() }
        let engine = Engine()
        let requests = try Self.value(engine, t.db, "demo_requests_total")
        #expect(requests.first { $0.labels["path"] == "/a" }?.v == 3)
        // Label values unescape: the client wrote `\"` and `\\` escapes.
        #expect(requests.contains { $0.labels["path"] == "/b \"quoted\"\\n" })
        // Scraped as OpenMetrics (the client's answer to our Accept header): `_created` is dropped.
        #expect(try Self.value(engine, t.db, "demo_requests_created").isEmpty)
        #expect(try Self.value(engine, t.db, #"demo_latency_seconds_bucket{le="0.5"}"#).map(\.v) == [1])
        #expect(try Self.value(engine, t.db, "demo_latency_seconds_count").map(\.v) == [1])
        #expect(try Self.value(engine, t.db, "demo_size_bytes_sum").map(\.v) == [512])
        #expect(try Self.value(engine, t.db, "demo_temperature_celsius").map(\.v) == [-1.5])
        #expect(try Self.value(engine, t.db, #"demo_build_info{version="1.2"}"#).map(\.v) == [1])
        #expect(try Self.value(engine, t.db, #"demo_state{demo_state="running"}"#).map(\.v) == [1])
        let families = Dictionary(manager.metadata.lookup()) { a, _ in a }
        #expect(families["demo_requests"]?.first?.type == "counter")
        #expect(families["demo_temperature_celsius"]?.first == MetricMetadata(type: "gauge", help: "Temperature.", unit: "celsius"))
        #expect(families["demo_build"]?.first?.type == "info")
        #expect(families["demo_state"]?.first?.type == "stateset")
        run.cancel()
        try await run.value
    }
}
