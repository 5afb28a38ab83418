import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Testing
@testable import Web

/// The host collector seen from outside: a fresh server answers PromQL about its own host with
/// node_exporter's names and labels, and `--collect.host=false` keeps it quiet.
@Suite struct HostCollectorTests {
    /// The result vector of an instant query, as label sets and values.
    typealias Vector = [(labels: [String: String], value: Double)]

    static func encode(_ q: String) -> String {
        q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q
    }

    static func vector(_ body: ByteBuffer) throws -> Vector {
        let data = try json(body)["data"] as? [String: Any]
        let result = data?["result"] as? [[String: Any]] ?? []
        return result.map { r in
            let labels = r["metric"] as? [String: String] ?? [:]
            let value = ((r["value"] as? [Any])?.last as? String).flatMap(Double.init) ?? .nan
            return (labels, value)
        }
    }

    @Test func freshServerShowsHostMetricsWithNodeExporterLabels() async throws {
        var server = TestServer(); defer { server.cleanup() }
        server.config.collectHost = true
        server.config.collectInterval = .milliseconds(500)
        let host = HostCollectorOptions.hostName()
        let selfInstance = server.config.listenAddress
        // What this host has to show: a container may have no file system left after exclusions.
        let local = try HostCollection().collect(now: Date().timeIntervalSince1970)
        let hasFilesystems = local.entries.contains { $0.name == "node_filesystem_avail_bytes" }
        let app = try await buildApplication(server.config)
        try await app.test(.live) { client in
            func query(_ q: String) async throws -> Vector {
                try await client.execute(uri: "/api/v1/query?query=\(Self.encode(q))", method: .get) { r in
                    #expect(r.status == .ok)
                    return try Self.vector(r.body)
                }
            }
            /// Polls until the query has a result: the first collection runs at start.
            func eventually(_ q: String) async throws -> Vector {
                for _ in 0..<300 {
                    let v = try await query(q)
                    if !v.isEmpty { return v }
                    try await Task.sleep(for: .milliseconds(100))
                }
                Issue.record("no result for \(q)")
                return []
            }
            let cpu = try await eventually(#"node_cpu_seconds_total{mode="idle"}"#)
            // One series per `cpuN` line of /proc/stat (CPU limits of a container do not hide CPUs there).
            let stat = try String(contentsOfFile: "/proc/stat", encoding: .utf8)
            #expect(cpu.count == stat.split(separator: "\n").filter { $0.hasPrefix("cpu") && !$0.hasPrefix("cpu ") }.count)
            #expect(cpu.allSatisfy { Set($0.labels.keys) == ["__name__", "cpu", "mode", "job", "instance"] })
            #expect(cpu.allSatisfy { $0.labels["job"] == "node" && $0.labels["instance"] == host && $0.value > 0 })

            let memory = try await eventually("node_memory_MemAvailable_bytes")
            #expect(memory.count == 1)
            #expect(memory.first?.labels == ["__name__": "node_memory_MemAvailable_bytes", "job": "node", "instance": host])
            #expect((memory.first?.value ?? 0) > 0)

            if hasFilesystems {
                let fs = try await eventually("node_filesystem_avail_bytes")
                #expect(fs.allSatisfy { Set($0.labels.keys) == ["__name__", "device", "fstype", "mountpoint", "job", "instance"] })
            } else {
                print("note: no file system left after node_exporter's exclusions on this host")
            }
            let net = try await eventually("node_network_receive_bytes_total")
            #expect(net.allSatisfy { Set($0.labels.keys) == ["__name__", "device", "job", "instance"] })
            #expect(net.contains { $0.labels["device"] == "lo" })

            let rss = try await eventually("process_resident_memory_bytes")
            #expect(rss.first?.labels == ["__name__": "process_resident_memory_bytes", "job": "sextant", "instance": selfInstance])
            #expect((rss.first?.value ?? 0) > 1_000_000)

            // A second collection makes counters usable with rate().
            _ = try await eventually("count_over_time(node_load1[1m]) >= 2")
            let rate = try await eventually(#"rate(node_cpu_seconds_total{mode="idle"}[1m])"#)
            #expect(rate.allSatisfy { $0.value >= 0 })
            let errors = try await eventually("sextant_host_collector_errors_total")
            #expect(errors.count == HostCollection.collectors.count)
        }
    }

    @Test func collectHostFalseTurnsItOff() async throws {
        let dir = NSTemporaryDirectory() + "sextant-host-off-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (arguments, expectHostSeries) in [(["--collect.host=false", "--collect.self=false", "--collect.interval=100ms"], false),
                                              (["--collect.self=false", "--collect.interval=100ms"], true)] {
            let server = try ServerProcess(data: dir + "/\(expectHostSeries)", port: ServerProcess.freePort(), arguments: arguments)
            defer { server.stop() }
            try await server.waitReady()
            var names: [String] = []
            // Ten intervals and more: long enough for the collector, had it been running.
            for _ in 0..<15 {
                try await Task.sleep(for: .milliseconds(100))
                let (data, status) = try await server.get("/api/v1/label/__name__/values")
                #expect(status == 200)
                let doc = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                names = doc?["data"] as? [String] ?? []
                if expectHostSeries && names.contains("node_cpu_seconds_total") { break }
            }
            #expect(names.contains("node_cpu_seconds_total") == expectHostSeries, "\(arguments): \(names.prefix(5))")
            #expect(names.contains("process_resident_memory_bytes") == expectHostSeries)
        }
    }

    @Test func yamlKeys() throws {
        let dir = NSTemporaryDirectory() + "sextant-host-yaml-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func load(_ text: String) throws -> ServerConfig {
            let path = dir + "/sextant.yml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            var cfg = ServerConfig()
            try cfg.load(yamlFile: path)
            return cfg
        }
        let defaults = ServerConfig()
        #expect(defaults.collectHost && defaults.collectInterval == .seconds(15))
        let cfg = try load("collect_host: false\ncollect_interval: 1m\n")
        #expect(!cfg.collectHost)
        #expect(cfg.collectInterval == .seconds(60))
        #expect(throws: ConfigError.self) { try load("collect_host: sometimes\n") }
        #expect(throws: ConfigError.self) { try load("collect_interval: 0s\n") }
        #expect(throws: ConfigError.self) { try load("collect_interval: soon\n") }
        var v6 = ServerConfig()
        try v6.setListen("[::1]:9000")
        #expect(v6.listenAddress == "[::1]:9000")
    }
}
