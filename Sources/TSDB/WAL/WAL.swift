import DiskIO
import Logging

/// The TSDB's write-ahead log: `WALRecord`s (series definitions and samples) in a `RecordLog`.
/// Records appended here survive the death of the process and, after `sync()`, the loss of
/// power. At start the head is rebuilt with `WAL.replay`.
///
/// The segment files, framing, rotation, fsync policy and repair are `RecordLog`'s (module
/// DiskIO, docs/format/wal.md); this type adds the record kinds and reports errors as
/// `TSDBError` with the same codes.
///
/// Thread-safety: every method may be called concurrently (see `RecordLog`).
public final class WAL: Sendable {
    private let log: RecordLog

    public var directory: String { log.directory }
    /// A segment is closed and a new one started before a write would take it past this
    /// many bytes. A single record larger than this gets a segment of its own.
    public var segmentSize: Int { log.segmentSize }

    /// Opens the WAL in `directory` (created with its parents if missing) and starts a new
    /// segment numbered one past the last existing one.
    ///
    /// - Throws: `.invalidArgument` for a non-positive `segmentSize`; `.io` when the
    ///   directory or segment cannot be created.
    public init(directory: String, segmentSize: Int = 128 << 20, logger: Logger? = nil) throws {
        log = try translatingDiskErrors { try RecordLog(directory: directory, segmentSize: segmentSize, logger: logger) }
    }

    /// Frames `record` (type, length, CRC32C, payload) and appends it to `out`.
    /// Callers may encode several records into one buffer and append them together.
    public static func encode(_ record: WALRecord, into out: inout [UInt8]) {
        RecordLog.encode(type: record.kind.rawValue, into: &out) { record.encodePayload(into: &$0) }
    }

    /// Encodes and appends one record; returns after write(2).
    /// - Throws: `.invalidArgument` for a payload over 256 MiB, `.io`, `.closed`.
    public func append(_ record: WALRecord) throws {
        var bytes: [UInt8] = []
        Self.encode(record, into: &bytes)
        try append(encoded: bytes)
    }

    /// Appends bytes made by `encode` (one or more framed records) with a single write(2).
    /// - Throws: `.invalidArgument` when `bytes` is not whole frames; `.io` when the write
    ///   fails (what reached the file is cut off again); `.closed` after `close()`.
    public func append(encoded bytes: [UInt8]) throws {
        try translatingDiskErrors { try log.append(encoded: bytes) }
    }

    /// Throws `.invalidArgument` unless `raw` is whole frames with plausible headers.
    static func checkFraming(_ raw: UnsafeRawBufferPointer) throws {
        try translatingDiskErrors { try RecordLog.checkFraming(raw) }
    }

    /// Closes the current segment for writing and starts the next one.
    /// - Returns: the new segment's number; every record appended before this call is in
    ///   a lower-numbered segment.
    @discardableResult
    public func rotate() throws -> Int {
        try translatingDiskErrors { try log.rotate() }
    }

    /// Deletes every segment numbered below `number`, never the one being written; `series`
    /// records still needed by later samples must be logged again first.
    public func removeSegments(before number: Int) throws {
        try translatingDiskErrors { try log.removeSegments(before: number) }
    }

    /// The numbers of the oldest segment on disk and of the one being written.
    public var segmentRange: (first: Int, last: Int) { log.segmentRange }

    /// Bytes in all segments, as this WAL has written or found them.
    public var sizeBytes: Int { log.sizeBytes }

    /// Makes every record appended before this call durable against power loss.
    public func sync() throws {
        try translatingDiskErrors { try log.sync() }
    }

    /// Fsyncs everything and closes the WAL. Closing twice does nothing.
    public func close() throws {
        try translatingDiskErrors { try log.close() }
    }

    /// Reads every record of the WAL in `directory`, oldest first, and repairs what a crash
    /// or bad disk left behind (see `RecordLog.replay`). Records that do not decode or are
    /// of an unknown kind are skipped and counted. Segments numbered below `from` are skipped.
    ///
    /// - Throws: `.io` when a segment cannot be read or repaired; whatever `body` throws,
    ///   which stops the replay at once.
    public static func replay(
        directory: String, from first: Int = 0, _ body: (WALRecord) throws -> Void
    ) throws -> WALReplayReport {
        var series = 0, samples = 0
        let report = try translatingDiskErrors {
            try RecordLog.replay(directory: directory, from: first) { type, payload, _ in
                let record: WALRecord?
                do {
                    record = try WALRecord.decode(kind: type, payload: payload)
                } catch {
                    return .undecodable("\(error)")
                }
                guard let record else { return .unknownType }
                switch record {
                case .series(let list): series += list.count
                case .samples(let list): samples += list.count
                }
                try body(record)
                return .replayed
            }
        }
        return WALReplayReport(report, series: series, samples: samples)
    }
}

/// Runs `body`, turning a `DiskIOError` into the `TSDBError` of the same code and message.
func translatingDiskErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as DiskIOError {
        throw TSDBError(e)
    }
}

extension TSDBError {
    init(_ e: DiskIOError) {
        let code: Code = switch e.code {
        case .corrupted: .corrupted
        case .closed: .closed
        case .invalidArgument: .invalidArgument
        default: .io
        }
        self.init(code, e.message, cause: e.cause)
    }
}
