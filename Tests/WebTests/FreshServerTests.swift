import Foundation
import Ingest
import Testing

/// `sextant serve` as a user starts it, with nothing configured: the host collector and the
/// self-scrape fill the store on their own.
@Suite struct FreshServerTests {
    @Test func showsItsHostAndItselfThroughPromQL() async throws {
        let dir = NSTemporaryDirectory() + "sextant-fresh-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = ServerProcess.freePort()
        // Defaults except the interval, so the test needs seconds rather than half a minute.
        let server = try ServerProcess(data: dir, port: port, arguments: ["--collect.interval=1s"])
        defer { server.stop() }
        try await server.waitReady()
        func query(_ q: String) async throws -> PromVector {
            let (data, status) = try await server.get("/api/v1/query", query: ["query": q])
            #expect(status == 200)
            return try promVector(data)
        }
        /// Polls until the query has a result (both sources run at start, then every second).
        func eventuallyQuery(_ q: String) async throws -> PromVector {
            var v: PromVector = []
            _ = try await eventually(60) {
                v = try await query(q)
                return !v.isEmpty
            }
            if v.isEmpty { Issue.record("no result for \(q)") }
            return v
        }
        let host = HostCollectorOptions.hostName()
        let instance = "127.0.0.1:\(port)"

        let cpu = try await eventuallyQuery(#"node_cpu_seconds_total{mode="idle"}"#)
        #expect(cpu.allSatisfy { Set($0.labels.keys) == ["__name__", "cpu", "mode", "job", "instance"] })
        #expect(cpu.allSatisfy { $0.labels["job"] == "node" && $0.labels["instance"] == host && $0.value > 0 })
        let memory = try await eventuallyQuery("node_memory_MemAvailable_bytes")
        #expect(memory.map(\.labels) == [["__name__": "node_memory_MemAvailable_bytes", "job": "node", "instance": host]])
        #expect((memory.first?.value ?? 0) > 0)

        let up = try await eventuallyQuery(#"up{job="sextant"}"#)
        #expect(up.map(\.labels) == [["__name__": "up", "job": "sextant", "instance": instance]])
        #expect(up.map(\.value) == [1])
        // A metric only the scrape of /metrics stores, under the same target as the host
        // collector's process metrics.
        let headSeries = try await eventuallyQuery(#"sextant_tsdb_head_series{job="sextant"}"#)
        #expect(headSeries.first?.labels["instance"] == instance)
        #expect((headSeries.first?.value ?? 0) > 0)
        let rss = try await eventuallyQuery(#"process_resident_memory_bytes{job="sextant"}"#)
        #expect(rss.first?.labels["instance"] == instance)

        let (data, _) = try await server.get("/api/v1/targets")
        let doc = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let active = (doc?["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]] ?? []
        #expect(active.map { $0["scrapePool"] as? String } == ["sextant"])
        #expect(active.first?["scrapeInterval"] as? String == "1s")
    }

    @Test func collectSelfFalseTurnsTheSelfScrapeOff() async throws {
        let dir = NSTemporaryDirectory() + "sextant-fresh-off-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try ServerProcess(data: dir, port: ServerProcess.freePort(),
                                       arguments: ["--collect.host=false", "--collect.self=false", "--collect.interval=100ms"])
        defer { server.stop() }
        try await server.waitReady()
        // Ten intervals and more: long enough for a scrape, had it been running.
        try await Task.sleep(for: .seconds(2))
        let (data, status) = try await server.get("/api/v1/targets")
        #expect(status == 200)
        let doc = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(((doc?["data"] as? [String: Any])?["activeTargets"] as? [Any])?.isEmpty == true)
        let (names, _) = try await server.get("/api/v1/label/__name__/values")
        let list = (try JSONSerialization.jsonObject(with: names) as? [String: Any])?["data"] as? [String] ?? []
        #expect(!list.contains("up"))
    }
}
