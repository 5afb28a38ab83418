import DiskIO
import Foundation

/// Read access to one persisted block, through read-only memory maps of its `index` and `chunks`.
///
/// Opening validates the framing of both files (magic, version, the CRC32C of every index
/// section and of the table of contents) and the fixed-size tables of the index, and decodes
/// the symbol table; series and postings are read on demand straight from the mapping, so
/// opening costs one pass over the index and nothing per chunk.
///
/// Series ids are positions in label-sorted order (`0..<seriesCount`), so every postings list is
/// sorted and can be combined with `PostingsMath`. Strings (label names, values, and the order
/// of series) are compared by UTF-8 bytes, not by `String ==`/`<`: see `BlockStringOrder`.
///
/// Damaged files never crash the reader: every read is bounds-checked and anything that does not
/// decode throws `TSDBError(.corrupted, "<dir>/<file>: <what> at offset N")`; a missing file or
/// an undecodable `meta.json` is reported the same way. `TSDBError(.io)` means the file system
/// refused (permissions, descriptors), which may be temporary.
///
/// Thread-safety: immutable after `init`; any number of threads may read concurrently.
/// The block's files must not be modified or truncated while a reader has them mapped.
public final class BlockReader: Sendable {
    public let meta: BlockMeta
    public let directory: String
    /// Number of series; their ids are `0..<seriesCount`.
    public let seriesCount: Int

    let index: MappedFile
    let chunks: MappedFile
    let indexPath: String
    let chunksPath: String
    let metaSize: Int
    /// Every name and value in the block, sorted; label pairs refer to them by position.
    let symbols: [String]
    /// Whether each symbol is pure ASCII; see `series(_:chunks:)`.
    let asciiSymbols: [Bool]
    /// Series section: body range, and where its offset table and its entries start (absolute).
    let seriesBody: Range<Int>
    let seriesTable: Int
    let seriesEntries: Int
    /// Subtracted from each series' first chunk time in the index.
    let baseTime: Int64
    /// Label index: a table of names (12 bytes each) and a table of values (16 bytes each).
    let namesTable: Int
    let nameCount: Int
    let valuesTable: Int
    let valueCount: Int
    /// Postings section body (absolute), an array of little-endian UInt32 series ids.
    let postingsBody: Range<Int>

    /// Opens the block in `directory` (the `<parent>/<id>` path written by `BlockWriter`).
    public init(directory: String) throws {
        self.directory = directory
        let metaPath = BlockFiles.join(directory, BlockFiles.meta)
        let (meta, metaSize) = try BlockReader.readMeta(metaPath)
        self.meta = meta
        self.metaSize = metaSize

        indexPath = BlockFiles.join(directory, BlockFiles.index)
        chunksPath = BlockFiles.join(directory, BlockFiles.chunks)
        index = try BlockReader.map(indexPath)
        chunks = try BlockReader.map(chunksPath)
        try BlockReader.checkHeader(chunks.bytes, magic: BlockFiles.chunksMagic, path: chunksPath)

        let layout = try BlockIndexLayout(index.bytes, path: indexPath)
        symbols = layout.symbols
        asciiSymbols = layout.asciiSymbols
        seriesBody = layout.seriesBody
        seriesTable = layout.seriesTable
        seriesEntries = layout.seriesEntries
        seriesCount = layout.seriesCount
        baseTime = layout.baseTime
        namesTable = layout.namesTable
        nameCount = layout.nameCount
        valuesTable = layout.valuesTable
        valueCount = layout.valueCount
        postingsBody = layout.postingsBody

        if meta.stats.numSeries != seriesCount {
            throw TSDBError(.corrupted, "\(metaPath): numSeries \(meta.stats.numSeries) but the index holds \(seriesCount) series")
        }
    }

    /// Bytes the block takes on disk (index + chunks + meta.json).
    public var sizeBytes: Int { index.count + chunks.count + metaSize }

    private static func readMeta(_ path: String) throws -> (BlockMeta, Int) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TSDBError(.corrupted, "\(path): missing")
        }
        let file = try translatingDiskErrors { try MappedFile(path: path) }
        let data = Data(file.bytes)
        let meta: BlockMeta
        do {
            meta = try JSONDecoder().decode(BlockMeta.self, from: data)
        } catch {
            throw TSDBError(.corrupted, "\(path): not a valid block meta: \(error)")
        }
        guard meta.version == BlockMeta.currentVersion else {
            throw TSDBError(.corrupted, "\(path): unsupported version \(meta.version)")
        }
        let s = meta.stats
        guard s.numSeries >= 0, s.numChunks >= 0, s.numSamples >= 0, meta.compaction.level >= 0 else {
            throw TSDBError(.corrupted, "\(path): negative count in stats or compaction")
        }
        guard meta.minTime <= meta.maxTime || s.numSeries == 0 else {
            throw TSDBError(.corrupted, "\(path): minTime \(meta.minTime) after maxTime \(meta.maxTime)")
        }
        return (meta, data.count)
    }

    private static func map(_ path: String) throws -> MappedFile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TSDBError(.corrupted, "\(path): missing")
        }
        return try translatingDiskErrors { try MappedFile(path: path) }
    }

    /// Checks the 8-byte header shared by the index and chunks files.
    static func checkHeader(_ b: UnsafeRawBufferPointer, magic: [UInt8], path: String) throws {
        guard b.count >= BlockFiles.headerSize else {
            throw BlockDecoder.corrupted(path, "file too short for its header (\(b.count) bytes)", at: 0)
        }
        guard b.prefix(4).elementsEqual(magic) else {
            throw BlockDecoder.corrupted(path, "bad magic number", at: 0)
        }
        guard b[4] == UInt8(BlockMeta.currentVersion) else {
            throw BlockDecoder.corrupted(path, "unsupported version \(b[4])", at: 4)
        }
    }

    // MARK: - Fixed-size fields, valid by construction once `init` has checked the tables.

    func u32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: index.bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    func u64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: index.bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
