#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory (`mmap` with `PROT_READ`, `MAP_SHARED`).
///
/// The mapping lives as long as this object; `bytes` must not be used after it is released
/// (keep the `MappedFile` alive, e.g. with `withExtendedLifetime`, while reading through it).
/// An empty file is fine: `bytes` is then an empty buffer and nothing is mapped.
///
/// Thread-safety: immutable after `init`, so it can be read from any number of threads.
/// The file must not be truncated while mapped: reading a page past the new end raises SIGBUS.
/// Block and segment files are immutable once written, which is what makes this safe for them.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    /// The file's contents.
    public let bytes: UnsafeRawBufferPointer

    public var count: Int { bytes.count }

    /// Maps `path`. Throws `DiskIOError(.io)` when the file cannot be opened, stat'ed or mapped.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw MappedFile.ioError(path, "open") }
        // The mapping keeps its own reference to the file, so the descriptor can go right away.
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw MappedFile.ioError(path, "fstat") }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            throw MappedFile.ioError(path, "mmap")
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }

    /// `DiskIOError(.io)` for the system call `op` on `path` that just failed (reads `errno`).
    public static func ioError(_ path: String, _ op: String) -> DiskIOError {
        DiskIOError.errno(path, op, errno)
    }
}
