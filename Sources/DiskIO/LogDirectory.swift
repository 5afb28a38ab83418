#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system operations on a log directory (a WAL): segment names, listing, creating,
/// renaming and removing files, and making directory changes durable.
///
/// Segment files are named by their sequence number, zero-padded to 8 decimal digits
/// (`00000000`, `00000001`, ...); numbers past 99999999 simply get more digits. Other
/// names (`*.corrupt` copies, `*.repair` scratch files) are never taken for segments.
public enum LogDirectory {
    /// One segment file found on disk.
    public struct Segment: Sendable, Equatable {
        public var number: Int
        public var size: Int

        public init(number: Int, size: Int) {
            self.number = number
            self.size = size
        }
    }

    public static let corruptSuffix = ".corrupt"
    public static let repairSuffix = ".repair"

    public static func segmentName(_ number: Int) -> String {
        let digits = String(number)
        return digits.count >= 8 ? digits : String(repeating: "0", count: 8 - digits.count) + digits
    }

    public static func segmentPath(_ directory: String, _ number: Int) -> String {
        directory + "/" + segmentName(number)
    }

    /// The sequence number a file name stands for, or nil if it is not a segment name.
    public static func segmentNumber(_ name: String) -> Int? {
        let u = name.utf8
        guard u.count >= 8, u.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(name)
    }

    /// Names of all entries in `directory` except `.` and `..`.
    public static func entries(_ directory: String) throws -> [String] {
        guard let dir = opendir(directory) else {
            throw LogSegmentFile.error("cannot list directory", directory, errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: &ent.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Segments in `directory` by ascending number, with their sizes.
    public static func segments(_ directory: String) throws -> [Segment] {
        var out: [Segment] = []
        for name in try entries(directory) {
            guard let n = segmentNumber(name) else { continue }
            let path = directory + "/" + name
            var st = stat()
            guard stat(path, &st) == 0 else {
                if errno == ENOENT { continue }  // removed while listing
                throw LogSegmentFile.error("cannot stat", path, errno)
            }
            guard (st.st_mode & S_IFMT) == S_IFREG else { continue }
            out.append(Segment(number: n, size: Int(st.st_size)))
        }
        out.sort { $0.number < $1.number }
        return out
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// Creates `directory` and any missing parents (like `mkdir -p`).
    public static func create(_ directory: String) throws {
        var st = stat()
        if stat(directory, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw DiskIOError(.io, "\(directory) exists and is not a directory")
            }
            return
        }
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for part in directory.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw LogSegmentFile.error("cannot create directory", prefix, errno)
            }
            prefix += "/"
        }
    }

    /// fsync on the directory itself, which makes created, renamed and removed entries durable.
    public static func sync(_ directory: String) throws {
        let f = try LogSegmentFile.openForReading(directory)
        defer { f.close() }
        try f.sync()
    }

    public static func rename(_ from: String, _ to: String) throws {
        #if canImport(Glibc)
        let rc = Glibc.rename(from, to)
        #else
        let rc = Darwin.rename(from, to)
        #endif
        guard rc == 0 else {
            throw LogSegmentFile.error("cannot rename \(from) to", to, errno)
        }
    }

    /// Removes a file; one already gone is not an error.
    public static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw LogSegmentFile.error("cannot remove", path, errno)
        }
    }

    /// A name for the moved-aside copy of a damaged segment that does not overwrite an
    /// earlier one: `N.corrupt`, else `N.corrupt.1`, `N.corrupt.2`, ...
    public static func freeCorruptPath(_ directory: String, _ number: Int) -> String {
        let base = segmentPath(directory, number) + corruptSuffix
        if !exists(base) { return base }
        var i = 1
        while exists(base + ".\(i)") { i += 1 }
        return base + ".\(i)"
    }

    /// Finishes or undoes a repair that a crash interrupted. Repair writes the good prefix
    /// to `N.repair`, renames `N` to `N.corrupt`, then `N.repair` to `N`. So a leftover
    /// `N.repair` with `N` present is an unfinished copy (dropped; the next replay repairs
    /// again), and without `N` it is the finished prefix that only lacks its final name.
    /// Returns a message per file it acted on.
    public static func resolveInterruptedRepairs(_ directory: String) throws -> [String] {
        var messages: [String] = []
        for name in try entries(directory) where name.hasSuffix(repairSuffix) {
            let segName = String(name.dropLast(repairSuffix.count))
            guard segmentNumber(segName) != nil else { continue }
            let scratch = directory + "/" + name
            let target = directory + "/" + segName
            if exists(target) {
                try remove(scratch)
                messages.append("removed unfinished repair file \(scratch)")
            } else {
                try rename(scratch, target)
                messages.append("completed interrupted repair of \(target)")
            }
        }
        if !messages.isEmpty { try sync(directory) }
        return messages
    }
}
