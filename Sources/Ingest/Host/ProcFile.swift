import Glibc

/// Reads the kernel's small text files (/proc, /sys) whole, with a size bound.
///
/// Kernel files report a size of 0, so they are read in growing chunks until end of file.
enum ProcFile {
    /// Largest file read. The biggest /proc files read here (mounts, snmp6) stay far below it
    /// even with thousands of mounts or interfaces.
    static let maxBytes = 16 << 20

    /// The file's bytes, or nil when it is not there: a kernel without the feature, a container
    /// without the mount, PSI switched off (`EOPNOTSUPP` on read). Other failures throw.
    static func read(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            if isAbsence(e) { return nil }
            throw IngestError(.hostSource, "cannot open \(path): \(String(cString: strerror(e)))")
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        var used = 0
        while true {
            if used == buffer.count {
                guard buffer.count < maxBytes else {
                    throw IngestError(.hostSource, "\(path) is larger than \(maxBytes) bytes")
                }
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            let n = buffer.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress! + used, raw.count - used)
            }
            if n == 0 { break }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if isAbsence(e) { return nil }
                throw IngestError(.hostSource, "cannot read \(path): \(String(cString: strerror(e)))")
            }
            used += n
        }
        buffer.removeSubrange(used...)
        return buffer
    }

    /// The file's first line without surrounding white space, for one-value /sys files.
    static func readLine(_ path: String) throws -> String? {
        guard let bytes = try read(path) else { return nil }
        let line = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        return String(decoding: line, as: UTF8.self).trimmingWhitespace()
    }

    /// Names in a directory, without `.` and `..`; nil when the directory is not there.
    static func list(_ path: String) throws -> [String]? {
        guard let dir = opendir(path) else {
            let e = errno
            if isAbsence(e) { return nil }
            throw IngestError(.hostSource, "cannot list \(path): \(String(cString: strerror(e)))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static func isAbsence(_ e: Int32) -> Bool {
        e == ENOENT || e == ENOTDIR || e == EOPNOTSUPP || e == ENODEV
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
