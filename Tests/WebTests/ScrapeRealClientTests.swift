import Foundation
import HummingbirdTesting
import Testing

/// Scrapes real exporters — Debian's prometheus-node-exporter and a Python prometheus_client
/// app — with a whole server, and finds their data through `/api/v1/query` and their metadata
/// through `/api/v1/metadata`. Each test is skipped, with the install line printed, when its
/// exporter is missing.
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

        deinit { stop() }

        /// SIGKILL: the test runner's blocked signals are inherited, so SIGTERM may not end it.
        func stop() {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
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

    /// A configuration scraping `address` as job `job` every second.
    static func config(job: String, address: String) -> String {
        """
        global: {scrape_interval: 1s, scrape_timeout: 1s}
        scrape_configs:
          - job_name: \(job)
            static_configs: [{targets: ['\(address)']}]
        """
    }

    /// `/api/v1/metadata?metric=name`: the entries of one metric.
    static func metadata(_ client: any TestClientProtocol, _ name: String) async throws -> [[String: String]] {
        let data = try await client.data("/api/v1/metadata?metric=\(name)") as? [String: Any]
        return data?[name] as? [[String: String]] ?? []
    }

    @Test func nodeExporter() async throws {
        guard let bin = Self.which("prometheus-node-exporter") else {
            print("skipped: apt-get install -y prometheus-node-exporter")
            return
        }
        let port = Self.freePort()
        let child = try Child(bin, ["--web.listen-address=127.0.0.1:\(port)"])
        defer { child.stop() }
        try await withScrapingServer(Self.config(job: "node", address: "127.0.0.1:\(port)")) { client in
            let cpus = try await client.eventuallyVector(#"count by (mode) (node_cpu_seconds_total{job="node"})"#)
            #expect(cpus.contains { $0.labels["mode"] == "idle" && $0.value >= 1 }, "\(cpus)")
            let idle = try await client.vector(#"node_cpu_seconds_total{mode="idle"}"#)
            #expect(idle.allSatisfy { Set($0.labels.keys) == ["__name__", "cpu", "mode", "job", "instance"] })
            let up = try await client.vector(#"up{job="node"}"#)
            #expect(up.map(\.value) == [1])
            #expect(up.first?.labels["instance"] == "127.0.0.1:\(port)")
            let memory = try await client.vector("node_memory_MemTotal_bytes")
            #expect((memory.first?.value ?? 0) > 1e6)
            #expect(try await Self.metadata(client, "node_cpu_seconds_total").first?["type"] == "counter")
            #expect(try await Self.metadata(client, "node_memory_MemTotal_bytes").first?["type"] == "gauge")
            // The scrape's own report.
            let scraped = try await client.vector(#"scrape_samples_scraped{job="node"}"#)
            #expect((scraped.first?.value ?? 0) > 100)
        }
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
        try await withScrapingServer(Self.config(job: "py", address: "127.0.0.1:\(port)")) { client in
            let requests = try await client.eventuallyVector("demo_requests_total")
            #expect(requests.first { $0.labels["path"] == "/a" }?.value == 3)
            #expect(requests.allSatisfy { $0.labels["job"] == "py" && $0.labels["instance"] == "127.0.0.1:\(port)" })
            // Label values unescape: the client wrote `\"` and `\\` escapes.
            #expect(requests.contains { $0.labels["path"] == "/b \"quoted\"\\n" })
            // Scraped as OpenMetrics (the client's answer to our Accept header): `_created` is dropped.
            #expect(try await client.vector("demo_requests_created").isEmpty)
            #expect(try await client.vector(#"demo_latency_seconds_bucket{le="0.5"}"#).map(\.value) == [1])
            #expect(try await client.vector("demo_latency_seconds_count").map(\.value) == [1])
            #expect(try await client.vector("demo_size_bytes_sum").map(\.value) == [512])
            #expect(try await client.vector("demo_temperature_celsius").map(\.value) == [-1.5])
            #expect(try await client.vector(#"demo_build_info{version="1.2"}"#).map(\.value) == [1])
            #expect(try await client.vector(#"demo_state{demo_state="running"}"#).map(\.value) == [1])
            #expect(try await Self.metadata(client, "demo_requests").first?["type"] == "counter")
            #expect(try await Self.metadata(client, "demo_temperature_celsius") == [["type": "gauge", "help": "Temperature.", "unit": "celsius"]])
            #expect(try await Self.metadata(client, "demo_build").first?["type"] == "info")
            #expect(try await Self.metadata(client, "demo_state").first?["type"] == "stateset")
        }
    }
}
