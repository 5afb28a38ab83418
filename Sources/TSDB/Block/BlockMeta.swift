/// The contents of a block's `meta.json`: what the block covers and where it came from.
///
/// Times are milliseconds since the Unix epoch and the range is inclusive at both ends:
/// every sample in the block has `minTime <= t <= maxTime`. An empty block written without an
/// explicit range has `minTime = 0, maxTime = -1` (a range containing no timestamp).
public struct BlockMeta: Codable, Sendable, Equatable {
    /// The only format version this code reads and writes (of meta.json, index and chunks).
    public static let currentVersion = 1

    public struct Stats: Codable, Sendable, Equatable {
        public var numSeries: Int
        public var numChunks: Int
        public var numSamples: Int

        public init(numSeries: Int, numChunks: Int, numSamples: Int) {
            self.numSeries = numSeries
            self.numChunks = numChunks
            self.numSamples = numSamples
        }
    }

    public struct Compaction: Codable, Sendable, Equatable {
        /// 1 for a block cut from the head; a merge of blocks gets one more than its highest input.
        public var level: Int
        /// Ids of the level-1 blocks (or of the direct inputs) this block was made from; empty for a head cut.
        public var sources: [String]

        public init(level: Int, sources: [String]) {
            self.level = level
            self.sources = sources
        }
    }

    /// The block's directory name, as made by `BlockWriter.newID()`.
    public var id: String
    public var minTime: Int64
    public var maxTime: Int64
    public var stats: Stats
    public var compaction: Compaction
    /// Format version of the block's files.
    public var version: Int
    /// Creation order across all blocks of a database: when two blocks hold a sample of the same
    /// series at the same timestamp, the one from the block with the higher sequence wins.
    public var sequence: UInt64

    public init(id: String, minTime: Int64, maxTime: Int64, stats: Stats, compaction: Compaction,
                version: Int = BlockMeta.currentVersion, sequence: UInt64) {
        self.id = id
        self.minTime = minTime
        self.maxTime = maxTime
        self.stats = stats
        self.compaction = compaction
        self.version = version
        self.sequence = sequence
    }

    /// Whether the block may hold samples with timestamps in `[mint, maxt]` (both inclusive).
    public func overlaps(minTime mint: Int64, maxTime maxt: Int64) -> Bool {
        minTime <= maxt && mint <= maxTime
    }
}
