import TSDB

/// /run/udev/data/b<major>:<minor>: the properties udev recorded for a block device (model,
/// serial, file system, device-mapper names), which node_exporter adds to its disk series.
/// Hosts without udev (containers, minimal VMs) have none and get empty labels.
enum UdevData {
    /// The `E:NAME=VALUE` lines of the device's file; empty when there is none.
    static func read(_ dir: String, major: UInt64, minor: UInt64) throws -> [String: String] {
        guard let bytes = try ProcFile.read("\(dir)/b\(major):\(minor)") else { return [:] }
        return parse(bytes)
    }

    static func parse(_ bytes: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        for line in bytes.procLines where line.hasPrefix("E:") {
            let body = line.dropFirst(2)
            guard let eq = body.firstIndex(of: UInt8(ascii: "=")) else { continue }
            out[body[..<eq].string] = body[(eq + 1)...].string
        }
        return out
    }

    /// node_exporter's udev-derived series: `node_disk_filesystem_info`, `node_disk_device_mapper_info`
    /// and, for ATA disks, `node_disk_ata_*`.
    static func emit(_ udev: [String: String], device: String, into samples: inout HostSamples) {
        let dev = Label("device", device)
        if let type = udev["ID_FS_TYPE"], !type.isEmpty {
            samples.add("node_disk_filesystem_info", 1, [
                dev, Label("type", type), Label("usage", udev["ID_FS_USAGE"] ?? ""),
                Label("uuid", udev["ID_FS_UUID"] ?? ""), Label("version", udev["ID_FS_VERSION"] ?? ""),
            ])
        }
        if let name = udev["DM_NAME"], !name.isEmpty {
            samples.add("node_disk_device_mapper_info", 1, [
                dev, Label("name", name), Label("uuid", udev["DM_UUID"] ?? ""),
                Label("vg_name", udev["DM_VG_NAME"] ?? ""), Label("lv_name", udev["DM_LV_NAME"] ?? ""),
                Label("lv_layer", udev["DM_LV_LAYER"] ?? ""),
            ])
        }
        if let ata = udev["ID_ATA"], !ata.isEmpty {
            let attributes = [("ID_ATA_WRITE_CACHE", "node_disk_ata_write_cache"),
                              ("ID_ATA_WRITE_CACHE_ENABLED", "node_disk_ata_write_cache_enabled"),
                              ("ID_ATA_ROTATION_RATE_RPM", "node_disk_ata_rotation_rate_rpm")]
            for (key, name) in attributes {
                guard let text = udev[key] else { continue }
                guard let v = Array(text.utf8)[...].double else {
                    samples.malformed("udev data of \(device): \(key)=\(text) is not a number")
                    continue
                }
                samples.add(name, v, [dev])
            }
        }
    }
}
