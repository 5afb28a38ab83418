import Foundation
@testable import Ingest
import Testing
import TSDB

/// Polls `condition` every 50 ms until it holds; false once `seconds` have passed *and* twenty
/// tries per second were made (on a loaded machine the scrape loops and this task may get no
/// thread for a long stretch, and a wall-clock deadline alone would give up meanwhile).
func eventually(_ seconds: Double = 20, _ condition: () throws -> Bool) async throws -> Bool {
    let start = Date()
    var tries = 0
    while tries < Int(seconds * 20) || Date().timeIntervalSince(start) < seconds {
        if try condition() { return true }
        tries += 1
        try await Task.sleep(for: .milliseconds(50))
    }
    return try condition()
}

@Suite struct ScrapeManagerTests {
    func settings(_ yaml: String, file: String = "/tmp/sextant.yml") throws -> ScrapeSettings {
        try ScrapeSettings.parse(yaml: yaml, file: file)
    }

    @Test func aFailingTargetNeverStopsTheOthers() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        f.serve("http://good:1/metrics", text: "ok 1\n")
        f.serve("http://bad:1/metrics", .failure(IngestError(.scrapeFailed, "connection refused")))
        f.serve("http://other:1/metrics", text: "other 1\n")
        let s = try settings("""
        global: {scrape_interval: 200ms, scrape_timeout: 100ms}
        scrape_configs:
          - job_name: a
            static_configs: [{targets: ['good:1', 'bad:1']}]
          - job_name: b
            static_configs: [{targets: ['other:1']}]
        """)
        let manager = ScrapeManager(settings: s, db: t.db, fetcher: f)
        let run = Task { try await manager.run() }
        let ok = try await eventually {
            try t.values("ok", ["job": "a", "instance": "good:1"]).count >= 3
                && t.values("other", ["job": "b", "instance": "other:1"]).count >= 3
                && t.values("up", ["job": "a", "instance": "bad:1"]).count >= 3
        }
        #expect(ok)
        let targets = manager.targets()
        #expect(targets.active.map(\.target.url) == ["http://bad:1/metrics", "http://good:1/metrics", "http://other:1/metrics"])
        #expect(targets.active.map(\.health) == [.down, .up, .up])
        #expect(targets.active[0].lastError == "connection refused")
        #expect(try t.values("up", ["job": "a", "instance": "bad:1"]).allSatisfy { $0 == 0 })
        run.cancel()
        try await run.value
    }

    @Test func fileDiscoveryAddsAndRemovesTargets() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let dir = NSTemporaryDirectory() + "sextant-sd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = FakeFetcher()
        f.serve("http://one:1/metrics", text: "m 1\n")
        f.serve("http://two:1/metrics", text: "m 2\n")
        try #"[{"targets": ["one:1"], "labels": {"team": "x"}}]"#.write(toFile: dir + "/a.json", atomically: true, encoding: .utf8)
        let s = try settings("""
        global: {scrape_interval: 200ms, scrape_timeout: 100ms}
        scrape_configs:
          - job_name: sd
            file_sd_configs: [{files: ['*.json', '*.yml']}]
            relabel_configs:
              - source_labels: [__meta_filepath]
                regex: '.*/(.*)'
                target_label: file
        """, file: dir + "/sextant.yml")
        let manager = ScrapeManager(settings: s, db: t.db, fetcher: f)
        let run = Task { try await manager.run() }
        let one = ["job": "sd", "instance": "one:1", "team": "x", "file": "a.json"]
        #expect(try await eventually { try t.values("m", one).count >= 2 })
        // Replace the file's target and add a YAML file: the old target's series go stale.
        try #"[{"targets": []}]"#.write(toFile: dir + "/a.json", atomically: true, encoding: .utf8)
        try "- targets: ['two:1']\n".write(toFile: dir + "/b.yml", atomically: true, encoding: .utf8)
        let two = ["job": "sd", "instance": "two:1", "file": "b.yml"]
        #expect(try await eventually { try t.values("m", two).count >= 1 && t.values("m", one).last?.isStaleMarker == true })
        #expect(try t.values("up", one).last?.isStaleMarker == true)
        #expect(manager.targets().active.map(\.target.url) == ["http://two:1/metrics"])
        // A broken file keeps the targets it had.
        try "- targets: [".write(toFile: dir + "/b.yml", atomically: true, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(1500))
        #expect(manager.targets().active.map(\.target.url) == ["http://two:1/metrics"])
        run.cancel()
        try await run.value
    }

    @Test func droppedTargetsAreListed() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let s = try settings("""
        scrape_configs:
          - job_name: j
            static_configs: [{targets: ['keep:1', 'drop:1']}]
            relabel_configs: [{source_labels: [__address__], regex: 'drop:.*', action: drop}]
        """)
        let manager = ScrapeManager(settings: s, db: t.db, selfScrapeInterval: 15_000, fetcher: FakeFetcher())
        let run = Task { try await manager.run() }
        #expect(try await eventually { manager.targets().active.count == 1 })
        let targets = manager.targets()
        #expect(targets.dropped.map(\.labels) .map { $0["__address__"] } == ["drop:1"])
        #expect(targets.droppedCounts.first { $0.0 == "j" }?.1 == 1)
        // The built-in self job exists, with no target until the server's address is known.
        #expect(manager.jobNames == ["j", "sextant"])
        manager.setSelfTarget(host: "0.0.0.0", port: 8686, instance: "0.0.0.0:8686")
        #expect(try await eventually { manager.targets().active.contains { $0.target.url == "http://127.0.0.1:8686/metrics" } })
        let selfTarget = manager.targets().active.first { $0.target.scrapePool == "sextant" }
        #expect(selfTarget?.target.labels == Labels(["instance": "0.0.0.0:8686", "job": "sextant"]))
        #expect(selfTarget?.target.interval == 15_000)
        run.cancel()
        try await run.value
    }
}
