/// /proc/meminfo, as node_exporter's `meminfo` collector names it: every line becomes
/// `node_memory_<Field>_bytes` (kB times 1024), or `node_memory_<Field>` when the kernel gives no
/// unit (the HugePages_* page counts). `Active(anon)` becomes `Active_anon`.
enum ProcMeminfo {
    static func parse(_ bytes: [UInt8], into samples: inout HostSamples) {
        for line in bytes.procLines {
            let parts = Array(line.fields)
            if parts.isEmpty { continue }
            guard parts.count == 2 || parts.count == 3, parts[0].count > 1, parts[0].last == UInt8(ascii: ":"),
                  let value = parts[1].double else {
                samples.malformed("/proc/meminfo: bad line \"\(line.string)\"")
                continue
            }
            var name = "node_memory_" + fieldName(parts[0].dropLast().string)
            var v = value
            if parts.count == 3 {
                // The kernel prints "kB" and means KiB.
                v *= 1024
                name += "_bytes"
            }
            samples.add(name, v)
        }
    }

    /// `Active(anon)` -> `Active_anon`: node_exporter replaces the (greedy) parenthesised part
    /// with an underscore and its contents.
    static func fieldName(_ key: String) -> String {
        guard let open = key.firstIndex(of: "("), let close = key.lastIndex(of: ")"), open < close else { return key }
        return String(key[..<open]) + "_" + String(key[key.index(after: open)..<close]) + String(key[key.index(after: close)...])
    }
}
