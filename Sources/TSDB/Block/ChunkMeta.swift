/// One encoded chunk handed to `BlockWriter`: its time range, sample count and encoded bytes.
///
/// The bytes are opaque to the block format; they are stored and returned unchanged.
public struct ChunkMeta: Sendable, Equatable {
    /// Timestamp of the first sample, in milliseconds.
    public var minTime: Int64
    /// Timestamp of the last sample, in milliseconds (inclusive); `maxTime >= minTime`.
    public var maxTime: Int64
    /// Number of samples encoded in `bytes`.
    public var count: Int
    /// The encoded chunk.
    public var bytes: [UInt8]

    public init(minTime: Int64, maxTime: Int64, count: Int, bytes: [UInt8]) {
        self.minTime = minTime
        self.maxTime = maxTime
        self.count = count
        self.bytes = bytes
    }
}

/// One series handed to `BlockWriter`: its labels and its chunks, sorted by `minTime`.
public struct BlockSeries: Sendable {
    public var labels: Labels
    public var chunks: [ChunkMeta]

    public init(labels: Labels, chunks: [ChunkMeta]) {
        self.labels = labels
        self.chunks = chunks
    }
}

/// Where a chunk of a persisted block lives: its time range, sample count, and the byte range of
/// its encoded bytes in the block's `chunks` file. Read the bytes with `BlockReader.chunkBytes`.
public struct ChunkRef: Sendable, Equatable, Hashable {
    /// Timestamp of the first sample, in milliseconds.
    public var minTime: Int64
    /// Timestamp of the last sample, in milliseconds (inclusive).
    public var maxTime: Int64
    /// Number of samples in the chunk.
    public var count: Int
    /// Byte offset of the encoded chunk in the `chunks` file.
    public var offset: Int
    /// Length of the encoded chunk in bytes (the CRC that follows it on disk is not included).
    public var length: Int

    public init(minTime: Int64, maxTime: Int64, count: Int, offset: Int, length: Int) {
        self.minTime = minTime
        self.maxTime = maxTime
        self.count = count
        self.offset = offset
        self.length = length
    }
}
