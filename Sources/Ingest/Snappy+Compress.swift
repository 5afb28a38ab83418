extension Snappy {
    /// Inputs are compressed in independent 64 KiB blocks, so every copy offset fits in 16 bits
    /// and the match table can hold 16-bit positions (the reference encoder does the same).
    static let blockSize = 1 << 16
    static let tableBits = 14

    /// The most bytes `compress` can produce for `n` input bytes (all-literal worst case).
    public static func maxCompressedLength(_ n: Int) -> Int { 32 + n + n / 6 }

    /// Compresses `input` into one snappy block that any snappy decoder accepts.
    ///
    /// A greedy matcher with a hash table of 4-byte prefixes: simpler and somewhat larger output
    /// than the reference encoder, but fast and valid. Inputs above UInt32.max bytes are a
    /// programmer error (the format cannot describe them).
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        precondition(input.count <= Int(UInt32.max), "snappy cannot encode more than 4 GiB in one block")
        return input.withUnsafeBufferPointer { src in
            [UInt8](unsafeUninitializedCapacity: maxCompressedLength(src.count)) { out, count in
                guard let dst = out.baseAddress else { return }
                var o = 0
                var n = UInt32(src.count)
                while n >= 0x80 {
                    dst[o] = UInt8(truncatingIfNeeded: n) | 0x80
                    n >>= 7
                    o += 1
                }
                dst[o] = UInt8(n)
                o += 1
                guard let base = src.baseAddress else {
                    count = o
                    return
                }
                var table = [UInt16](repeating: 0, count: 1 << tableBits)
                table.withUnsafeMutableBufferPointer { t in
                    var blockStart = 0
                    while blockStart < src.count {
                        let blockEnd = min(blockStart + blockSize, src.count)
                        if blockStart > 0 { t.update(repeating: 0) }
                        o = compressBlock(base + blockStart, blockEnd - blockStart, dst, o, t)
                        blockStart = blockEnd
                    }
                }
                count = o
            }
        }
    }

    /// Compresses `n <= 64 KiB` bytes at `src` into `dst` from `o`; returns the new output end.
    /// `table` must be zeroed; entries are positions within this block.
    static func compressBlock(_ src: UnsafePointer<UInt8>, _ n: Int, _ dst: UnsafeMutablePointer<UInt8>,
                              _ start: Int, _ table: UnsafeMutableBufferPointer<UInt16>) -> Int {
        var o = start
        var literalStart = 0
        // Stop looking for matches early enough that 4-byte loads stay in the block.
        if n >= 16 {
            let raw = UnsafeRawPointer(src)
            let last = n - 4
            var i = 1
            while i <= last {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)
                let h = Int((word &* 0x1e35_a7bd) >> (32 - UInt32(tableBits)))
                let candidate = Int(table[h])
                table[h] = UInt16(truncatingIfNeeded: i)
                guard candidate < i, raw.loadUnaligned(fromByteOffset: candidate, as: UInt32.self) == word else {
                    // Step faster through data that does not compress.
                    i += 1 + (i - literalStart) >> 5
                    continue
                }
                var length = 4
                while i + length < n && src[candidate + length] == src[i + length] { length += 1 }
                o = emitLiteral(src + literalStart, i - literalStart, dst, o)
                o = emitCopy(offset: i - candidate, length: length, dst, o)
                i += length
                literalStart = i
            }
        }
        return emitLiteral(src + literalStart, n - literalStart, dst, o)
    }

    static func emitLiteral(_ p: UnsafePointer<UInt8>, _ n: Int, _ dst: UnsafeMutablePointer<UInt8>, _ start: Int) -> Int {
        guard n > 0 else { return start }
        var o = start
        let m = n - 1
        if m < 60 {
            dst[o] = UInt8(m << 2)
            o += 1
        } else {
            let extra = m < 1 << 8 ? 1 : m < 1 << 16 ? 2 : m < 1 << 24 ? 3 : 4
            dst[o] = UInt8((59 + extra) << 2)
            for k in 0..<extra { dst[o + 1 + k] = UInt8(truncatingIfNeeded: m >> (8 * k)) }
            o += 1 + extra
        }
        (dst + o).update(from: p, count: n)
        return o + n
    }

    /// Emits copies for a match of any length >= 4: copies hold at most 64 bytes, and the last
    /// one is kept at 4 or more bytes so the short 1-byte-offset form stays usable.
    static func emitCopy(offset: Int, length: Int, _ dst: UnsafeMutablePointer<UInt8>, _ start: Int) -> Int {
        var o = start
        var length = length
        while length >= 68 {
            o = emitCopy2(offset: offset, length: 64, dst, o)
            length -= 64
        }
        if length > 64 {
            o = emitCopy2(offset: offset, length: 60, dst, o)
            length -= 60
        }
        if length < 12 && offset < 2048 {
            dst[o] = UInt8(1 | (length - 4) << 2 | (offset >> 8) << 5)
            dst[o + 1] = UInt8(truncatingIfNeeded: offset)
            return o + 2
        }
        return emitCopy2(offset: offset, length: length, dst, o)
    }

    static func emitCopy2(offset: Int, length: Int, _ dst: UnsafeMutablePointer<UInt8>, _ o: Int) -> Int {
        dst[o] = UInt8(2 | (length - 1) << 2)
        dst[o + 1] = UInt8(truncatingIfNeeded: offset)
        dst[o + 2] = UInt8(truncatingIfNeeded: offset >> 8)
        return o + 3
    }
}
