import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import Testing
@testable import Ingest

/// The host collector beside Debian's `prometheus-node-exporter` (1.5) on the same host, with the
/// same collectors and filters: every series we produce must be in its output and every series
/// it produces in ours (names and labels, `job` and `instance` aside), with values that agree.
///
/// Reads are not simultaneous, so we read before and after it: a counter of its must lie between
/// our two readings; gauges that move on their own (free memory, running processes) get a slack;
/// sizes and totals must be equal.
@Suite struct HostNodeExporterComparisonTests {
    @Test func sameSeriesAndValuesAsNodeExporter() async throws {
        guard let binary = NodeExporter.binary else {
            print("skipped: node_exporter not installed (apt-get install -y prometheus-node-exporter)")
            return
        }
        let exporter = try NodeExporter(binary: binary)
        defer { exporter.stop() }
        try await exporter.waitReady()

        let collection = try HostCollection()
        // One collection first, so that per-collection state (CPU floors, pattern memos) is warm.
        _ = collection.collect(now: Date().timeIntervalSince1970)
        let before = Self.index(collection.collect(now: Date().timeIntervalSince1970))
        let theirs = try HostExpositionText(try await exporter.scrape()).values
        let after = Self.index(collection.collect(now: Date().timeIntervalSince1970))

        let ours = Set(before.keys).intersection(after.keys)
        let relevant = theirs.filter { Self.isCompared($0.key.name) }
        var missingThere: [String] = []
        var mismatched: [String] = []
        for key in ours.sorted(by: { $0.description < $1.description }) where Self.isCompared(key.name) {
            guard let v = relevant[key] else {
                missingThere.append(key.description)
                continue
            }
            let a = before[key] ?? .nan, b = after[key] ?? .nan
            if !Self.agrees(key, ours: (a, b), theirs: v, all: before) {
                mismatched.append("\(key): ours \(a) then \(b), node_exporter \(v)")
            }
        }
        print("compared \(ours.count) series with node_exporter's \(relevant.count)")
        let missingHere = relevant.keys.filter { !ours.contains($0) }.map(\.description).sorted()
        #expect(missingThere.isEmpty, "series we produce that node_exporter does not: \(missingThere)")
        #expect(missingHere.isEmpty, "series node_exporter produces that we do not: \(missingHere)")
        #expect(mismatched.isEmpty, "values that differ: \(mismatched)")
        // The comparison covered every collector.
        for name in HostCollection.collectors where name != "process" {
            #expect(relevant[.init(name: "node_scrape_collector_success", labels: ["collector": name])] != nil, "\(name)")
        }
        #expect(ours.count > 200)
    }

    /// Our samples keyed as the exposition text keys them.
    static func index(_ s: HostSamples) -> [HostExpositionText.Series: Double] {
        var out: [HostExpositionText.Series: Double] = [:]
        for e in s.entries where e.name != "sextant_host_collector_errors_total" {
            var labels: [String: String] = [:]
            for l in e.labels where !l.value.isEmpty { labels[l.name] = l.value }
            out[.init(name: e.name, labels: labels)] = e.value
        }
        return out
    }

    /// node_exporter's own series (build info, Go runtime, HTTP handler) are not ours to match.
    static func isCompared(_ name: String) -> Bool {
        (name.hasPrefix("node_") && name != "node_exporter_build_info") || HostProcessNames.all.contains(name)
    }

    static func agrees(_ key: HostExpositionText.Series, ours: (Double, Double), theirs v: Double,
                       all: [HostExpositionText.Series: Double]) -> Bool {
        let name = key.name
        // Another process (node_exporter itself) and timings: only the names must match.
        if HostProcessNames.all.contains(name) || name == "node_scrape_collector_duration_seconds" { return true }
        let lo = min(ours.0, ours.1), hi = max(ours.0, ours.1)
        let memTotal = all[.init(name: "node_memory_MemTotal_bytes", labels: [:])] ?? 0
        let slack: Double
        switch name {
        case "node_memory_MemTotal_bytes", "node_memory_SwapTotal_bytes", "node_memory_Hugepagesize_bytes",
             "node_memory_HugePages_Total", "node_memory_VmallocTotal_bytes", "node_memory_CommitLimit_bytes":
            slack = 0
        case _ where name.hasPrefix("node_memory_"):
            // Other builds share the machine: memory in use moves by whole GiB within milliseconds.
            slack = 0.05 * memTotal
        case "node_cpu_seconds_total", "node_cpu_guest_seconds_total":
            slack = 1
        case "node_procs_running", "node_procs_blocked", "node_disk_io_now", "node_netstat_Tcp_CurrEstab":
            slack = 64
        case _ where name.hasPrefix("node_sockstat_"):
            slack = name.hasSuffix("_mem_bytes") ? 4096 * ProcSockstat.pageSize : name == "node_sockstat_sockets_used" ? 256 : 4096
        case "node_load1", "node_load5", "node_load15":
            slack = 2
        case "node_filefd_allocated":
            slack = 8192
        case "node_time_seconds":
            slack = 2
        case "node_filesystem_free_bytes", "node_filesystem_avail_bytes":
            slack = 0.02 * (all[.init(name: "node_filesystem_size_bytes", labels: key.labels)] ?? 0)
        case "node_filesystem_files_free":
            slack = 0.02 * (all[.init(name: "node_filesystem_files", labels: key.labels)] ?? 0)
        default:
            // Counters lie between our readings; sizes, flags and info series are equal.
            slack = 0
        }
        return v >= lo - slack && v <= hi + slack
    }
}

/// The process metrics of the Prometheus client libraries that `ProcSelf` writes.
enum HostProcessNames {
    static let all: Set<String> = ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
                                   "process_virtual_memory_max_bytes", "process_open_fds", "process_max_fds",
                                   "process_start_time_seconds"]
}

/// Debian's node_exporter on a free loopback port, with our collectors and our filters.
final class NodeExporter {
    let process = Process()
    let port: Int

    static var binary: String? {
        ["/usr/bin/prometheus-node-exporter", "/usr/local/bin/node_exporter", "/usr/bin/node_exporter"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init(binary: String) throws {
        port = try Self.freePort()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--web.listen-address=127.0.0.1:\(port)",
            "--collector.disable-defaults",
        ] + HostCollection.collectors.filter { $0 != "process" }.map { "--collector.\($0)" } + [
            // Debian changes some defaults (it hides lo, /run, /mnt and /media); ask for upstream's.
            "--collector.filesystem.mount-points-exclude=\(ProcMounts.excludedMountPoints)",
            "--collector.filesystem.fs-types-exclude=\(ProcMounts.excludedFSTypes)",
            "--collector.diskstats.device-exclude=\(ProcDiskstats.excludedDevices)",
            "--collector.netdev.device-exclude=^$",
            "--collector.vmstat.fields=\(ProcVmstat.defaultFields)",
            "--collector.netstat.fields=\(ProcNetstat.defaultFields)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func waitReady() async throws {
        for _ in 0..<200 {
            if !process.isRunning { throw HostTestFailure("node_exporter exited with status \(process.terminationStatus)") }
            if (try? await scrape()) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HostTestFailure("node_exporter did not answer on port \(port)")
    }

    func scrape() async throws -> String {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/metrics"))
        let (data, response) = try await URLSession.shared.data(from: url)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw HostTestFailure("node_exporter answered \(response)") }
        return String(decoding: data, as: UTF8.self)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// A port the kernel had free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HostTestFailure("socket failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw HostTestFailure("bind failed") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

struct HostTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
