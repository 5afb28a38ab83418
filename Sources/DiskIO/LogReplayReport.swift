/// What `RecordLog.replay` read, skipped and repaired.
///
/// `messages` has one line per anomaly (with segment file and byte offset), so an empty
/// list means the log was intact; the server logs them.
public struct LogReplayReport: Sendable {
    /// Segment files visited, empty ones included.
    public var segments = 0
    /// Records the replay closure applied.
    public var records = 0
    /// Bytes cut off the end of the last segment: a record torn by a crash mid-write.
    public var truncatedBytes = 0
    /// Names of segments found damaged; each was cut back to its last good record and
    /// the original moved aside as `<name>.corrupt` (or `<name>.corrupt.N`).
    public var corruptSegments: [String] = []
    /// Records of a type this version does not know, skipped.
    public var unknownRecords = 0
    /// Records whose checksum matched but whose payload did not decode, skipped.
    public var undecodableRecords = 0
    /// Human-readable account of every anomaly.
    public var messages: [String] = []

    public init() {}

    /// True when nothing was skipped, cut or repaired.
    public var isClean: Bool { messages.isEmpty }
}
