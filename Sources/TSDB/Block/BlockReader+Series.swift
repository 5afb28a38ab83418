import DiskIO

extension BlockReader {
    /// The labels and chunk references of series `id` (`0..<seriesCount`).
    ///
    /// Decodes one entry of the index; nothing else is read. Throws `.corrupted` when the entry
    /// does not decode or `id` is out of range (a postings list pointing past the series table).
    public func series(_ id: UInt32) throws -> (labels: Labels, chunks: [ChunkRef]) {
        var chunks: [ChunkRef] = []
        let labels = try series(id, chunks: &chunks)
        return (labels, chunks)
    }

    /// Like `series(_:)`, but fills `chunks` (emptied first) so a caller walking many series can
    /// reuse one array.
    public func series(_ id: UInt32, chunks: inout [ChunkRef]) throws -> Labels {
        chunks.removeAll(keepingCapacity: true)
        let n = Int(id)
        guard n < seriesCount else {
            throw BlockDecoder.corrupted(indexPath, "series id \(id) out of range (\(seriesCount) series)", at: seriesTable)
        }
        let slot = seriesTable + n * 8
        let rel = u64(at: slot)
        guard rel >= UInt64(seriesEntries - seriesBody.lowerBound), rel < UInt64(seriesBody.count) else {
            throw BlockDecoder.corrupted(indexPath, "series \(id) entry offset \(rel) out of range", at: slot)
        }
        var d = BlockDecoder(index.bytes, from: seriesBody.lowerBound + Int(rel), to: seriesBody.upperBound, path: indexPath)

        // Labels: (name, value) symbol numbers; names strictly ascending, as Labels requires.
        let labelCount = try d.int("label count", max: d.remaining / 2)
        var pairs: [Label] = []
        pairs.reserveCapacity(labelCount)
        var prevName = -1
        for _ in 0..<labelCount {
            let at = d.pos
            let name = try d.int("label name symbol", max: symbols.count - 1)
            let value = try d.int("label value symbol", max: symbols.count - 1)
            guard name > prevName, !symbols[value].isEmpty else {
                throw d.error("label names out of order or empty value", at: at)
            }
            // Labels needs names ascending by `String <` too; for ASCII that is the byte order.
            if prevName >= 0 && !(asciiSymbols[prevName] && asciiSymbols[name]) && !(symbols[prevName] < symbols[name]) {
                throw d.error("label names out of order", at: at)
            }
            prevName = name
            pairs.append(Label(symbols[name], symbols[value]))
        }

        // Chunks: times are deltas (from the base time, then from the previous chunk's maxTime);
        // only the first chunk has an offset, the others follow it back to back.
        let chunkCount = try d.int("chunk count", max: d.remaining / 4)
        chunks.reserveCapacity(chunkCount)
        var prevMax = baseTime
        var nextOffset = 0
        for j in 0..<chunkCount {
            let at = d.pos
            let delta = try d.varint("chunk min time")
            let minTime = prevMax &+ delta
            let span = try d.uvarint("chunk time span")
            // Wrapping add: an overflow shows up as maxTime < minTime.
            let maxTime = minTime &+ Int64(bitPattern: span)
            let count = try d.int("chunk sample count")
            let offset = j == 0 ? try d.int("chunk offset") : nextOffset
            let length = try d.int("chunk length")
            guard maxTime >= minTime else { throw d.error("chunk time range inverted", at: at) }
            guard chunkFits(offset: offset, length: length) else {
                throw d.error("chunk lies outside the chunks file", at: at)
            }
            nextOffset = offset + length + BlockFiles.checksumSize
            chunks.append(ChunkRef(minTime: minTime, maxTime: maxTime, count: count, offset: offset, length: length))
            prevMax = maxTime
        }
        return Labels(sorted: pairs)
    }

    /// Whether `offset..<offset+length` and the CRC after it lie inside the chunks file, past its header.
    func chunkFits(offset: Int, length: Int) -> Bool {
        let size = self.chunks.count
        return offset >= BlockFiles.headerSize && length >= 0 && offset <= size
            && length <= size - offset - BlockFiles.checksumSize
    }

    /// The encoded bytes of a chunk: a view into the mapped chunks file, no copy.
    ///
    /// The buffer is valid only while this reader is alive: keep a reference to the reader for as
    /// long as the buffer is used (or use `withChunkBytes` / `chunkData`). With `verifyChecksum`
    /// (the default) the CRC32C stored after the chunk is checked.
    public func chunkBytes(_ ref: ChunkRef, verifyChecksum: Bool = true) throws -> UnsafeRawBufferPointer {
        guard chunkFits(offset: ref.offset, length: ref.length) else {
            throw BlockDecoder.corrupted(chunksPath, "chunk of \(ref.length) bytes exceeds the file (\(self.chunks.count) bytes)",
                                         at: ref.offset)
        }
        let file = self.chunks.bytes
        let data = UnsafeRawBufferPointer(rebasing: file[ref.offset..<(ref.offset + ref.length)])
        if verifyChecksum {
            let stored = UInt32(littleEndian: file.loadUnaligned(fromByteOffset: ref.offset + ref.length, as: UInt32.self))
            guard stored == CRC32C.checksum(data) else {
                throw BlockDecoder.corrupted(chunksPath, "chunk checksum mismatch", at: ref.offset)
            }
        }
        return data
    }

    /// Calls `body` with the chunk's bytes while keeping the reader alive.
    public func withChunkBytes<R>(_ ref: ChunkRef, verifyChecksum: Bool = true,
                                  _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try withExtendedLifetime(self) { try body(try chunkBytes(ref, verifyChecksum: verifyChecksum)) }
    }

    /// A copy of the chunk's bytes, usable after the reader is gone.
    public func chunkData(_ ref: ChunkRef, verifyChecksum: Bool = true) throws -> [UInt8] {
        try withChunkBytes(ref, verifyChecksum: verifyChecksum) { Array($0) }
    }
}
