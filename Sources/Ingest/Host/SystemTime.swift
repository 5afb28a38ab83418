import Glibc
import TSDB

/// The clock: node_exporter's `time` collector (`node_time_seconds`, the time zone offset and
/// the clock sources in /sys/devices/system/clocksource).
enum SystemTime {
    static func read(sys: String, now: Double, into samples: inout HostSamples) throws {
        samples.add("node_time_seconds", now)
        var t = time_t(now.isFinite && abs(now) < 1e15 ? now.rounded(.down) : 0)
        var local = tm()
        if localtime_r(&t, &local) != nil {
            let zone = local.tm_zone.map { String(cString: $0) } ?? ""
            samples.add("node_time_zone_offset_seconds", Double(local.tm_gmtoff), [Label("time_zone", zone)])
        }
        let base = sys + "/devices/system/clocksource"
        guard let names = try ProcFile.list(base) else { return }
        // node_exporter numbers the clock sources by their place in the (lexically) sorted listing.
        let sources = names.filter { $0.hasPrefix("clocksource") && Int($0.dropFirst(11)) != nil }.sorted()
        for (i, name) in sources.enumerated() {
            let device = Label("device", String(i))
            if let available = try ProcFile.readLine("\(base)/\(name)/available_clocksource") {
                for source in available.split(separator: " ") {
                    samples.add("node_time_clocksource_available_info", 1, [Label("clocksource", String(source)), device])
                }
            }
            if let current = try ProcFile.readLine("\(base)/\(name)/current_clocksource") {
                samples.add("node_time_clocksource_current_info", 1, [Label("clocksource", current), device])
            }
        }
    }
}
