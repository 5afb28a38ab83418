import DiskIO
import Foundation

/// Writes immutable blocks: a directory `<parent>/<id>` with `chunks`, `index` and `meta.json`.
///
/// Writing is atomic: everything goes into `<parent>/<id>.tmp`, each file is fsynced, the
/// directory is fsynced, renamed to `<parent>/<id>`, and then `<parent>` is fsynced. A crash
/// leaves at most a `*.tmp` directory (see `BlockFiles.isTemporary`), never a partial block.
///
/// Memory: the chunks file is streamed through a 1 MiB buffer, so beyond the input itself the
/// writer holds only the index (typically under 100 bytes per series) and one offset per chunk.
public enum BlockWriter {
    /// Writes a block and returns its meta.
    ///
    /// - Parameters:
    ///   - series: in any order; sorted here by labels, compared by UTF-8 bytes (`BlockStringOrder`),
    ///     and series ids are positions in that order.
    ///     Series without chunks are skipped. Each series' chunks must be sorted by `minTime`, have
    ///     `minTime <= maxTime` and `count > 0`. Two series with byte-equal labels are an error.
    ///   - parent: existing directory that receives the block.
    ///   - id: the block's directory name, usually from `newID()`; `<parent>/<id>` must not exist.
    ///   - sequence: creation order; see `BlockMeta.sequence`.
    ///   - level: compaction level (1 for a block cut from the head).
    ///   - sources: ids of the blocks this one was made from.
    ///   - timeRange: the block's time range (inclusive). When nil it is the span of the chunks
    ///     (minTime 0 and maxTime -1 for an empty block). When given, every chunk must lie inside it.
    /// - Throws: `TSDBError(.invalidArgument)` for bad input, `TSDBError(.io)` when the file system fails.
    ///   On an error nothing is left behind.
    @discardableResult
    public static func write(series: [BlockSeries], into parent: String, id: String, sequence: UInt64,
                             level: Int, sources: [String], timeRange: ClosedRange<Int64>? = nil) throws -> BlockMeta {
        let dir = BlockFiles.join(parent, id)
        try validate(id: id)
        if FileManager.default.fileExists(atPath: dir) {
            throw TSDBError(.invalidArgument, "\(dir): a block with this id already exists")
        }
        let meta = try writeTemporary(series: series, into: parent, id: id, sequence: sequence, level: level,
                                      sources: sources, timeRange: timeRange)
        let tmp = dir + BlockFiles.temporarySuffix
        if rename(tmp, dir) != 0 {
            let e = TSDBError(MappedFile.ioError(tmp, "rename to \(dir)"))
            try? FileManager.default.removeItem(atPath: tmp)
            throw e
        }
        try translatingDiskErrors { try FileSink.syncDirectory(parent) }
        return meta
    }

    /// A new block id: 13 hex digits of the current Unix time in milliseconds, then 12 random hex
    /// digits. Ids sort by creation time (to the millisecond) and do not collide in practice.
    public static func newID() -> String {
        let ms = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let rnd = UInt64.random(in: 0..<(1 << 48))
        return hex(ms, digits: 13) + hex(rnd, digits: 12)
    }

    private static func hex(_ v: UInt64, digits: Int) -> String {
        let s = String(v, radix: 16)
        return s.count >= digits ? String(s.suffix(digits)) : String(repeating: "0", count: digits - s.count) + s
    }

    static func validate(id: String) throws {
        if id.isEmpty || id == "." || id == ".." || id.contains("/") || id.utf8.contains(0)
            || BlockFiles.isTemporary(id) {
            throw TSDBError(.invalidArgument, "invalid block id \"\(id)\"")
        }
    }

    /// Everything but the final rename: leaves a complete, fsynced `<parent>/<id>.tmp`.
    /// A crash between this and the rename leaves exactly that directory.
    static func writeTemporary(series: [BlockSeries], into parent: String, id: String, sequence: UInt64,
                               level: Int, sources: [String], timeRange: ClosedRange<Int64>?) throws -> BlockMeta {
        try validate(id: id)
        let tmp = BlockFiles.join(parent, id) + BlockFiles.temporarySuffix
        let fm = FileManager.default
        if fm.fileExists(atPath: tmp) {
            // Left over from an earlier crash with the same id.
            do { try fm.removeItem(atPath: tmp) } catch {
                throw TSDBError(.io, "\(tmp): cannot remove stale directory: \(error)")
            }
        }
        if mkdir(tmp, 0o755) != 0 { throw TSDBError(MappedFile.ioError(tmp, "mkdir")) }
        do {
            return try translatingDiskErrors {
                let meta = try writeFiles(series: series, dir: tmp, id: id, sequence: sequence, level: level,
                                          sources: sources, timeRange: timeRange)
                try FileSink.syncDirectory(tmp)
                return meta
            }
        } catch {
            try? fm.removeItem(atPath: tmp)
            throw error
        }
    }

