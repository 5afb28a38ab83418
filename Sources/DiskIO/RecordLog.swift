import Logging
import Synchronization

/// A write-ahead log of typed records: records appended here survive the death of the process
/// and, after `sync()`, the loss of power. At start its owner rebuilds its state with
/// `RecordLog.replay`. The TSDB's WAL and the event store's WAL are both one of these; the
/// meaning of a record's type byte and payload is theirs.
///
/// On disk it is a directory of segment files (`00000000`, `00000001`, ...); each holds
/// framed, checksummed records (docs/format/wal.md, "Record framing"). Only the newest segment is written,
/// and a process never appends to a segment an earlier process wrote: `init` always starts
/// a new one, so a torn record left by a crash stays at the end of its segment.
///
/// Durability: `append` returns once write(2) has handed the bytes to the kernel, so they
/// outlive `kill -9` of this process. They outlive a power loss once `sync()` has returned.
///
/// Thread-safety: every method may be called concurrently. Appends are serialized by a
/// lock held for one write(2), so records from concurrent appenders never interleave.
/// fsync runs outside that lock, so `sync()` does not stall appenders.
///
/// Call `RecordLog.replay` on the directory before opening the log: replay repairs a torn tail,
/// and it must not run on a directory a live WAL is writing.
public final class RecordLog: Sendable {
    public let directory: String
    /// A segment is closed and a new one started before a write would take it past this
    /// many bytes. A single record larger than this gets a segment of its own.
    public let segmentSize: Int
    private let logger: Logger?
    private let state: Mutex<State>
    /// Held for the fsync phase of `sync()`, `close()` and deferred flushes, so that a
    /// `sync()` cannot return while another thread still fsyncs a segment it took over.
    private let syncing = Mutex<Void>(())

    /// Rotated-out segments kept open for a later fsync; past this many, the rotating
    /// appender fsyncs and closes them itself, so descriptors never pile up when nobody
    /// calls `sync()`.
    private static let maxRetiredSegments = 4

    private struct State: Sendable {
        /// The segment being appended to; nil once closed.
        var file: LogSegmentFile?
        var current: Int
        var currentBytes: Int
        /// Segments before `current`, ascending, with their sizes.
        var older: [LogDirectory.Segment]
        var olderBytes: Int
        /// Descriptors of rotated-out segments, still to be fsynced and closed.
        var retired: [LogSegmentFile] = []
        /// Segment files were created or removed since the directory was last fsynced.
        var directoryDirty = true
        /// A failed write could not be cut off; the next append must start a new segment.
        var mustRotate = false
        /// An fsync failure met by a flush nobody waited for; the next `sync()` throws it.
        var deferredSyncError: DiskIOError?
    }

    /// Opens the WAL in `directory` (created with its parents if missing) and starts a new
    /// segment numbered one past the last existing one.
    ///
    /// - Throws: `.invalidArgument` for a non-positive `segmentSize`; `.io` when the
    ///   directory or segment cannot be created.
    public init(directory: String, segmentSize: Int = 128 << 20, logger: Logger? = nil) throws {
        guard segmentSize > 0 else {
            throw DiskIOError(.invalidArgument, "wal: segment size must be positive, got \(segmentSize)")
        }
        self.directory = directory
        self.segmentSize = segmentSize
        self.logger = logger
        try LogDirectory.create(directory)
        for message in try LogDirectory.resolveInterruptedRepairs(directory) {
            logger?.warning("wal: \(message)")
        }
        let existing = try LogDirectory.segments(directory)
        let number = (existing.last?.number ?? -1) + 1
        let file = try LogSegmentFile.createForAppend(LogDirectory.segmentPath(directory, number))
        state = Mutex(State(file: file, current: number, currentBytes: 0,
                            older: existing, olderBytes: existing.reduce(0) { $0 + $1.size }))
        logger?.info("wal: opened \(directory), writing segment \(LogDirectory.segmentName(number))")
    }

    deinit {
        // Without close() there is nothing to report errors to; just release descriptors.
        state.withLock { s in
            s.file?.close()
            s.file = nil
            for f in s.retired { f.close() }
            s.retired = []
        }
    }

    // MARK: appending

    /// Bytes before the payload: type (1), payload length (4, LE), checksum (4, LE).
    public static let headerSize = 9
    /// The largest payload a record may have; replay treats a larger length as corruption,
    /// which bounds what a garbage length field can make it read.
    public static let maxPayloadLength = 256 << 20

