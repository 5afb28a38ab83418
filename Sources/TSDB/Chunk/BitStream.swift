/// Appends bit fields, most significant bit first, to a byte array.
///
/// Fields are first gathered in a 192-bit staging area and moved into `bytes` by `flush`, so
/// that one sample costs one array resize and one pass over its memory instead of one per
/// field. After `flush`, `bytes` is a complete encoding: unwritten bits of the last byte are
/// zero. Not thread-safe (a value type: each copy is independent).
struct BitWriter: Sendable {
    var bytes: [UInt8]
    /// Bits in `bytes` so far, counted from its start (header bytes included).
    var bitCount: Int
    /// Staged bits, left-aligned: the first staged bit is bit 63 of `s0`.
    var s0: UInt64 = 0, s1: UInt64 = 0, s2: UInt64 = 0
    var staged = 0
    static let stageBits = 192

    init(bytes: [UInt8], bitCount: Int) {
        self.bytes = bytes
        self.bitCount = bitCount
    }

    /// Total bits written, staged ones included.
    var totalBits: Int { bitCount + staged }

    /// Writes the low `n` bits of `value` (1...64), most significant first.
    @inline(__always)
    mutating func write(_ value: UInt64, bits n: Int) {
        if staged &+ n > Self.stageBits { flush() }
        let aligned = value &<< UInt64(64 &- n)
        let word = staged &>> 6
        let off = staged & 63
        let hi = aligned &>> UInt64(off)
        // Bits that do not fit in this word continue at the top of the next one.
        let lo = off == 0 ? 0 : aligned &<< UInt64(64 &- off)
        switch word {
        case 0: s0 |= hi; s1 |= lo
        case 1: s1 |= hi; s2 |= lo
        default: s2 |= hi
        }
        staged &+= n
    }

    /// Moves the staged bits into `bytes`.
    @inline(__always)
    mutating func flush() {
        if staged == 0 { return }
        let start = bitCount
        let end = start + staged
        let needed = (end + 7) >> 3
        let grow = needed - bytes.count
        for _ in 0..<Swift.max(grow, 0) { bytes.append(0) }
        let n = staged
        let (a, b, c) = (s0, s1, s2)
        bytes.withUnsafeMutableBufferPointer { p in
            Self.or(a, bits: Swift.min(n, 64), at: start, into: p)
            if n > 64 { Self.or(b, bits: Swift.min(n - 64, 64), at: start + 64, into: p) }
            if n > 128 { Self.or(c, bits: n - 128, at: start + 128, into: p) }
        }
        bitCount = end
        s0 = 0; s1 = 0; s2 = 0
        staged = 0
    }

    /// ORs the top `n` bits of `aligned` into `p` starting at bit `pos`; the bytes exist.
    @inline(__always)
    static func or(_ aligned: UInt64, bits n: Int, at pos: Int, into p: UnsafeMutableBufferPointer<UInt8>) {
        let first = pos >> 3
        let offset = pos & 7
        let touched = ((pos + n + 7) >> 3) - first
        var w = aligned &>> UInt64(offset)
        var i = first
        for _ in 0..<Swift.min(touched, 8) {
            p[i] |= UInt8(truncatingIfNeeded: w &>> 56)
            w = w &<< 8
            i += 1
        }
        // A field of up to 64 bits at a non-zero offset can spill into a ninth byte.
        if touched == 9 {
            p[i] |= UInt8(truncatingIfNeeded: aligned &<< UInt64(8 - offset))
        }
    }

    /// Writes `zz` as '10' + `width` bits when the current width fits, else as
    /// '11' + 6-bit width (64 written as 0) + `need` bits, adopting the new width.
    @inline(__always)
    mutating func writeField(_ zz: UInt64, need: Int, width: inout Int) {
        if width >= need && width - need <= XORChunk.shrinkSlack {
            if width <= 62 {
                write(0b10 &<< UInt64(width) | zz, bits: width + 2)
            } else {
                write(0b10, bits: 2)
                write(zz, bits: width)
            }
        } else {
            let head = 0b1100_0000 | UInt64(need & 63)
            if need <= 56 {
                write(head &<< UInt64(need) | zz, bits: need + 8)
            } else {
                write(head, bits: 8)
                write(zz, bits: need)
            }
            width = need
        }
    }

