import Foundation
import Logging
import Testing
import TSDB
@testable import Ingest

/// Whole collections: every collector over the fixture tree, over nothing, over garbage; and what
/// reaches the database.
@Suite struct HostCollectionTests {
    @Test func fixtureTreeGivesEveryCollector() throws {
        let collection = try HostCollection(paths: try HostFixtures.paths)
        let s = collection.collect(now: 1_796_111_757)
        #expect(s.problems.isEmpty, "\(s.problems)")
        for name in HostCollection.collectors where name != "process" {
            #expect(s.value("node_scrape_collector_success", ["collector": name]) == 1, "collector \(name)")
        }
        for name in HostCollection.collectors {
            #expect(s.value("sextant_host_collector_errors_total", ["collector": name], target: .sextant) == 0)
        }
        for metric in ["node_cpu_seconds_total", "node_memory_MemAvailable_bytes", "node_load1", "node_filesystem_avail_bytes",
                       "node_disk_reads_completed_total", "node_network_receive_bytes_total", "node_boot_time_seconds",
                       "node_vmstat_pgfault", "node_uname_info", "node_time_seconds", "node_filefd_allocated",
                       "node_sockstat_TCP_inuse", "node_netstat_Tcp_InSegs", "node_pressure_cpu_waiting_seconds_total"] {
            #expect(s.entries.contains { $0.name == metric && $0.target == .node }, "\(metric)")
        }
        // The process start time comes from /proc/stat's boot time.
        #expect(s.value("process_start_time_seconds", target: .sextant) == 1_796_110_683 + 1295.48)
        // Filesystems: "/" is real; the fixture's other mounts do not exist here.
        let root = ["device": "/dev/vda", "fstype": "ext4", "mountpoint": "/"]
        #expect(s.value("node_filesystem_device_error", root) == 0)
        #expect(s.value("node_filesystem_device_error", ["device": "/dev/vdb", "fstype": "ext4", "mountpoint": "/mnt/backup disk"]) == 1)
    }

