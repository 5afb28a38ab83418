/// /proc/vmstat: node_exporter's `vmstat` collector, `node_vmstat_<field>` for the fields its
/// default `--collector.vmstat.fields` selects (page-ins and -outs, swap-ins and -outs, page
/// faults, OOM kills).
struct ProcVmstat: Sendable {
    static let defaultFields = "^(oom_kill|pgpg|pswp|pg.*fault).*"

    private var fields: NamePattern

    init() throws {
        fields = try NamePattern(Self.defaultFields)
    }

    mutating func parse(_ bytes: [UInt8], into samples: inout HostSamples) {
        for line in bytes.procLines {
            let parts = Array(line.fields.prefix(3))
            guard parts.count == 2, let v = parts[1].double else {
                samples.malformed("/proc/vmstat: bad line \"\(line.string)\"")
                continue
            }
            let name = parts[0].string
            if fields.matches(name) { samples.add("node_vmstat_" + name, v) }
        }
    }
}
