/// /proc/self: Sextant's own process, as the Prometheus client libraries' process collector
/// reports it (`process_cpu_seconds_total`, `process_resident_memory_bytes`,
/// `process_virtual_memory_bytes`, `process_virtual_memory_max_bytes`, `process_open_fds`,
/// `process_max_fds`, `process_start_time_seconds`), under `job="sextant"`.
enum ProcSelf {
    static func read(proc: String, bootTime: UInt64?, into samples: inout HostSamples) throws -> Bool {
        guard let stat = try ProcFile.read(proc + "/self/stat") else { return false }
        parseStat(stat, bootTime: bootTime, into: &samples)
        if let fds = try ProcFile.list(proc + "/self/fd") {
            samples.add("process_open_fds", Double(fds.count), target: .sextant)
        }
        if let limits = try ProcFile.read(proc + "/self/limits") {
            parseLimits(limits, into: &samples)
        }
        return true
    }

    /// `pid (comm) state ppid ...`: the command may hold spaces and parentheses, so fields are
    /// counted from the last `)`.
    static func parseStat(_ bytes: [UInt8], bootTime: UInt64?, into samples: inout HostSamples) {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else {
            samples.malformed("/proc/self/stat: no command name")
            return
        }
        // After ")": state is field 0, utime 11, stime 12, starttime 19, vsize 20, rss 21.
        let f = Array(bytes[(close + 1)...].fields.prefix(22))
        guard f.count == 22, let utime = f[11].uint64, let stime = f[12].uint64, let start = f[19].uint64,
              let vsize = f[20].uint64, let rss = f[21].double else {
            samples.malformed("/proc/self/stat: too few or bad fields")
            return
        }
        samples.add("process_cpu_seconds_total", Double(utime &+ stime) / ProcStat.ticksPerSecond, target: .sextant)
        samples.add("process_virtual_memory_bytes", Double(vsize), target: .sextant)
        samples.add("process_resident_memory_bytes", rss * ProcSockstat.pageSize, target: .sextant)
        if let bootTime {
            samples.add("process_start_time_seconds", Double(bootTime) + Double(start) / ProcStat.ticksPerSecond, target: .sextant)
        }
    }

    /// The soft limits on open files and address space; `unlimited` is 2^64 - 1, as the Go
    /// client reports it.
    static func parseLimits(_ bytes: [UInt8], into samples: inout HostSamples) {
        let wanted: [(String, String)] = [("Max open files", "process_max_fds"),
                                          ("Max address space", "process_virtual_memory_max_bytes")]
        for line in bytes.procLines {
            let text = line.string
            guard let (prefix, metric) = wanted.first(where: { text.hasPrefix($0.0) }) else { continue }
            var rest = Array(text.dropFirst(prefix.count).utf8)[...].fields
            guard let soft = rest.next() else {
                samples.malformed("/proc/self/limits: bad line \"\(text)\"")
                continue
            }
            if soft.isText("unlimited") {
                samples.add(metric, Double(UInt64.max), target: .sextant)
            } else if let v = soft.uint64 {
                samples.add(metric, Double(v), target: .sextant)
            } else {
                samples.malformed("/proc/self/limits: bad line \"\(text)\"")
            }
        }
    }
}
