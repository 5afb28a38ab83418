import TSDB

/// /proc/net/dev: node_exporter's `netdev` collector, one `node_network_<column>_total{device}`
/// counter per column, plus `node_network_receive_nohandler_total` from
/// /sys/class/net/<device>/statistics (node_exporter reads it over netlink, which /proc/net/dev
/// does not show). Every device is reported, `lo` too, as upstream node_exporter does.
enum ProcNetDev {
    /// The 16 columns after `device:`, named as node_exporter names them.
    static let columns = [
        "receive_bytes", "receive_packets", "receive_errs", "receive_drop", "receive_fifo", "receive_frame",
        "receive_compressed", "receive_multicast",
        "transmit_bytes", "transmit_packets", "transmit_errs", "transmit_drop", "transmit_fifo", "transmit_colls",
        "transmit_carrier", "transmit_compressed",
    ].map { "node_network_\($0)_total" }

    static func read(proc: String, sys: String, into samples: inout HostSamples) throws -> Bool {
        guard let bytes = try ProcFile.read(proc + "/net/dev") else { return false }
        for device in parse(bytes, into: &samples) {
            let path = "\(sys)/class/net/\(device)/statistics/rx_nohandler"
            if let line = try? ProcFile.readLine(path), let v = UInt64(line) {
                samples.add("node_network_receive_nohandler_total", Double(v), [Label("device", device)])
            }
        }
        return true
    }

    /// Adds the columns of every device and returns the device names.
    static func parse(_ bytes: [UInt8], into samples: inout HostSamples) -> [String] {
        var devices: [String] = []
        // Two header lines ("Inter-|   Receive ...", " face |bytes ..."), then one per device.
        for line in bytes.procLines.dropFirst(2) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                samples.malformed("/proc/net/dev: bad line \"\(line.string)\"")
                continue
            }
            let name = Array(line[..<colon].fields)
            let values = line[(colon + 1)...].fields.map(\.uint64)
            guard name.count == 1, values.count == columns.count, !values.contains(nil) else {
                samples.malformed("/proc/net/dev: bad line \"\(line.string)\"")
                continue
            }
            let device = name[0].string
            devices.append(device)
            for (metric, v) in zip(columns, values) {
                samples.add(metric, Double(v ?? 0), [Label("device", device)])
            }
        }
        return devices
    }
}
