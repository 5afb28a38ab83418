import UTCTime

/// Names and constants of the event store's files (docs/format/events.md).
enum StoreFiles {
    /// `<store>/wal`: the write-ahead log.
    static let wal = "wal"
    /// `<store>/segments`: the immutable columnar segments.
    static let segments = "segments"
    /// `<store>/corrupted`: segments that failed to open, set aside for an operator.
    static let corrupted = "corrupted"
    static let segmentSuffix = ".seg"
    static let temporarySuffix = ".tmp"

    static let segmentMagic: [UInt8] = Array("SXEVSEG1".utf8)
    static let trailerMagic: [UInt8] = Array("SXEVEND1".utf8)
    static let segmentVersion: UInt8 = 1
    /// Bytes after the table of contents: its length (u32), its CRC32C (u32), the magic.
    static let trailerSize = 16

    static let dayMillis = CivilTime.msPerDay

    /// `20260115-0000000042.seg`: the UTC day, then the store-wide sequence number.
    static func segmentName(day: Int64, sequence: UInt64) -> String {
        let digits = String(sequence)
        return CivilTime.compactDateLabel(days: max(0, day)) + "-" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits + segmentSuffix
    }
}

/// What a segment's table of contents says about it.
struct SegmentMeta: Sendable, Equatable {
    /// UTC day (days since the epoch) every event of the segment falls in.
    var day: Int64
    /// Store-wide, never reused; a later segment has a higher one.
    var sequence: UInt64
    var count: Int
    var minTime: Int64
    var maxTime: Int64
    /// The WAL segment the flush that wrote these events rotated to: every event here was
    /// logged in a lower-numbered WAL segment. Rewrites keep the highest of their inputs.
    var walCutoff: Int
    /// Sequence numbers of the segments this one replaces (compaction, erasure, retention);
    /// any of them still on disk at open is a leftover of a crash and is deleted.
    var supersedes: [UInt64]
}

/// The kind of a segment section; with a key, it names one section of a segment.
enum SectionKind: UInt8 {
    /// The segment's terms (`PropertyValue`s), local id i+1 for the i-th.
    case strings = 1
    /// The segment's user names, local id i+1 for the i-th.
    case userNames = 2
    case ids = 3
    case timestamps = 4
    /// Local user ids per row.
    case users = 5
    /// Local term ids per row; key = `TermColumn.rawValue`.
    case term = 6
    case values = 7
    /// Local value term ids per row; key = the local term id of the property's key.
    case property = 8
}

struct SectionKey: Hashable, Sendable {
    var kind: SectionKind
    var key: UInt32
}
