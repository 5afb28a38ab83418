/// /proc/loadavg: node_exporter's `loadavg` collector (`node_load1`, `node_load5`, `node_load15`).
enum ProcLoadavg {
    static func parse(_ bytes: [UInt8], into samples: inout HostSamples) {
        let parts = Array(bytes[...].fields.prefix(3))
        let loads = parts.compactMap(\.double)
        guard loads.count == 3 else {
            samples.malformed("/proc/loadavg: expected three load averages, got \"\(bytes[...].string)\"")
            return
        }
        for (name, v) in zip(["node_load1", "node_load5", "node_load15"], loads) { samples.add(name, v) }
    }
}
