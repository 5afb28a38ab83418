/// /proc/pressure/{cpu,io,memory}: node_exporter's `pressure` collector, the total stall times
/// of pressure stall information (PSI) in seconds. Kernels before 4.20, or with PSI off, have no
/// such files, and the collector reports no data.
enum ProcPressure {
    /// Per resource, the metric for its `some` line and the one for its `full` line (node_exporter
    /// 1.5 shows no `full` figure for the CPU).
    static let resources: [(file: String, some: String?, full: String?)] = [
        ("cpu", "node_pressure_cpu_waiting_seconds_total", nil),
        ("io", "node_pressure_io_waiting_seconds_total", "node_pressure_io_stalled_seconds_total"),
        ("memory", "node_pressure_memory_waiting_seconds_total", "node_pressure_memory_stalled_seconds_total"),
    ]

    static func read(proc: String, into samples: inout HostSamples) throws -> Bool {
        for r in resources {
            // node_exporter stops at the first missing resource and reports no data.
            guard let bytes = try ProcFile.read("\(proc)/pressure/\(r.file)") else { return false }
            parse(bytes, file: r.file, some: r.some, full: r.full, into: &samples)
        }
        return true
    }

    /// `some avg10=0.00 avg60=0.00 avg300=0.00 total=12345` (microseconds) -> seconds.
    static func parse(_ bytes: [UInt8], file: String, some: String?, full: String?, into samples: inout HostSamples) {
        for line in bytes.procLines {
            var it = line.fields
            guard let kind = it.next() else { continue }
            let metric: String?
            if kind.isText("some") { metric = some } else if kind.isText("full") { metric = full } else { continue }
            guard let total = it.first(where: { $0.hasPrefix("total=") })?.dropFirst(6).uint64 else {
                samples.malformed("/proc/pressure/\(file): bad line \"\(line.string)\"")
                continue
            }
            if let metric { samples.add(metric, Double(total) / 1000.0 / 1000.0) }
        }
    }
}
