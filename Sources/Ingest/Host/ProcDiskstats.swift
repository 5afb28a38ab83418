import TSDB

/// /proc/diskstats: node_exporter's `diskstats` collector, `node_disk_*{device}` in its units
/// (sectors of 512 bytes become bytes, milliseconds become seconds), plus `node_disk_info` and
/// the udev properties it reads from /run/udev/data.
struct ProcDiskstats: Sendable {
    /// node_exporter 1.5's `--collector.diskstats.device-exclude` default: RAM disks, loop
    /// devices, floppies and partitions (whose I/O the whole disk already counts).
    static let excludedDevices = #"^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$"#

    /// The statistics after the device name, in the kernel's order, with the factor that turns
    /// each into node_exporter's unit. Older kernels print only the first 11, or 15.
    static let columns: [(name: String, factor: Double)] = [
        ("node_disk_reads_completed_total", 1),
        ("node_disk_reads_merged_total", 1),
        ("node_disk_read_bytes_total", sectorBytes),
        ("node_disk_read_time_seconds_total", secondsPerTick),
        ("node_disk_writes_completed_total", 1),
        ("node_disk_writes_merged_total", 1),
        ("node_disk_written_bytes_total", sectorBytes),
        ("node_disk_write_time_seconds_total", secondsPerTick),
        ("node_disk_io_now", 1),
        ("node_disk_io_time_seconds_total", secondsPerTick),
        ("node_disk_io_time_weighted_seconds_total", secondsPerTick),
        ("node_disk_discards_completed_total", 1),
        ("node_disk_discards_merged_total", 1),
        // node_exporter keeps this one in sectors.
        ("node_disk_discarded_sectors_total", 1),
        ("node_disk_discard_time_seconds_total", secondsPerTick),
        ("node_disk_flush_requests_total", 1),
        ("node_disk_flush_requests_time_seconds_total", secondsPerTick),
    ]
    /// The kernel counts "standard UNIX 512-byte sectors" whatever the device's block size.
    static let sectorBytes = 512.0
    static let secondsPerTick = 1.0 / 1000.0

    private var excluded: NamePattern

    init() throws {
        excluded = try NamePattern(Self.excludedDevices)
    }

    mutating func read(proc: String, udevData: String, into samples: inout HostSamples) throws -> Bool {
        guard let bytes = try ProcFile.read(proc + "/diskstats") else { return false }
        for line in bytes.procLines {
            var it = line.fields
            guard let major = it.next()?.uint64, let minor = it.next()?.uint64, let name = it.next(), major <= UInt32.max, minor <= UInt32.max else {
                samples.malformed("/proc/diskstats: bad line \"\(line.string)\"")
                continue
            }
            var values: [UInt64] = []
            var bad = false
            while values.count < Self.columns.count, let f = it.next() {
                guard let v = f.uint64 else { bad = true; break }
                values.append(v)
            }
            if bad || values.count < 4 {
                samples.malformed("/proc/diskstats: bad line \"\(line.string)\"")
                continue
            }
            let device = name.string
            if excluded.matches(device) { continue }
            let udev = (try? UdevData.read(udevData, major: major, minor: minor)) ?? [:]
            let dev = Label("device", device)
            samples.add("node_disk_info", 1, [
                dev, Label("major", String(major)), Label("minor", String(minor)),
                Label("path", udev["ID_PATH"] ?? ""), Label("wwn", udev["ID_WWN"] ?? ""),
                Label("model", udev["ID_MODEL"] ?? ""), Label("serial", udev["ID_SERIAL_SHORT"] ?? ""),
                Label("revision", udev["ID_REVISION"] ?? ""),
            ])
            for (column, v) in zip(Self.columns, values) {
                samples.add(column.name, Double(v) * column.factor, [dev])
            }
            UdevData.emit(udev, device: device, into: &samples)
        }
        return true
    }
}
