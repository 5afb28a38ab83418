import DiskIO

/// What `WAL.replay` read, skipped and repaired.
///
/// `messages` has one line per anomaly (with segment file and byte offset), so an empty
/// list means the WAL was intact; the server logs them.
public struct WALReplayReport: Sendable {
    /// Segment files visited, empty ones included.
    public var segments = 0
    /// Records passed to the replay closure.
    public var records = 0
    /// Samples in those records.
    public var samples = 0
    /// Series definitions in those records.
    public var series = 0
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

    init(_ log: LogReplayReport, series: Int, samples: Int) {
        segments = log.segments
        records = log.records
        self.series = series
        self.samples = samples
        truncatedBytes = log.truncatedBytes
        corruptSegments = log.corruptSegments
        unknownRecords = log.unknownRecords
        undecodableRecords = log.undecodableRecords
        messages = log.messages
    }

    /// True when nothing was skipped, cut or repaired.
    public var isClean: Bool { messages.isEmpty }
}