    @Test func missingFilesAreNoDataNotErrors() throws {
        var paths = HostPaths()
        paths.proc = "/nonexistent/proc"
        paths.sys = "/nonexistent/sys"
        paths.udevData = "/nonexistent/udev"
        let collection = try HostCollection(paths: paths)
        let s = collection.collect(now: 1)
        #expect(s.problems.isEmpty)
        for name in ["cpu", "stat", "meminfo", "loadavg", "filesystem", "diskstats", "netdev", "vmstat", "filefd",
                     "sockstat", "netstat", "pressure"] {
            #expect(s.value("node_scrape_collector_success", ["collector": name]) == 0, "collector \(name)")
        }
        // Those two need no files.
        #expect(s.value("node_scrape_collector_success", ["collector": "uname"]) == 1)
        #expect(s.value("node_scrape_collector_success", ["collector": "time"]) == 1)
        #expect(s.entries.allSatisfy { $0.value == 0 || ["node_uname_info", "node_time_seconds", "node_scrape_collector_success",
                                                         "node_scrape_collector_duration_seconds"].contains($0.name)
                                       || $0.name.hasPrefix("node_time_") })
    }

    @Test func garbageIsSkippedAndCounted() throws {
        let dir = try TempDirectory()
        let noise = "\u{0}\u{1}garbage \u{FF} line\nanother: one two three four five\ncpu0 x y\n"
        for file in ["stat", "meminfo", "loadavg", "mounts", "diskstats", "vmstat", "net/dev", "sys/fs/file-nr", "net/sockstat",
                     "net/netstat", "net/snmp", "pressure/cpu", "pressure/io", "pressure/memory", "self/stat"] {
            try dir.write("proc/" + file, noise)
        }
        try dir.write("proc/meminfo", "MemTotal: 1 kB\n" + noise)
        var paths = HostPaths()
        paths.proc = dir.path + "/proc"
        paths.sys = dir.path + "/sys"
        let collection = try HostCollection(paths: paths)
        let first = collection.collect(now: 1)
        #expect(first.value("node_memory_MemTotal_bytes") == 1024)
        #expect(!first.problems.isEmpty)
        let second = collection.collect(now: 2)
        for name in ["cpu", "meminfo", "loadavg", "filesystem", "diskstats", "vmstat", "filefd", "sockstat", "process"] {
            let once = try #require(first.value("sextant_host_collector_errors_total", ["collector": name], target: .sextant))
            #expect(once > 0, "collector \(name)")
            // A counter: it keeps growing with each bad collection.
            #expect(second.value("sextant_host_collector_errors_total", ["collector": name], target: .sextant) == 2 * once)
        }
    }

    /// Random text made of the characters /proc files are made of, in every file: no reader may
    /// crash, whatever it gets.
    @Test func randomInputNeverCrashes() throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789 \t\n:()-.=cpuMemTotalkBsomefulltotal=Tcp:InErrs".utf8) + [0, 0xFF]
        let files = ["stat", "meminfo", "loadavg", "mounts", "diskstats", "vmstat", "net/dev", "sys/fs/file-nr",
                     "net/sockstat", "net/sockstat6", "net/netstat", "net/snmp", "net/snmp6", "pressure/cpu",
                     "pressure/io", "pressure/memory", "self/stat", "self/limits"]
        let dir = try TempDirectory()
        var paths = HostPaths()
        paths.proc = dir.path + "/proc"
        paths.sys = dir.path + "/sys"
        let collection = try HostCollection(paths: paths)
        for _ in 0..<50 {
            for file in files {
                let n = Int.random(in: 0..<600, using: &rng)
                let bytes = (0..<n).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
                let url = URL(fileURLWithPath: paths.proc + "/" + file)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url)
            }
            let s = collection.collect(now: 1)
            #expect(s.entries.allSatisfy { !$0.name.isEmpty })
        }
    }

    @Test func storedWithJobInstanceAndStaleMarkers() throws {
        let dir = try TempDirectory()
        let db = try DB(directory: dir.path + "/data")
        defer { try? db.close() }
        let writer = HostSeriesWriter(db: db, nodeInstance: "web-1", selfInstance: "127.0.0.1:8686")
        var first = HostSamples()
        first.add("node_network_receive_bytes_total", 10, [Label("device", "eth0")])
        first.add("node_network_receive_bytes_total", 5, [Label("device", "veth1")])
        first.add("process_open_fds", 7, target: .sextant)
        first.add("node_bad", 1, [Label("", "x")])
        first.add("process_open_fds", 8, target: .sextant)
        let t0: Int64 = Int64(Date().timeIntervalSince1970 * 1000)
        let out1 = try writer.write(first, at: t0)
        #expect(out1.stored == 3)
        // The nameless label and the repeat are refused with a reason each.
        #expect(out1.problems.count == 2)
        var second = HostSamples()
        second.add("node_network_receive_bytes_total", 20, [Label("device", "eth0")])
        second.add("process_open_fds", 9, target: .sextant)
        let out2 = try writer.write(second, at: t0 + 15_000)
        // Two values and one stale marker for the interface that went away.
        #expect(out2.stored == 3)
        let q = db.querier(mint: t0 - 1, maxt: t0 + 20_000)
        let series = try q.select([.equal(Labels.metricName, "node_network_receive_bytes_total")])
        #expect(series.map(\.labels.description).sorted() == [
            #"node_network_receive_bytes_total{device="eth0", instance="web-1", job="node"}"#,
            #"node_network_receive_bytes_total{device="veth1", instance="web-1", job="node"}"#,
        ])
        let eth0 = try #require(series.first { $0.labels["device"] == "eth0" })
        #expect(eth0.samples.map(\.v) == [10, 20])
        let veth = try #require(series.first { $0.labels["device"] == "veth1" })
        #expect(veth.samples.count == 2)
        #expect(veth.samples.last?.v.isStaleMarker == true)
        let fds = try q.select([.equal(Labels.metricName, "process_open_fds")])
        #expect(fds.map(\.labels.description) == [#"process_open_fds{instance="127.0.0.1:8686", job="sextant"}"#])
        #expect(fds.first?.samples.map(\.v) == [7, 9])
    }

    @Test func serviceStoresOnStartAndStopsOnClosedDatabase() async throws {
        let dir = try TempDirectory()
        let db = try DB(directory: dir.path + "/data")
        var options = HostCollectorOptions(selfInstance: "127.0.0.1:9")
        options.nodeInstance = "test-host"
        let collector = try HostCollector(db: db, options: options, logger: Logger(label: "test"))
        let outcome = try await collector.collectOnce()
        #expect(outcome.stored > 100)
        #expect(outcome.stored == outcome.total)
        let q = db.querier(mint: 0, maxt: Int64.max)
        let cpu = try q.select([.equal(Labels.metricName, "node_cpu_seconds_total"), .equal("mode", "idle")])
        // One series per `cpuN` line of /proc/stat (CPU limits of a container do not hide CPUs there).
        let stat = try String(contentsOfFile: "/proc/stat", encoding: .utf8)
        #expect(cpu.count == stat.split(separator: "\n").filter { $0.hasPrefix("cpu") && !$0.hasPrefix("cpu ") }.count)
        #expect(cpu.allSatisfy { $0.labels["job"] == "node" && $0.labels["instance"] == "test-host" })
        try db.close()
        await #expect(throws: TSDBError.self) { try await collector.collectOnce() }
    }
}