    /// Writes `value` as 7-bit groups, least significant first, high bit = "more follows".
    mutating func writeUVarint(_ value: UInt64) {
        var x = value
        while x >= 0x80 {
            write(x & 0x7F | 0x80, bits: 8)
            x >>= 7
        }
        write(x, bits: 8)
    }
}

/// Reads bit fields, most significant bit first, from raw bytes.
///
/// Keeps the next bits in a register (`buf`) and reloads it from memory only when fewer bits
/// are left than a field needs, so decoding a field usually costs a few shifts instead of a
/// dependent memory load. Reads past the end of the buffer see zero bits and never touch
/// memory outside it; callers compare `pos` with `endBit` once they are done (or on error) to
/// detect truncation, which keeps bounds checks out of the per-field path.
struct BitReader {
    let base: UnsafeRawPointer
    let byteCount: Int
    /// Stream position of the top bit of `buf`.
    private(set) var pos: Int
    /// Stream bits from `pos` on, left-aligned; only the top `avail` are loaded, the rest are 0.
    private(set) var buf: UInt64 = 0
    private(set) var avail = 0

    /// The most bits `need` can guarantee: a reload at a bit offset of 7 yields 57.
    static let maxNeed = 57

    init(_ buffer: UnsafeRawBufferPointer, pos: Int) {
        // An empty buffer has no base address; any non-null pointer will do since no byte
        // of it is ever loaded (every load is guarded by `byteCount`).
        self.base = buffer.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(bitPattern: 8)!
        self.byteCount = buffer.count
        self.pos = pos
        refill()
    }

    var endBit: Int { byteCount &* 8 }

    /// Reloads `buf` from memory at `pos`.
    @inline(__always)
    mutating func refill() {
        let b = pos &>> 3
        let shift = UInt64(truncatingIfNeeded: pos & 7)
        if b &+ 8 <= byteCount {
            buf = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: b, as: UInt64.self)) &<< shift
        } else {
            buf = loadNearEnd(b) &<< shift
        }
        avail = 64 &- (pos & 7)
    }

    /// The 8 bytes from `b`, zero beyond the end of the buffer.
    @inline(__always)
    func loadNearEnd(_ b: Int) -> UInt64 {
        if byteCount >= 8 {
            // Load the last 8 bytes instead and move the wanted ones to the top.
            let last = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: byteCount &- 8, as: UInt64.self))
            let shift = (b &- (byteCount &- 8)) &* 8
            return shift >= 64 ? 0 : last &<< UInt64(truncatingIfNeeded: shift)
        }
        return loadShort(b)
    }

    @inline(never)
    func loadShort(_ b: Int) -> UInt64 {
        var w: UInt64 = 0
        for j in 0..<8 {
            w &<<= 8
            let i = b &+ j
            if i >= 0 && i < byteCount { w |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) }
        }
        return w
    }

    /// Makes sure the top `n` bits of `buf` (n ≤ 57) are loaded.
    @inline(__always)
    mutating func need(_ n: Int) {
        if avail < n { refill() }
    }

    /// Drops `n` bits (n ≤ avail).
    @inline(__always)
    mutating func consume(_ n: Int) {
        buf = buf &<< UInt64(truncatingIfNeeded: n)
        avail &-= n
        pos &+= n
    }

    /// Reads an `n`-bit field, 1...64.
    @inline(__always)
    mutating func read(_ n: Int) -> UInt64 {
        if n <= Self.maxNeed {
            need(n)
            let v = buf &>> UInt64(truncatingIfNeeded: 64 &- n)
            consume(n)
            return v
        }
        let hi = read(32)
        let lo = read(n &- 32)
        return hi &<< UInt64(truncatingIfNeeded: n &- 32) | lo
    }

    /// Reads a value written by `BitWriter.writeUVarint`; nil if it has more than ten groups
    /// or overflows 64 bits.
    mutating func readUVarint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for i in 0..<10 {
            let byte = read(8)
            if i == 9 && byte > 1 { return nil }
            result |= (byte & 0x7F) &<< shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}

/// Maps signed integers to unsigned so small magnitudes of either sign have few significant bits.
@inline(__always)
func zigzag(_ x: Int64) -> UInt64 {
    UInt64(bitPattern: (x &<< 1) ^ (x >> 63))
}

@inline(__always)
func unzigzag(_ u: UInt64) -> Int64 {
    Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
}
