extension BlockReader {
    /// A label value's entry in the label index: its symbol and its postings list.
    struct ValueEntry {
        var symbol: Int
        var count: Int
        /// Absolute offset of the list in the index file.
        var offset: Int
    }

    /// Every label name in the block, sorted by UTF-8 bytes.
    public func labelNames() -> [String] {
        (0..<nameCount).map { symbols[Int(u32(at: namesTable + $0 * BlockIndexLayout.nameEntrySize))] }
    }

    /// Every value of label `name` in the block, sorted by UTF-8 bytes; empty when no series has the label.
    public func labelValues(_ name: String) -> [String] {
        guard let range = valueRange(of: name) else { return [] }
        return range.map { symbols[valueEntry($0).symbol] }
    }

    /// Ids of the series with label `name="value"` (byte-exact), ascending.
    public func postings(name: String, value: String) -> [UInt32] {
        guard let range = valueRange(of: name), let sym = symbolID(value) else { return [] }
        // Values of one name are sorted by symbol number, which sorts like the strings.
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            let s = valueEntry(mid).symbol
            if s < sym { lo = mid + 1 } else if s > sym { hi = mid } else { return readPostings(valueEntry(mid)) }
        }
        return []
    }

    /// Ids of the series that have label `name` with any value, ascending.
    public func postings(name: String) -> [UInt32] {
        postings(name: name) { _ in true }
    }

    /// Ids of the series whose value of label `name` satisfies `predicate`, ascending: the union
    /// of the postings of every matching value (series without the label are never included).
    public func postings(name: String, where predicate: (String) throws -> Bool) rethrows -> [UInt32] {
        guard let range = valueRange(of: name) else { return [] }
        var entries: [ValueEntry] = []
        for i in range {
            let e = valueEntry(i)
            if try predicate(symbols[e.symbol]) { entries.append(e) }
        }
        return union(entries)
    }

    /// Calls `body` with every value of label `name`, in order, and how many series have it.
    public func forEachValue(of name: String, _ body: (_ value: String, _ seriesCount: Int) throws -> Void) rethrows {
        guard let range = valueRange(of: name) else { return }
        for i in range {
            let e = valueEntry(i)
            try body(symbols[e.symbol], e.count)
        }
    }

    /// `0..<seriesCount`.
    public func allPostings() -> [UInt32] {
        Array(0..<UInt32(seriesCount))
    }

    // MARK: - Lookups in the label index

    /// The symbol number of `s` (byte-exact), by binary search over the sorted symbols.
    func symbolID(_ s: String) -> Int? {
        var lo = 0, hi = symbols.count
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            let c = BlockStringOrder.compare(symbols[mid], s)
            if c < 0 { lo = mid + 1 } else if c > 0 { hi = mid } else { return mid }
        }
        return nil
    }

    /// The positions in the value table of the values of label `name`.
    func valueRange(of name: String) -> Range<Int>? {
        guard let sym = symbolID(name) else { return nil }
        var lo = 0, hi = nameCount
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            let at = namesTable + mid * BlockIndexLayout.nameEntrySize
            let s = Int(u32(at: at))
            if s < sym { lo = mid + 1 } else if s > sym { hi = mid } else {
                let first = Int(u32(at: at + 4)), count = Int(u32(at: at + 8))
                return first..<(first + count)
            }
        }
        return nil
    }

    func valueEntry(_ i: Int) -> ValueEntry {
        let at = valuesTable + i * BlockIndexLayout.valueEntrySize
        return ValueEntry(symbol: Int(u32(at: at)), count: Int(u32(at: at + 4)),
                          offset: postingsBody.lowerBound + Int(u64(at: at + 8)))
    }

    /// Copies one postings list out of the mapping (checked against the postings section at open).
    func readPostings(_ e: ValueEntry) -> [UInt32] {
        [UInt32](unsafeUninitializedCapacity: e.count) { buf, n in
            let src = UnsafeRawBufferPointer(rebasing: index.bytes[e.offset..<(e.offset + e.count * 4)])
            UnsafeMutableRawBufferPointer(buf).copyMemory(from: src)
            #if _endian(big)
            for i in 0..<e.count { buf[i] = UInt32(littleEndian: buf[i]) }
            #endif
            n = e.count
        }
    }

    /// The union of many postings lists. With many lists a bitmap over all series ids is cheaper
    /// than merging (one pass over the ids, no intermediate arrays).
    func union(_ entries: [ValueEntry]) -> [UInt32] {
        if entries.isEmpty { return [] }
        if entries.count == 1 { return readPostings(entries[0]) }
        let total = entries.reduce(0) { $0 + $1.count }
        let words = (seriesCount + 63) / 64
        if entries.count <= 8 || words > total * 4 {
            return PostingsMath.union(entries.map(readPostings))
        }
        var bits = [UInt64](repeating: 0, count: words)
        for e in entries {
            for k in 0..<e.count {
                let id = Int(u32(at: e.offset + k * 4))
                // An id past the series table can only come from damage; such ids are dropped here
                // (and rejected by `series(_:)` when they come through other paths).
                if id < seriesCount { bits[id >> 6] |= 1 << UInt64(id & 63) }
            }
        }
        var out: [UInt32] = []
        out.reserveCapacity(min(total, seriesCount))
        for (w, var word) in bits.enumerated() {
            while word != 0 {
                out.append(UInt32(w * 64 + word.trailingZeroBitCount))
                word &= word - 1
            }
        }
        return out
    }
}
