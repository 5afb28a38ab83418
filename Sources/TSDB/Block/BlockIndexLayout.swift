import DiskIO

/// The validated shape of an index file: where each table starts, plus the decoded symbols.
///
/// Built once when a block is opened. It checks the header, the table of contents and every
/// section's CRC32C, decodes the symbol table, and checks every entry of the fixed-size label
/// index tables (symbol numbers, ordering, postings ranges), so that later reads of those
/// tables need no checks. Series entries are variable-length and are checked when read.
struct BlockIndexLayout {
    var symbols: [String] = []
    /// Whether each symbol is pure ASCII (where byte order and `String <` agree).
    var asciiSymbols: [Bool] = []
    var seriesBody: Range<Int> = 0..<0
    var seriesTable = 0
    var seriesEntries = 0
    var seriesCount = 0
    var baseTime: Int64 = 0
    var namesTable = 0
    var nameCount = 0
    var valuesTable = 0
    var valueCount = 0
    var postingsBody: Range<Int> = 0..<0

    static let nameEntrySize = 12
    static let valueEntrySize = 16

    init(_ b: UnsafeRawBufferPointer, path: String) throws {
        try BlockReader.checkHeader(b, magic: BlockFiles.indexMagic, path: path)
        guard b.count >= BlockFiles.headerSize + BlockFiles.tocSize else {
            throw BlockDecoder.corrupted(path, "file too short for a table of contents (\(b.count) bytes)", at: 0)
        }

        // Table of contents: the last `tocSize` bytes of the file.
        let tocStart = b.count - BlockFiles.tocSize
        let tocBody = tocStart..<(b.count - BlockFiles.checksumSize)
        var toc = BlockDecoder(b, from: tocStart, to: b.count, path: path)
        let tocCRC = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[tocBody]))
        toc.pos = tocBody.upperBound
        guard try toc.u32("table of contents checksum") == tocCRC else {
            throw BlockDecoder.corrupted(path, "table of contents checksum mismatch", at: tocBody.upperBound)
        }
        toc.pos = tocStart
        var sections: [Range<Int>] = []
        var next = BlockFiles.headerSize
        for _ in 0..<BlockFiles.sectionCount {
            let at = toc.pos
            let off = try toc.u64("section offset"), len = try toc.u64("section length")
            // Sections follow each other in order, each with its checksum, all before the TOC.
            guard off >= UInt64(next), off <= UInt64(tocStart), len <= UInt64(tocStart) - off,
                  UInt64(tocStart) - off - len >= UInt64(BlockFiles.checksumSize) else {
                throw BlockDecoder.corrupted(path, "section \(sections.count) range \(off)+\(len) out of bounds", at: at)
            }
            let body = Int(off)..<Int(off + len)
            var d = BlockDecoder(b, from: body.upperBound, to: tocStart, path: path)
            let stored = try d.u32("section checksum")
            guard stored == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[body])) else {
                throw BlockDecoder.corrupted(path, "section \(sections.count) checksum mismatch", at: body.upperBound)
            }
            sections.append(body)
            next = body.upperBound + BlockFiles.checksumSize
        }

        try decodeSymbols(b, sections[0], path: path)
        try decodeSeriesHeader(b, sections[1], path: path)
        postingsBody = sections[3]
        guard postingsBody.count % 4 == 0 else {
            throw BlockDecoder.corrupted(path, "postings section length \(postingsBody.count) not a multiple of 4",
                                         at: postingsBody.lowerBound)
        }
        try checkLabelIndex(b, sections[2], path: path)
    }

    private mutating func decodeSymbols(_ b: UnsafeRawBufferPointer, _ body: Range<Int>, path: String) throws {
        var d = BlockDecoder(b, from: body.lowerBound, to: body.upperBound, path: path)
        let count = Int(try d.u32("symbol count"))
        guard count <= d.remaining else { throw d.error("symbol count exceeds section", at: body.lowerBound) }
        symbols.reserveCapacity(count)
        asciiSymbols.reserveCapacity(count)
        var prev: UnsafeRawBufferPointer? = nil
        for _ in 0..<count {
            let at = d.pos
            let len = try d.int("symbol length", max: d.remaining)
            let raw = try d.bytes(len, "symbol")
            // Strict byte order is what lets symbol numbers be compared instead of strings.
            if let prev, BlockStringOrder.compare(prev, raw) >= 0 { throw d.error("symbols out of order", at: at) }
            guard let s = String(validating: raw, as: UTF8.self) else { throw d.error("symbol is not UTF-8", at: at) }
            symbols.append(s)
            asciiSymbols.append(!raw.contains { $0 >= 0x80 })
            prev = raw
        }
        guard d.remaining == 0 else { throw d.error("trailing bytes after symbols") }
    }

    private mutating func decodeSeriesHeader(_ b: UnsafeRawBufferPointer, _ body: Range<Int>, path: String) throws {
        var d = BlockDecoder(b, from: body.lowerBound, to: body.upperBound, path: path)
        seriesCount = Int(try d.u32("series count"))
        baseTime = Int64(bitPattern: try d.u64("base time"))
        seriesTable = d.pos
        guard seriesCount <= d.remaining / 8 else {
            throw d.error("series offset table exceeds section", at: body.lowerBound)
        }
        seriesEntries = seriesTable + seriesCount * 8
        seriesBody = body
    }

    private mutating func checkLabelIndex(_ b: UnsafeRawBufferPointer, _ body: Range<Int>, path: String) throws {
        var d = BlockDecoder(b, from: body.lowerBound, to: body.upperBound, path: path)
        nameCount = Int(try d.u32("label name count"))
        guard nameCount <= d.remaining / Self.nameEntrySize else { throw d.error("label name table exceeds section") }
        namesTable = d.pos
        d.pos += nameCount * Self.nameEntrySize
        valueCount = Int(try d.u32("label value count"))
        valuesTable = d.pos
        guard valueCount == d.remaining / Self.valueEntrySize, d.remaining % Self.valueEntrySize == 0 else {
            throw d.error("label value table does not fill the section")
        }

        var names = BlockDecoder(b, from: namesTable, to: valuesTable - 4, path: path)
        var values = BlockDecoder(b, from: valuesTable, to: body.upperBound, path: path)
        var prevName = -1
        var expectedFirst = 0
        for _ in 0..<nameCount {
            let at = names.pos
            let sym = Int(try names.u32("label name symbol"))
            let first = Int(try names.u32("first value")), count = Int(try names.u32("value count"))
            guard sym < symbols.count, sym > prevName else { throw names.error("label name symbol invalid or out of order", at: at) }
            guard first == expectedFirst, count > 0, count <= valueCount - first else {
                throw names.error("label name value range invalid", at: at)
            }
            prevName = sym
            expectedFirst = first + count
            var prevValue = -1
            for _ in 0..<count {
                let vat = values.pos
                let vsym = Int(try values.u32("label value symbol"))
                let n = Int(try values.u32("postings count")), off = try values.u64("postings offset")
                guard vsym < symbols.count, vsym > prevValue, !symbols[vsym].isEmpty else {
                    throw values.error("label value symbol invalid or out of order", at: vat)
                }
                guard n > 0, n <= seriesCount, off % 4 == 0, off <= UInt64(postingsBody.count),
                      UInt64(n) * 4 <= UInt64(postingsBody.count) - off else {
                    throw values.error("postings range invalid", at: vat)
                }
                prevValue = vsym
            }
        }
        guard expectedFirst == valueCount else { throw d.error("label values not all owned by a name", at: valuesTable) }
    }
}
