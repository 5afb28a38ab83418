/// /proc/sys/fs/file-nr: node_exporter's `filefd` collector (`node_filefd_allocated`, the file
/// handles in use, and `node_filefd_maximum`; the middle field is always 0 since Linux 2.6).
enum ProcFileNr {
    static func parse(_ bytes: [UInt8], into samples: inout HostSamples) {
        let parts = Array(bytes[...].split(whereSeparator: { $0 == 9 || $0 == 10 || $0 == 32 }).prefix(3))
        guard parts.count == 3, let allocated = parts[0].double, let maximum = parts[2].double else {
            samples.malformed("/proc/sys/fs/file-nr: expected three numbers, got \"\(bytes[...].string)\"")
            return
        }
        samples.add("node_filefd_allocated", allocated)
        samples.add("node_filefd_maximum", maximum)
    }
}
