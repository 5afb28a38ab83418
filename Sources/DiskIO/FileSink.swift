#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A new file written front to back through a buffer, then fsynced and closed by `finish()`.
///
/// Used by the TSDB's `BlockWriter` and the event store's segment writer, so big files stream to
/// disk instead of being assembled in memory.
/// Not thread-safe. If `finish()` is never reached (an error), the descriptor is closed on release
/// and the half-written file is left for the caller to delete.
public final class FileSink {
    public let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferSize: Int
    /// Bytes appended so far (written or buffered): the offset the next append lands at.
    public private(set) var offset: Int = 0

    /// Creates `path`, which must not exist yet.
    public init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        self.bufferSize = bufferSize
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw MappedFile.ioError(path, "create") }
        buffer.reserveCapacity(bufferSize)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    public func append(_ raw: UnsafeRawBufferPointer) throws {
        if buffer.count + raw.count > bufferSize {
            try flush()
            // Large pieces skip the buffer rather than being copied through it.
            if raw.count >= bufferSize {
                try writeAll(raw)
                offset += raw.count
                return
            }
        }
        buffer.append(contentsOf: raw)
        offset += raw.count
    }

    public func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    public func appendU32(_ v: UInt32) throws {
        try withUnsafeBytes(of: v.littleEndian) { try append($0) }
    }

    /// Writes what is buffered, fsyncs and closes the file.
    public func finish() throws {
        try flush()
        if fsync(fd) != 0 { throw MappedFile.ioError(path, "fsync") }
        let rc = close(fd)
        fd = -1
        if rc != 0 { throw MappedFile.ioError(path, "close") }
    }

    private func flush() throws {
        if buffer.isEmpty { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
        guard var p = raw.baseAddress else { return }
        var left = raw.count
        while left > 0 {
            let n = write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw MappedFile.ioError(path, "write")
            }
            p += n
            left -= n
        }
    }

    /// Writes `bytes` as the whole content of a new file, fsynced.
    public static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let sink = try FileSink(path: path, bufferSize: 0)
        try sink.append(bytes)
        try sink.finish()
    }

    /// fsyncs a directory so that entries created or renamed in it survive a crash.
    public static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw MappedFile.ioError(path, "open directory") }
        defer { close(fd) }
        if fsync(fd) != 0 { throw MappedFile.ioError(path, "fsync directory") }
    }
}
