/// Turns the series handed to `BlockWriter` into the bytes of a block's index file.
///
/// Used in two steps: `init` builds the symbol table and each series' labels as symbol numbers
/// (and from them the series order); `build` then writes the index for that order once the
/// chunk offsets are known. The layout is described in docs/format/block.md; `BlockReader` is
/// its inverse. Memory: the index itself plus a few integers per label and per label pair.
struct BlockIndexBuilder {
    /// Every distinct name and value, sorted by UTF-8 bytes: symbol numbers sort like the strings.
    let symbols: [String]
    /// Labels of every input series as (name, value) symbol numbers, flattened; series `i` owns
    /// `refs[refStart[i]..<refStart[i + 1]]`, two entries per label.
    private var refs: [UInt32] = []
    private var refStart: [Int] = []

    /// - Parameters:
    ///   - series: all series handed to the writer.
    ///   - included: the positions in `series` that will be written; the others get no labels here.
    init(series: [BlockSeries], included: [Int]) {
        var ids = [UTF8Key: UInt32]()
        var strings: [String] = []
        func note(_ str: String) {
            let key = UTF8Key(string: str)
            if ids[key] == nil {
                ids[key] = 0
                strings.append(str)
            }
        }
        for i in included {
            for l in series[i].labels.pairs {
                note(l.name)
                note(l.value)
            }
        }
        strings.sort(by: BlockStringOrder.less)
        for (k, s) in strings.enumerated() { ids[UTF8Key(string: s)] = UInt32(k) }
        symbols = strings

        var isIncluded = [Bool](repeating: false, count: series.count)
        for i in included { isIncluded[i] = true }
        refStart.reserveCapacity(series.count + 1)
        refStart.append(0)
        for (i, s) in series.enumerated() {
            if isIncluded[i] {
                for l in s.labels.pairs {
                    // Both strings were numbered above.
                    refs.append(ids[UTF8Key(string: l.name)] ?? 0)
                    refs.append(ids[UTF8Key(string: l.value)] ?? 0)
                }
            }
            refStart.append(refs.count)
        }
    }

    /// Whether series `i`'s label names ascend strictly by bytes, as the reader requires.
    func namesAscend(_ i: Int) -> Bool {
        var k = refStart[i] + 2
        while k < refStart[i + 1] {
            if refs[k] <= refs[k - 2] { return false }
            k += 2
        }
        return true
    }

    /// The order of the series' labels by bytes: -1, 0 or 1 as series `i` sorts before, like or after `j`.
    func compare(_ i: Int, _ j: Int) -> Int {
        var a = refStart[i], b = refStart[j]
        let ea = refStart[i + 1], eb = refStart[j + 1]
        while a < ea && b < eb {
            if refs[a] != refs[b] { return refs[a] < refs[b] ? -1 : 1 }
            a += 1
            b += 1
        }
        return a < ea ? 1 : (b < eb ? -1 : 0)
    }

    /// Sorts series positions by labels (by bytes); comparing symbol numbers avoids string compares.
    func sort(_ positions: inout [Int]) {
        positions.sort { compare($0, $1) < 0 }
    }

