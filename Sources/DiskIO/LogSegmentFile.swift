#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thin wrapper over one open file descriptor of a log segment (or a file the log
/// writes during repair). Every failure becomes `DiskIOError(.io, ...)` naming the
/// operation, the path and the errno text.
///
/// Not thread-safe by itself: `RecordLog` serializes access with its lock. It is a plain
/// value; whoever holds it must call `close()` exactly once.
public struct LogSegmentFile: Sendable {
    public let fd: Int32
    public let path: String

    /// Creates a new, empty file for appending; fails if the path exists, which is how
    /// the writer guarantees it never appends to a segment an earlier process wrote.
    public static func createForAppend(_ path: String) throws -> LogSegmentFile {
        try open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, what: "create")
    }

    /// Creates or empties a file for writing from the start (repair output).
    public static func createTruncating(_ path: String) throws -> LogSegmentFile {
        try open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, what: "create")
    }

    public static func openForReading(_ path: String) throws -> LogSegmentFile {
        try open(path, O_RDONLY | O_CLOEXEC, what: "open")
    }

    public static func openForWriting(_ path: String) throws -> LogSegmentFile {
        try open(path, O_WRONLY | O_CLOEXEC, what: "open")
    }

    private static func open(_ path: String, _ flags: Int32, what: String) throws -> LogSegmentFile {
        while true {
            #if canImport(Glibc)
            let fd = Glibc.open(path, flags, 0o644)
            #else
            let fd = Darwin.open(path, flags, 0o644)
            #endif
            if fd >= 0 { return LogSegmentFile(fd: fd, path: path) }
            if errno == EINTR { continue }
            throw LogSegmentFile.error("cannot \(what)", path, errno)
        }
    }

    /// Writes all of `bytes`, looping over partial writes and EINTR. On failure some
    /// prefix may have reached the file; the caller cuts it off with `truncate(to:)`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            #if canImport(Glibc)
            let n = Glibc.write(fd, p, left)
            #else
            let n = Darwin.write(fd, p, left)
            #endif
            if n > 0 {
                p += n
                left -= n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                // write(2) returning 0 for a non-empty regular-file write means no progress
                // is possible; report it like the I/O error it is.
                throw LogSegmentFile.error("cannot write \(bytes.count) bytes to", path, n == 0 ? EIO : errno)
            }
        }
    }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if n > 0 {
                done += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw LogSegmentFile.error("cannot read", path, errno)
            }
        }
        return done
    }

    public func sync() throws {
        while fsync(fd) != 0 {
            if errno != EINTR { throw LogSegmentFile.error("cannot fsync", path, errno) }
        }
    }

    public func truncate(to size: Int) throws {
        while ftruncate(fd, off_t(size)) != 0 {
            if errno != EINTR { throw LogSegmentFile.error("cannot truncate to \(size) bytes", path, errno) }
        }
    }

    public func size() throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw LogSegmentFile.error("cannot stat", path, errno) }
        return Int(st.st_size)
    }

    /// A second descriptor for the same open file, so it can be fsynced without the
    /// writer's lock while the writer may close its own.
    public func duplicate() throws -> LogSegmentFile {
        let d = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        guard d >= 0 else { throw LogSegmentFile.error("cannot duplicate descriptor of", path, errno) }
        return LogSegmentFile(fd: d, path: path)
    }

    /// Closes the descriptor. Errors are ignored: on Linux the descriptor is released
    /// regardless, and durability is what `sync()` reports.
    public func close() {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    /// `DiskIOError(.io)` reading e.g. "wal: cannot write 42 bytes to /data/wal/00000003: no space left on device (errno 28)".
    public static func error(_ what: String, _ path: String, _ code: Int32) -> DiskIOError {
        DiskIOError(.io, "wal: \(what) \(path): \(errnoText(code)) (errno \(code))")
    }

    /// strerror's text starting lower case, so it reads well after a colon.
    public static func errnoText(_ code: Int32) -> String {
        guard let c = strerror(code) else { return "error \(code)" }
        let s = String(cString: c)
        guard let first = s.first else { return s }
        return first.lowercased() + s.dropFirst()
    }
}
