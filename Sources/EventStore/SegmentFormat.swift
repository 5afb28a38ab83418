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

    static let dayMillis: Int64 = 86_400_000

    /// `20260115-0000000042.seg`: the UTC day, then the store-wide sequence number.
    static func segmentName(day: Int64, sequence: UInt64) -> String {
        let digits = String(sequence)
        return civilDate(day) + "-" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits + segmentSuffix
    }

    /// `yyyymmdd` of a day number (days since 1970-01-01, at most year 9999), Gregorian.
    /// Walks years then months: called once per segment name, so clarity beats speed.
    static func civilDate(_ day: Int64) -> String {
        func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        var rest = max(0, day), year: Int64 = 1970
        while rest >= (isLeap(year) ? 366 : 365) {
            rest -= isLeap(year) ? 366 : 365
            year += 1
        }
        let lengths: [Int64] = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var month = 0
        while rest >= lengths[month] {
            rest -= lengths[month]
            month += 1
        }
        func pad(_ v: Int64, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return pad(year, 4) + pad(Int64(month + 1), 2) + pad(rest + 1, 2)
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
