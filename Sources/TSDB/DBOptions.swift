/// Settings of a `DB`. Times are in milliseconds.
public struct DBOptions: Sendable {
    /// Blocks whose newest sample is older than the newest sample held minus this are deleted.
    public var retention: Int64 = 15 * 24 * 3600 * 1000
    /// When set, the oldest blocks are deleted while all blocks together are larger than this.
    public var retentionBytes: Int64?
    /// The time span of a block cut from the head; blocks are aligned to multiples of it.
    public var blockRange: Int64 = 2 * 3600 * 1000
    /// The head is cut into blocks once the in-order data it holds spans this long.
    public var headMaxSpan: Int64 = 3 * 3600 * 1000
    /// ... or once it holds this many samples, whatever their times, to bound memory.
    public var headMaxSamples: Int = 60_000_000
    /// Samples this far ahead of the wall clock are refused: a clock that far off is a bug.
    public var futureTolerance: Int64 = 3600 * 1000
    /// Size at which a WAL segment is closed and a new one begun.
    public var walSegmentSize: Int = 128 << 20
    /// Samples per chunk in persisted blocks.
    public var blockChunkSamples: Int = 240

    public init() {}
}
