import Glibc
import TSDB

/// /sys/devices/system/cpu: thermal throttle counts and isolated CPUs, the rest of node_exporter's
/// `cpu` collector. Machines without thermal_throttle (VMs, non-Intel) give no throttle series.
enum SysDevicesCPU {
    static func read(sys: String, into samples: inout HostSamples) throws {
        let base = sys + "/devices/system/cpu"
        if let text = try ProcFile.readLine(base + "/isolated") {
            guard let cpus = parseCPUList(text) else {
                samples.malformed("\(base)/isolated: bad CPU list \"\(text)\"")
                return
            }
            for cpu in cpus { samples.add("node_cpu_isolated", 1, [Label("cpu", String(cpu))]) }
        }
        guard let names = try ProcFile.list(base) else { return }
        var packages: [UInt64: UInt64] = [:]
        var cores: [UInt64: [UInt64: UInt64]] = [:]
        var packageSeen: Set<UInt64> = []
        for name in names.sorted() where isCPUDirectory(name) {
            let dir = base + "/" + name
            // Only CPUs with thermal throttle counters can add series; skip the topology reads
            // for the others.
            guard access(dir + "/thermal_throttle", F_OK) == 0 else { continue }
            guard let package = readUInt(dir + "/topology/physical_package_id"),
                  let core = readUInt(dir + "/topology/core_id") else { continue }
            if cores[package]?[core] == nil, let n = readUInt(dir + "/thermal_throttle/core_throttle_count") {
                cores[package, default: [:]][core] = n
            }
            if !packageSeen.contains(package) {
                packageSeen.insert(package)
                if let n = readUInt(dir + "/thermal_throttle/package_throttle_count") { packages[package] = n }
            }
        }
        for (package, n) in packages.sorted(by: { $0.key < $1.key }) {
            samples.add("node_cpu_package_throttles_total", Double(n), [Label("package", String(package))])
        }
        for (package, list) in cores.sorted(by: { $0.key < $1.key }) {
            for (core, n) in list.sorted(by: { $0.key < $1.key }) {
                samples.add("node_cpu_core_throttles_total", Double(n),
                            [Label("package", String(package)), Label("core", String(core))])
            }
        }
    }

    /// `cpu` followed by digits only (not `cpufreq`, `cpuidle`).
    static func isCPUDirectory(_ name: String) -> Bool {
        name.hasPrefix("cpu") && name.count > 3 && name.dropFirst(3).allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The kernel's CPU list format, `0-3,8,10-11`; empty means none.
    static func parseCPUList(_ text: String) -> [Int]? {
        if text.isEmpty { return [] }
        var out: [Int] = []
        for part in text.split(separator: ",") {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count), let lo = Int(ends[0]), let hi = Int(ends[ends.count - 1]),
                  lo >= 0, lo <= hi, hi - lo < 1 << 16 else { return nil }
            out += Array(lo...hi)
        }
        return out
    }

    /// A one-number file; unreadable counts as absent, as node_exporter skips such CPUs.
    private static func readUInt(_ path: String) -> UInt64? {
        guard let line = try? ProcFile.readLine(path) else { return nil }
        return UInt64(line)
    }
}
