import Glibc
import TSDB

/// /proc/stat: time per CPU and mode (node_exporter's `cpu` collector) and the kernel's counters
/// of interrupts, context switches and forks (its `stat` collector).
struct ProcStat: Sendable {
    /// One `cpuN` line: ticks of user, nice, system, idle, iowait, irq, softirq, steal, guest,
    /// guest_nice, in that order (older kernels print fewer; the rest are zero).
    struct CPU: Sendable, Equatable {
        var id: Int
        var ticks: [UInt64]
    }

    var cpus: [CPU] = []
    var bootTime: UInt64?
    var interrupts: UInt64?
    var contextSwitches: UInt64?
    var forks: UInt64?
    var running: UInt64?
    var blocked: UInt64?

    static let cpuModes = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]

    /// Parses the file; malformed lines are skipped and noted in `samples`.
    static func parse(_ bytes: [UInt8], into samples: inout HostSamples) -> ProcStat {
        var out = ProcStat()
        for line in bytes.procLines {
            var it = line.fields
            guard let key = it.next() else { continue }
            if key.hasPrefix("cpu") {
                // The aggregate "cpu" line is not exported; node_exporter sums per-CPU series.
                if key.count == 3 { continue }
                guard let id = key.dropFirst(3).uint64, id < 1 << 20 else {
                    samples.malformed("/proc/stat: bad CPU line \"\(line.string)\"")
                    continue
                }
                var ticks = [UInt64](repeating: 0, count: 10)
                var n = 0, bad = false
                while n < 10, let f = it.next() {
                    guard let v = f.uint64 else { bad = true; break }
                    ticks[n] = v
                    n += 1
                }
                if bad || n == 0 {
                    samples.malformed("/proc/stat: bad CPU line \"\(line.string)\"")
                    continue
                }
                out.cpus.append(CPU(id: Int(id), ticks: ticks))
                continue
            }
            let target: WritableKeyPath<ProcStat, UInt64?>
            switch true {
            case key.isText("btime"): target = \.bootTime
            case key.isText("intr"): target = \.interrupts
            case key.isText("ctxt"): target = \.contextSwitches
            case key.isText("processes"): target = \.forks
            case key.isText("procs_running"): target = \.running
            case key.isText("procs_blocked"): target = \.blocked
            default: continue
            }
            guard let v = it.next()?.uint64 else {
                samples.malformed("/proc/stat: bad \(key.string) line")
                continue
            }
            out[keyPath: target] = v
        }
        return out
    }

    /// node_exporter's `stat` collector.
    func emitStat(into samples: inout HostSamples) {
        let metrics: [(String, UInt64?)] = [
            ("node_intr_total", interrupts), ("node_context_switches_total", contextSwitches),
            ("node_forks_total", forks), ("node_boot_time_seconds", bootTime),
            ("node_procs_running", running), ("node_procs_blocked", blocked),
        ]
        for (name, value) in metrics {
            if let value { samples.add(name, Double(value)) }
        }
    }

    /// Kernel ticks per second for the times in /proc (`USER_HZ`, 100 on every Linux port).
    static let ticksPerSecond: Double = {
        let hz = sysconf(Int32(_SC_CLK_TCK))
        return hz > 0 ? Double(hz) : 100
    }()
}

/// node_exporter's `cpu` collector over /proc/stat, which keeps the counters it reports from
/// going backwards.
///
/// The kernel's idle and iowait ticks can step back a little (a known accounting artefact), and
/// a CPU taken offline and back restarts from zero. Like node_exporter, a value lower than the
/// last one reported is replaced by the last one, and a CPU whose idle time falls by 3 s or more
/// is taken as hot-plugged and starts afresh.
struct CPUCollector: Sendable {
    private var last: [Int: [Double]] = [:]

    static let jumpBackSeconds = 3.0

    mutating func emit(_ stat: ProcStat, into samples: inout HostSamples) {
        if Set(stat.cpus.map(\.id)) != Set(last.keys) { last = [:] }
        for cpu in stat.cpus {
            let now = cpu.ticks.map { Double($0) / ProcStat.ticksPerSecond }
            var shown = last[cpu.id] ?? [Double](repeating: 0, count: 10)
            if shown[3] - now[3] >= Self.jumpBackSeconds { shown = [Double](repeating: 0, count: 10) }
            for i in 0..<10 where now[i] >= shown[i] { shown[i] = now[i] }
            last[cpu.id] = shown
            let id = String(cpu.id)
            for (i, mode) in ProcStat.cpuModes.enumerated() {
                samples.add("node_cpu_seconds_total", shown[i], [Label("cpu", id), Label("mode", mode)])
            }
            // Guest time is also counted in user and nice; node_exporter shows it on its own too.
            samples.add("node_cpu_guest_seconds_total", shown[8], [Label("cpu", id), Label("mode", "user")])
            samples.add("node_cpu_guest_seconds_total", shown[9], [Label("cpu", id), Label("mode", "nice")])
        }
    }
}