    /// The record checksum: CRC32C over the type byte and length field, then the payload.
    /// Covering the type too means a flipped type byte cannot make a payload be read as
    /// another kind of record.
    public static func checksum(typeAndLength: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> UInt32 {
        CRC32C.checksum(payload, continuing: CRC32C.checksum(typeAndLength))
    }

    /// Frames one record (type, length, CRC32C, payload) into `out`: `payload` appends the
    /// payload bytes to the buffer it is given. Callers may encode several records into one
    /// buffer and append them together. `type` must not be 0 (never written, so zero-filled
    /// space never frames as a record). A payload over `maxPayloadLength` cannot be
    /// appended; `append(encoded:)` rejects it.
    public static func encode(type: UInt8, into out: inout [UInt8], payload: (inout [UInt8]) -> Void) {
        precondition(type != 0, "record type 0 is reserved")
        let start = out.count
        let header = headerSize
        out.append(contentsOf: repeatElement(0, count: header))
        payload(&out)
        let length = out.count - start - header
        out.withUnsafeMutableBytes { raw in
            raw[start] = type
            // Clamped so an impossible size is caught by the length check, not wrapped.
            raw.storeBytes(of: UInt32(clamping: length).littleEndian, toByteOffset: start + 1, as: UInt32.self)
            let crc = checksum(
                typeAndLength: UnsafeRawBufferPointer(rebasing: raw[start..<(start + 5)]),
                payload: UnsafeRawBufferPointer(rebasing: raw[(start + header)...]))
            raw.storeBytes(of: crc.littleEndian, toByteOffset: start + 5, as: UInt32.self)
        }
    }

    /// Appends bytes made by `encode` (one or more framed records) with a single write(2),
    /// so they land whole and contiguous. Encoding outside the WAL's lock keeps the lock
    /// short when many requests append at once.
    ///
    /// - Throws: `.invalidArgument` when `bytes` is not a sequence of whole frames (checked
    ///   by walking the headers, not the checksums); `.io` when the write fails (what
    ///   part of it reached the file is cut off again); `.closed` after `close()`.
    public func append(encoded bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        let retiredCount = try bytes.withUnsafeBytes { raw in
            try Self.checkFraming(raw)
            return try state.withLock { s -> Int in
                guard s.file != nil else { throw closedError }
                if s.mustRotate || (s.currentBytes > 0 && s.currentBytes + raw.count > segmentSize) {
                    _ = try rotateLocked(&s)
                }
                guard let file = s.file else { throw closedError }
                do {
                    try file.write(raw)
                } catch {
                    cutOffFailedWrite(&s)
                    throw error
                }
                s.currentBytes += raw.count
                return s.retired.count
            }
        }
        if retiredCount > Self.maxRetiredSegments {
            flushDeferringErrors()
        }
    }

    /// Throws `.invalidArgument` unless `raw` is whole frames with plausible headers.
    public static func checkFraming(_ raw: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < raw.count {
            guard raw.count - offset >= headerSize else {
                throw DiskIOError(.invalidArgument, "log: encoded bytes end inside a record header at byte \(offset)")
            }
            guard raw[offset] != 0 else {
                throw DiskIOError(.invalidArgument, "log: record type 0 at byte \(offset) of encoded bytes")
            }
            let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 1, as: UInt32.self)))
            guard length <= maxPayloadLength else {
                throw DiskIOError(.invalidArgument,
                                "log: record payload of \(length) bytes exceeds the \(maxPayloadLength >> 20) MiB limit")
            }
            guard length <= raw.count - offset - headerSize else {
                throw DiskIOError(.invalidArgument, "log: record at byte \(offset) of encoded bytes runs past their end")
            }
            offset += headerSize + length
        }
    }

    /// After a failed write, cuts the segment back to its last whole record so later
    /// appends do not follow a partial one. If even that fails, the segment is abandoned:
    /// the next append starts a new one, and replay will report the damaged tail.
    private func cutOffFailedWrite(_ s: inout State) {
        guard let file = s.file else { return }
        do {
            try file.truncate(to: s.currentBytes)
        } catch {
            s.mustRotate = true
            logger?.error("wal: \(error); the next append starts a new segment")
        }
    }

    // MARK: segments

    /// Closes the current segment for writing and starts the next one.
    /// - Returns: the new segment's number; every record appended before this call is in
    ///   a lower-numbered segment.
    @discardableResult
    public func rotate() throws -> Int {
        let (number, retiredCount) = try state.withLock { s in
            (try rotateLocked(&s), s.retired.count)
        }
        if retiredCount > Self.maxRetiredSegments { flushDeferringErrors() }
        return number
    }

    private func rotateLocked(_ s: inout State) throws -> Int {
        guard let old = s.file else { throw closedError }
        let next = s.current + 1
        // Create first: if that fails the WAL keeps writing where it was.
        let file = try LogSegmentFile.createForAppend(LogDirectory.segmentPath(directory, next))
        s.retired.append(old)
        s.older.append(LogDirectory.Segment(number: s.current, size: s.currentBytes))
        s.olderBytes += s.currentBytes
        s.file = file
        s.current = next
        s.currentBytes = 0
        s.directoryDirty = true
        s.mustRotate = false
        logger?.debug("wal: started segment \(LogDirectory.segmentName(next))")
        return next
    }

    /// Deletes every segment numbered below `number`, never the one being written. Call it
    /// only once their data is persisted elsewhere; records still needed later (the TSDB's
    /// `series`, the event store's merges) must be logged again (e.g. right after `rotate()`)
    /// before this.
    /// `.corrupt` copies are left for an operator to inspect.
    public func removeSegments(before number: Int) throws {
        let victims = try state.withLock { s -> [LogDirectory.Segment] in
            guard s.file != nil else { throw closedError }
            let v = s.older.filter { $0.number < number }
            guard !v.isEmpty else { return [] }
            s.older.removeAll { $0.number < number }
            s.olderBytes -= v.reduce(0) { $0 + $1.size }
            s.directoryDirty = true
            return v
        }
        var failed: [LogDirectory.Segment] = []
        var firstError: (any Error)?
        for seg in victims {
            do {
                try LogDirectory.remove(LogDirectory.segmentPath(directory, seg.number))
            } catch {
                failed.append(seg)
                firstError = firstError ?? error
            }
        }
        if let firstError {
            // Keep what is still on disk in the books, so sizeBytes stays true.
            state.withLock { s in
                s.older = (s.older + failed).sorted { $0.number < $1.number }
                s.olderBytes += failed.reduce(0) { $0 + $1.size }
            }
            throw firstError
        }
        if !victims.isEmpty {
            logger?.debug("wal: removed \(victims.count) segments before \(LogDirectory.segmentName(number))")
        }
    }

    /// The numbers of the oldest segment on disk and of the one being written.
    public var segmentRange: (first: Int, last: Int) {
        state.withLock { s in (s.older.first?.number ?? s.current, s.current) }
    }

    /// Bytes in all segments, as this WAL has written or found them.
    public var sizeBytes: Int {
        state.withLock { s in s.olderBytes + s.currentBytes }
    }

    // MARK: durability

    /// Makes every record appended before this call durable against power loss: fsyncs
    /// the current segment, any rotated-out segment not yet fsynced, and the directory.
    /// Appends go on meanwhile.
    ///
    /// - Throws: `.io` when an fsync fails (also one that failed earlier in a flush nobody
    ///   waited for); the records may then be lost on power failure. `.closed`.
    public func sync() throws {
        try syncing.withLock { _ in
            let (retired, current, directoryDirty, deferred) = try state.withLock { s in
                guard let file = s.file else { throw closedError }
                let current = try file.duplicate()
                let taken = (s.retired, current, s.directoryDirty, s.deferredSyncError)
                s.retired = []
                s.directoryDirty = false
                s.deferredSyncError = nil
                return taken
            }
            if let error = flush(retired + [current], directoryDirty: directoryDirty) ?? deferred {
                throw error
            }
        }
    }

    /// Fsyncs everything and closes the WAL; later calls other than `close()`,
    /// `segmentRange` and `sizeBytes` throw `.closed`. Closing twice does nothing.
    public func close() throws {
        try syncing.withLock { _ in
            let (files, directoryDirty, deferred) = state.withLock { s in
                guard let file = s.file else { return ([LogSegmentFile](), false, DiskIOError?.none) }
                let taken = (s.retired + [file], s.directoryDirty, s.deferredSyncError)
                s.file = nil
                s.retired = []
                s.directoryDirty = false
                s.deferredSyncError = nil
                return taken
            }
            if files.isEmpty { return }
            if let error = flush(files, directoryDirty: directoryDirty) ?? deferred { throw error }
            logger?.info("wal: closed \(directory)")
        }
    }

    /// Fsyncs and closes `files`, then fsyncs the directory if needed. Returns the first
    /// error; every file is closed either way. Call with `syncing` held.
    private func flush(_ files: [LogSegmentFile], directoryDirty: Bool) -> DiskIOError? {
        var firstError: DiskIOError?
        for f in files {
            do {
                try f.sync()
            } catch {
                logger?.error("wal: \(error)")
                firstError = firstError ?? (error as? DiskIOError) ?? DiskIOError(.io, "wal: fsync failed", cause: error)
            }
            f.close()
        }
        if directoryDirty {
            do {
                try LogDirectory.sync(directory)
            } catch {
                // Nothing was lost yet; mark it so the next sync tries again.
                state.withLock { $0.directoryDirty = true }
                firstError = firstError ?? (error as? DiskIOError) ?? DiskIOError(.io, "wal: fsync failed", cause: error)
            }
        }
        return firstError
    }

    /// Fsyncs and closes the rotated-out segments for an appender that must not fail
    /// because of it: an error is logged and kept for the next `sync()` to throw.
    private func flushDeferringErrors() {
        syncing.withLock { _ in
            let retired = state.withLock { s in
                let r = s.retired
                s.retired = []
                return r
            }
            if let error = flush(retired, directoryDirty: false) {
                state.withLock { s in s.deferredSyncError = s.deferredSyncError ?? error }
            }
        }
    }

    private var closedError: DiskIOError {
        DiskIOError(.closed, "wal: \(directory) is closed")
    }
}