    /// - Parameters:
    ///   - series: the series given to `init`.
    ///   - order: positions in `series`, sorted by `sort`, without duplicates or chunkless series.
    ///     Position `k` in `order` becomes series id `k`.
    ///   - chunkOffsets: offset in the chunks file of every chunk, in `order` then chunk order.
    ///   - baseTime: subtracted from each series' first chunk time so it encodes in fewer bytes.
    func build(series: [BlockSeries], order: [Int], chunkOffsets: [Int], baseTime: Int64) throws -> [UInt8] {
        guard order.count <= Int(UInt32.max), refs.count / 2 <= Int(Int32.max) else {
            throw TSDBError(.invalidArgument, "too many series (\(order.count)) or labels for one block")
        }
        var enc = BlockEncoder(capacity: BlockFiles.headerSize + order.count * 96 + symbols.count * 16)
        enc.append(BlockFiles.indexMagic.withUnsafeBytes { $0 })
        enc.u8(UInt8(BlockMeta.currentVersion))
        enc.u8(0); enc.u8(0); enc.u8(0)
        var toc: [(offset: Int, length: Int)] = []

        // Symbols.
        var start = enc.count
        enc.u32(UInt32(symbols.count))
        for s in symbols {
            enc.uvarint(s.utf8.count)
            enc.bytes.append(contentsOf: s.utf8)
        }
        toc.append((start, enc.count - start))
        enc.appendChecksum(from: start)

        // Series, noting the label pair of every label (in series-id order) for the postings.
        start = enc.count
        enc.u32(UInt32(order.count))
        enc.u64(UInt64(bitPattern: baseTime))
        let tableStart = enc.count
        enc.bytes.append(contentsOf: repeatElement(0, count: order.count * 8))
        var pairOfLabel: [Int32] = []          // for each (series, label): index into pairKeys
        pairOfLabel.reserveCapacity(refs.count / 2)
        var pairKeys: [UInt64] = []            // nameSym << 32 | valueSym, in first-seen order
        var pairCounts: [Int32] = []
        var pairIndex = [UInt64: Int32]()
        var chunkIndex = 0
        for (sid, i) in order.enumerated() {
            enc.setU64(UInt64(enc.count - start), at: tableStart + sid * 8)
            enc.uvarint((refStart[i + 1] - refStart[i]) / 2)
            var k = refStart[i]
            while k < refStart[i + 1] {
                let n = refs[k], v = refs[k + 1]
                k += 2
                enc.uvarint(UInt64(n))
                enc.uvarint(UInt64(v))
                let key = UInt64(n) << 32 | UInt64(v)
                if let p = pairIndex[key] {
                    pairOfLabel.append(p)
                    pairCounts[Int(p)] += 1
                } else {
                    let p = Int32(pairKeys.count)
                    pairIndex[key] = p
                    pairKeys.append(key)
                    pairCounts.append(1)
                    pairOfLabel.append(p)
                }
            }
            let chunks = series[i].chunks
            enc.uvarint(chunks.count)
            var prevMax = baseTime
            for (j, c) in chunks.enumerated() {
                // Wrapping arithmetic: any Int64 pair round-trips; the reader re-checks min <= max.
                enc.varint(c.minTime &- prevMax)
                enc.uvarint(UInt64(bitPattern: c.maxTime &- c.minTime))
                enc.uvarint(c.count)
                if j == 0 { enc.uvarint(chunkOffsets[chunkIndex]) }
                enc.uvarint(c.bytes.count)
                prevMax = c.maxTime
                chunkIndex += 1
            }
        }
        toc.append((start, enc.count - start))
        enc.appendChecksum(from: start)

        // Postings lists, grouped by label pair in (name, value) order; within a list ids ascend
        // because series are visited in id order.
        let sortedPairs = pairKeys.indices.sorted { pairKeys[$0] < pairKeys[$1] }
        var listStart = [Int](repeating: 0, count: pairKeys.count)
        var total = 0
        for p in sortedPairs {
            listStart[p] = total
            total += Int(pairCounts[p])
        }
        var flat = [UInt32](repeating: 0, count: total)
        var fill = listStart
        var k = 0
        for (sid, i) in order.enumerated() {
            for _ in 0..<((refStart[i + 1] - refStart[i]) / 2) {
                let p = Int(pairOfLabel[k])
                flat[fill[p]] = UInt32(sid).littleEndian
                fill[p] += 1
                k += 1
            }
        }

        // Label index: names with their range of values, then values with their postings list.
        start = enc.count
        var names: [(sym: UInt32, first: Int, count: Int)] = []
        for (rank, p) in sortedPairs.enumerated() {
            let nameSym = UInt32(pairKeys[p] >> 32)
            if let last = names.last, last.sym == nameSym {
                names[names.count - 1].count += 1
            } else {
                names.append((nameSym, rank, 1))
            }
        }
        enc.u32(UInt32(names.count))
        for n in names {
            enc.u32(n.sym)
            enc.u32(UInt32(n.first))
            enc.u32(UInt32(n.count))
        }
        enc.u32(UInt32(sortedPairs.count))
        for p in sortedPairs {
            enc.u32(UInt32(truncatingIfNeeded: pairKeys[p]))
            enc.u32(UInt32(pairCounts[p]))
            enc.u64(UInt64(listStart[p] * 4))
        }
        toc.append((start, enc.count - start))
        enc.appendChecksum(from: start)

        // Postings.
        start = enc.count
        flat.withUnsafeBytes { enc.append($0) }
        toc.append((start, enc.count - start))
        enc.appendChecksum(from: start)

        // Table of contents, at a fixed distance from the end of the file.
        start = enc.count
        for t in toc {
            enc.u64(UInt64(t.offset))
            enc.u64(UInt64(t.length))
        }
        enc.appendChecksum(from: start)
        return enc.bytes
    }
}
