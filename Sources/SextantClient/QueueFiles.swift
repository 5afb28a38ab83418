#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations the on-disk queue needs, with errors that name the file.
enum QueueFiles {
    /// Makes `directory` and its missing parents.
    static func createDirectory(_ directory: String) throws(SextantClientError) {
        var path = ""
        for component in directory.split(separator: "/", omittingEmptySubsequences: true) {
            path += (path.isEmpty && !directory.hasPrefix("/") ? "" : "/") + component
            if mkdir(path, 0o755) != 0 && errno != EEXIST { throw ioError(path, "create directory") }
        }
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw SextantClientError(.queueIO, "the queue path \(directory) is not a directory")
        }
    }

    /// Names of the entries of `directory`, without `.` and `..`.
    static func list(_ directory: String) throws(SextantClientError) -> [String] {
        guard let dir = opendir(directory) else { throw ioError(directory, "list") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The size of a regular file, or nil when it is not one.
    static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// Writes `bytes` as the whole of `directory/name` so that after a crash the file is either
    /// absent or complete: into `name.tmp`, fsynced, renamed, then the directory fsynced.
    static func writeAtomically(_ bytes: [UInt8], directory: String, name: String) throws(SextantClientError) {
        let final = directory + "/" + name
        let temporary = final + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ioError(temporary, "create") }
        var failure: SextantClientError?
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = ioError(temporary, "write")
                break
            }
            written += n
        }
        if failure == nil && fsync(fd) != 0 { failure = ioError(temporary, "fsync") }
        close(fd)
        if failure == nil && rename(temporary, final) != 0 { failure = ioError(final, "rename into place") }
        if let failure {
            unlink(temporary)
            throw failure
        }
        try syncDirectory(directory)
    }

    static func contents(of path: String) throws(SextantClientError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError(path, "open") }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError(path, "read")
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[..<n])
        }
    }

    /// Removes a file; a file already gone is not an error.
    static func remove(_ path: String) throws(SextantClientError) {
        if unlink(path) != 0 && errno != ENOENT { throw ioError(path, "remove") }
    }

    static func syncDirectory(_ directory: String) throws(SextantClientError) {
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError(directory, "open directory") }
        defer { close(fd) }
        if fsync(fd) != 0 { throw ioError(directory, "fsync directory") }
    }

    private static func ioError(_ path: String, _ operation: String) -> SextantClientError {
        SextantClientError(.queueIO, "cannot \(operation) \(path): \(String(cString: strerror(errno)))")
    }
}