    private static func writeFiles(series: [BlockSeries], dir: String, id: String, sequence: UInt64,
                                   level: Int, sources: [String], timeRange: ClosedRange<Int64>?) throws -> BlockMeta {
        // Sort positions rather than the series, so chunk bytes are never copied; labels are
        // compared as symbol numbers, i.e. by UTF-8 bytes (see BlockStringOrder).
        var order = series.indices.filter { !series[$0].chunks.isEmpty }
        let builder = BlockIndexBuilder(series: series, included: order)
        builder.sort(&order)

        var numChunks = 0, numSamples = 0
        var minT = Int64.max, maxT = Int64.min
        for (k, i) in order.enumerated() {
            let s = series[i]
            if k > 0 && builder.compare(order[k - 1], i) == 0 {
                throw TSDBError(.invalidArgument, "series \(s.labels) given twice")
            }
            // Labels built with init(sorted:) or holding canonically-equal names can break the
            // order the reader relies on; both orders must agree.
            let pairs = s.labels.pairs
            for (a, b) in zip(pairs, pairs.dropFirst()) where !(a.name < b.name) {
                throw TSDBError(.invalidArgument, "series \(s.labels): label names \"\(a.name)\", \"\(b.name)\" not strictly ascending")
            }
            if !builder.namesAscend(i) {
                throw TSDBError(.invalidArgument, "series \(s.labels): label names are not in byte order (normalize them to NFC)")
            }
            var prevMin = Int64.min
            for c in s.chunks {
                guard c.minTime <= c.maxTime, c.count > 0, c.minTime >= prevMin else {
                    throw TSDBError(.invalidArgument,
                                    "series \(s.labels): chunk \(c.minTime)...\(c.maxTime) with \(c.count) samples is empty, inverted or out of order")
                }
                if let r = timeRange, !(r.contains(c.minTime) && r.contains(c.maxTime)) {
                    throw TSDBError(.invalidArgument,
                                    "series \(s.labels): chunk \(c.minTime)...\(c.maxTime) outside block range \(r)")
                }
                prevMin = c.minTime
                minT = min(minT, c.minTime)
                maxT = max(maxT, c.maxTime)
                numChunks += 1
                numSamples += c.count
            }
        }
        if let r = timeRange {
            minT = r.lowerBound
            maxT = r.upperBound
        } else if order.isEmpty {
            minT = 0
            maxT = -1
        }

        // Chunks: header, then each chunk's bytes followed by their CRC32C, in series-id order.
        let sink = try FileSink(path: BlockFiles.join(dir, BlockFiles.chunks))
        try sink.append(BlockFiles.chunksMagic + [UInt8(BlockMeta.currentVersion), 0, 0, 0])
        var chunkOffsets: [Int] = []
        chunkOffsets.reserveCapacity(numChunks)
        for i in order {
            for c in series[i].chunks {
                chunkOffsets.append(sink.offset)
                try c.bytes.withUnsafeBytes { raw in
                    try sink.append(raw)
                    try sink.appendU32(CRC32C.checksum(raw))
                }
            }
        }
        try sink.finish()

        let index = try builder.build(series: series, order: order, chunkOffsets: chunkOffsets, baseTime: minT)
        try FileSink.writeFile(BlockFiles.join(dir, BlockFiles.index), index)

        let meta = BlockMeta(id: id, minTime: minT, maxTime: maxT,
                             stats: .init(numSeries: order.count, numChunks: numChunks, numSamples: numSamples),
                             compaction: .init(level: level, sources: sources), sequence: sequence)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json: Data
        do { json = try encoder.encode(meta) } catch {
            throw TSDBError(.invalidArgument, "cannot encode meta.json: \(error)")
        }
        try FileSink.writeFile(BlockFiles.join(dir, BlockFiles.meta), [UInt8](json) + [0x0A])
        return meta
    }
}
