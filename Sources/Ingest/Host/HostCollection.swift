import TSDB

/// One host's readers and the little state they keep between collections (CPU counter floors,
/// stuck mounts, remembered pattern matches, error counts). `collect` reads everything once.
///
/// Not thread-safe: one caller at a time (`HostCollector` keeps it behind a lock).
public final class HostCollection {
    /// node_exporter's names for the collectors covered, in the order they run; `process` is
    /// Sextant's own process (the client libraries' process collector).
    public static let collectors = ["cpu", "stat", "meminfo", "loadavg", "filesystem", "diskstats", "netdev",
                                    "vmstat", "uname", "time", "filefd", "sockstat", "netstat", "pressure", "process"]

    let paths: HostPaths
    private var cpu = CPUCollector()
    private var mounts: ProcMounts
    private let statfs: Statfs
    private var diskstats: ProcDiskstats
    private var vmstat: ProcVmstat
    private var netstat: ProcNetstat
    /// Malformed lines and failed reads so far, per collector; every collector starts at 0.
    public private(set) var errors: [String: Int]

    public init(paths: HostPaths = HostPaths(), mountTimeout: Duration = .seconds(5)) throws {
        self.paths = paths
        mounts = try ProcMounts()
        statfs = Statfs(timeout: mountTimeout)
        diskstats = try ProcDiskstats()
        vmstat = try ProcVmstat()
        netstat = try ProcNetstat()
        errors = Dictionary(uniqueKeysWithValues: Self.collectors.map { ($0, 0) })
    }

    /// Reads every collector once. `now` is the wall-clock time in seconds (`node_time_seconds`).
    ///
    /// Never throws: a collector that fails reports `node_scrape_collector_success` 0 and counts
    /// in `sextant_host_collector_errors_total`; the others still report.
    public func collect(now: Double) -> HostSamples {
        var out = HostSamples()
        var stat: ProcStat?
        let p = paths
        run("cpu", &out) { s in
            guard let bytes = try ProcFile.read(p.proc + "/stat") else { return false }
            let parsed = ProcStat.parse(bytes, into: &s)
            stat = parsed
            cpu.emit(parsed, into: &s)
            try SysDevicesCPU.read(sys: p.sys, into: &s)
            return true
        }
        run("stat", &out) { s in
            guard let stat else { return false }
            stat.emitStat(into: &s)
            return true
        }
        run("meminfo", &out) { s in try parse(p.proc + "/meminfo", &s, ProcMeminfo.parse) }
        run("loadavg", &out) { s in try parse(p.proc + "/loadavg", &s, ProcLoadavg.parse) }
        run("filesystem", &out) { s in
            guard let list = try mounts.read(proc: p.proc, rootfs: p.rootfs, into: &s) else { return false }
            statfs.emit(list, rootfs: p.rootfs, into: &s)
            return true
        }
        run("diskstats", &out) { s in try diskstats.read(proc: p.proc, udevData: p.udevData, into: &s) }
        run("netdev", &out) { s in try ProcNetDev.read(proc: p.proc, sys: p.sys, into: &s) }
        run("vmstat", &out) { s in
            guard let bytes = try ProcFile.read(p.proc + "/vmstat") else { return false }
            vmstat.parse(bytes, into: &s)
            return true
        }
        run("uname", &out) { s in
            guard let names = Uname.read() else { throw IngestError(.hostSource, "uname(2) failed") }
            Uname.emit(names, into: &s)
            return true
        }
        run("time", &out) { s in
            try SystemTime.read(sys: p.sys, now: now, into: &s)
            return true
        }
        run("filefd", &out) { s in try parse(p.proc + "/sys/fs/file-nr", &s, ProcFileNr.parse) }
        run("sockstat", &out) { s in try ProcSockstat.read(proc: p.proc, into: &s) }
        run("netstat", &out) { s in try netstat.read(proc: p.proc, into: &s) }
        run("pressure", &out) { s in try ProcPressure.read(proc: p.proc, into: &s) }
        run("process", &out, scrapeMetrics: false) { s in try ProcSelf.read(proc: p.proc, bootTime: stat?.bootTime, into: &s) }
        for name in Self.collectors {
            out.add("sextant_host_collector_errors_total", Double(errors[name] ?? 0),
                    [Label("collector", name)], target: .sextant)
        }
        return out
    }

    /// Runs one collector, timing it and counting its problems. `body` returns false when its
    /// source is absent (no data, not an error).
    private func run(_ name: String, _ out: inout HostSamples, scrapeMetrics: Bool = true,
                     _ body: (inout HostSamples) throws -> Bool) {
        let start = ContinuousClock.now
        var part = HostSamples()
        let ok: Bool
        do {
            ok = try body(&part)
        } catch {
            part.malformed("\(name): \(error)")
            ok = false
        }
        errors[name, default: 0] += part.problems.count
        out.append(contentsOf: part)
        guard scrapeMetrics else { return }
        let d = ContinuousClock.now - start
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        out.add("node_scrape_collector_duration_seconds", seconds, [Label("collector", name)])
        out.add("node_scrape_collector_success", ok ? 1 : 0, [Label("collector", name)])
    }

    private func parse(_ path: String, _ s: inout HostSamples, _ parser: ([UInt8], inout HostSamples) -> Void) throws -> Bool {
        guard let bytes = try ProcFile.read(path) else { return false }
        parser(bytes, &s)
        return true
    }
}
