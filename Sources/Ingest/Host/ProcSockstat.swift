import Glibc

/// /proc/net/sockstat and sockstat6: node_exporter's `sockstat` collector,
/// `node_sockstat_<PROTOCOL>_<key>` for every key the kernel prints (`inuse`, `orphan`, `tw`,
/// `alloc`, `mem` in pages, `memory` in bytes), `_mem_bytes` for pages in bytes, and
/// `node_sockstat_sockets_used`.
enum ProcSockstat {
    static let keys: Set<String> = ["inuse", "orphan", "tw", "alloc", "mem", "memory"]
    static let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    static func read(proc: String, into samples: inout HostSamples) throws -> Bool {
        let v4 = try ProcFile.read(proc + "/net/sockstat")
        let v6 = try ProcFile.read(proc + "/net/sockstat6")
        if let v4 { parse(v4, file: "sockstat", into: &samples) }
        if let v6 { parse(v6, file: "sockstat6", into: &samples) }
        return v4 != nil || v6 != nil
    }

    static func parse(_ bytes: [UInt8], file: String, into samples: inout HostSamples) {
        for line in bytes.procLines {
            let parts = Array(line.fields)
            guard parts.count >= 3, parts.count % 2 == 1, parts[0].last == UInt8(ascii: ":") else {
                samples.malformed("/proc/net/\(file): bad line \"\(line.string)\"")
                continue
            }
            var pairs: [(String, Double)] = []
            for i in stride(from: 1, to: parts.count, by: 2) {
                guard let v = parts[i + 1].double else { break }
                pairs.append((parts[i].string, v))
            }
            guard pairs.count == parts.count / 2 else {
                samples.malformed("/proc/net/\(file): bad line \"\(line.string)\"")
                continue
            }
            let proto = parts[0].dropLast().string
            if proto == "sockets" {
                // Only the IPv4 file has it: all sockets of every family.
                if let used = pairs.first(where: { $0.0 == "used" }) { samples.add("node_sockstat_sockets_used", used.1) }
                continue
            }
            var values = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
            values["inuse"] = values["inuse"] ?? 0
            if let mem = values["mem"] { values["mem_bytes"] = mem * pageSize }
            for (key, v) in values.sorted(by: { $0.key < $1.key }) where keys.contains(key) || key == "mem_bytes" {
                samples.add("node_sockstat_\(proto)_\(key)", v)
            }
        }
    }
}
