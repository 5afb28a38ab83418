#if canImport(Glibc)
import Glibc  // rounding functions live in libm
#endif

/// A compressed run of one series' samples, in strictly increasing time order.
///
/// Timestamps are stored Gorilla-style as delta-of-deltas with adaptive field widths. Values use
/// one of two schemes, chosen per chunk and recorded in the header:
/// - *decimal*: every value is `m / 10^k` for an integer `m` (|m| ≤ 2^53) and a per-chunk scale
///   `k` in 0...22, reproduced bit-exactly; the chunk stores deltas of `m`. This is what most
///   scraped values are (integers, or numbers printed with a few decimals) and it is several
///   times smaller than XOR for changing values. NaN, ±Inf and -0.0 are stored raw, inline.
/// - *XOR*: Gorilla's XOR of consecutive IEEE bit patterns, for anything else.
/// The chunk starts in the cheapest scheme that fits its first value and re-encodes itself into a
/// wider one when a later value does not fit; that happens at most a few times per chunk, so
/// appending stays amortised O(1). See docs/format/chunks.md for the exact layout.
///
/// Every Double bit pattern (NaN payloads such as the stale marker included) and every Int64
/// timestamp round-trips exactly. A value type; not shared, so no locking is needed, but a
/// chunk being appended to must not be read concurrently from another thread without the
/// owner's lock.
public struct XORChunk: Sendable {
    /// How values may be encoded.
    public enum ValueEncoding: Sendable, Hashable {
        /// Pick the smallest scheme that fits the values (the default).
        case automatic
        /// Always plain Gorilla XOR; for comparisons and for data known to be arbitrary floats.
        case xor
    }

    /// The most samples one chunk can hold (the header count is 16 bits).
    public static let maxSamples = 65535
    /// Header bytes: value scheme, then the sample count as big-endian UInt16.
    static let headerSize = 3
    /// The largest decimal scale; 10^22 is the largest power of ten that is an exact Double.
    static let maxScale = 22
    /// A reused field width is kept unless the new value needs this many bits fewer; then a
    /// fresh, narrower width pays for its 6-bit header within one or two samples.
    static let shrinkSlack = 6
    /// Same idea for the XOR window, whose fresh header costs 11 bits more than a reuse.
    static let xorShrinkSlack = 11

    var writer: BitWriter
    /// Number of samples held, 0...maxSamples.
    public private(set) var count: Int
    private(set) var scheme: ValueScheme
    let valueEncoding: ValueEncoding
    /// 10^scale for the decimal scheme.
    var divisor: Double
    var firstTime: Int64 = 0
    var time = TimeState()
    var xor = XORValueState()
    var dec = DecimalValueState()

    /// An empty chunk that picks its value scheme automatically.
    public init() {
        self.init(valueEncoding: .automatic)
    }

    /// An empty chunk with the given value encoding.
    public init(valueEncoding: ValueEncoding) {
        self.init(scheme: valueEncoding == .xor ? .xor : .decimal(scale: 0), valueEncoding: valueEncoding)
    }

    init(scheme: ValueScheme, valueEncoding: ValueEncoding) {
        self.scheme = scheme
        self.valueEncoding = valueEncoding
        self.divisor = scheme.divisor
        self.count = 0
        var header = [UInt8](repeating: 0, count: Self.headerSize)
        header[0] = scheme.code
        self.writer = BitWriter(bytes: header, bitCount: Self.headerSize * 8)
    }

    /// Wraps an encoded chunk, e.g. one read back from disk, so it can be read or appended to.
    ///
    /// Validates the whole chunk (O(count)): header, every sample, strictly increasing times,
    /// no bytes after the last sample and zero padding bits. Throws `TSDBError(.corrupted)`.
    public init(bytes: [UInt8]) throws {
        var d = try bytes.withUnsafeBytes { try ChunkDecoder(header: $0) }
        try bytes.withUnsafeBytes { buf in
            while try d.next(buf) != nil {}
        }
        let used = (d.pos + 7) >> 3
        guard used == bytes.count else {
            throw TSDBError(.corrupted, "XOR chunk has \(bytes.count - used) unexpected bytes after its \(d.count) samples")
        }
        let padding = used * 8 - d.pos
        if padding > 0, bytes[used - 1] & UInt8((1 << padding) - 1) != 0 {
            throw TSDBError(.corrupted, "XOR chunk has non-zero padding bits in its last byte")
        }
        self.scheme = d.scheme
        self.valueEncoding = .automatic
        self.divisor = d.scheme.divisor
        self.count = d.count
        self.writer = BitWriter(bytes: bytes, bitCount: d.pos)
        self.firstTime = d.firstTime
        self.time = d.time
        self.xor = d.xor
        self.dec = d.dec
    }

    /// The encoded chunk: header plus bit stream, self-contained (it carries its sample count).
    public var bytes: [UInt8] { writer.bytes }

    /// Timestamp of the first sample (ms), nil when empty.
    public var minTime: Int64? { count > 0 ? firstTime : nil }
    /// Timestamp of the last sample (ms), nil when empty.
    public var maxTime: Int64? { count > 0 ? time.t : nil }
    /// True when no more samples can be appended.
    public var isFull: Bool { count >= Self.maxSamples }

    /// Appends a sample. `t` must be greater than `maxTime` and the chunk must not be full
    /// (both checked by precondition). Amortised O(1); no allocation beyond the byte array's
    /// geometric growth, except the rare re-encode into a wider value scheme.
    public mutating func append(t: Int64, v: Double) {
        precondition(count < Self.maxSamples, "XORChunk is full (\(Self.maxSamples) samples)")
        precondition(count == 0 || t > time.t, "XORChunk timestamps must strictly increase")
        if count == 0 && valueEncoding == .automatic {
            let s = Self.initialScheme(for: v)
            if s != scheme { self = XORChunk(scheme: s, valueEncoding: valueEncoding) }
        }
        if !appendIfFits(t: t, v: v) {
            rebuild(adding: Sample(t: t, v: v))
        }
    }

    /// Encodes one sample in the current scheme; returns false, writing nothing, if the
    /// decimal scheme cannot represent `v` at its scale.
    mutating func appendIfFits(t: Int64, v: Double) -> Bool {
        switch scheme {
        case .xor:
            writeTime(t)
            writeXOR(v.bitPattern)
        case .decimal:
            if Self.isSpecial(v) {
                writeTime(t)
                writeEscape(v.bitPattern)
            } else {
                guard let m = Self.mantissa(of: v, divisor: divisor) else { return false }
                writeTime(t)
                writeDecimal(m)
            }
        }
        if count == 0 { firstTime = t }
        count += 1
        writer.flush()
        writer.bytes.withUnsafeMutableBufferPointer { p in
            p[1] = UInt8(truncatingIfNeeded: count >> 8)
            p[2] = UInt8(truncatingIfNeeded: count)
        }
        return true
    }

    /// Re-encodes every sample plus `s` into the narrowest wider scheme that holds them all.
    mutating func rebuild(adding s: Sample) {
        var samples: [Sample] = []
        samples.reserveCapacity(count + 1)
        do {
            try decode(into: &samples)
        } catch {
            preconditionFailure("XORChunk failed to decode its own encoding: \(error)")
        }
        samples.append(s)
        var target = Self.scheme(after: scheme, for: s.v)
        while true {
            var fresh = XORChunk(scheme: target, valueEncoding: valueEncoding)
            var failed: Double?
            for x in samples where !fresh.appendIfFits(t: x.t, v: x.v) {
                failed = x.v
                break
            }
            guard let f = failed else {
                self = fresh
                return
            }
            target = Self.scheme(after: target, for: f)
        }
    }

    // MARK: Timestamps

    @inline(__always)
    mutating func writeTime(_ t: Int64) {
        switch count {
        case 0:
            writer.writeUVarint(zigzag(t))
        case 1:
            // t > previous, so the true delta is in 1...2^64-1: store its unsigned bit pattern.
            let d = t &- time.t
            writer.writeUVarint(UInt64(bitPattern: d))
            time.delta = d
        default:
            let d = t &- time.t
            let dod = d &- time.delta
            time.delta = d
            if dod == 0 {
                writer.write(0, bits: 1)
            } else {
                let zz = zigzag(dod)
                writer.writeField(zz, need: 64 - zz.leadingZeroBitCount, width: &time.width)
            }
        }
        time.t = t
    }

    // MARK: Values, decimal scheme

    @inline(__always)
    mutating func writeDecimal(_ m: Int64) {
        let delta = m &- dec.m
        dec.m = m
        if delta == dec.delta && !dec.lastWasEscape {
            writer.write(0, bits: 1)
            return
        }
        dec.delta = delta
        dec.lastWasEscape = false
        let zz = zigzag(delta)
        // Width code 0 means "raw value follows", so a zero delta still takes a 1-bit field.
        writer.writeField(zz, need: Swift.max(1, 64 - zz.leadingZeroBitCount), width: &dec.width)
    }

    /// NaN, ±Inf or -0.0 inside a decimal chunk: '0' repeats the previous raw value, otherwise
    /// '11' + width code 0 + the 64-bit pattern. The integer state is left untouched.
    mutating func writeEscape(_ bits: UInt64) {
        if dec.lastWasEscape && bits == dec.escapeBits {
            writer.write(0, bits: 1)
            return
        }
        writer.write(0b1100_0000, bits: 8)
        writer.write(bits, bits: 64)
        dec.lastWasEscape = true
        dec.escapeBits = bits
    }

    // MARK: Values, XOR scheme

    @inline(__always)
    mutating func writeXOR(_ bits: UInt64) {
        if count == 0 {
            writer.write(bits, bits: 64)
            xor.bits = bits
            return
        }
        let x = bits ^ xor.bits
        xor.bits = bits
        if x == 0 {
            writer.write(0, bits: 1)
            return
        }
        let lead = Swift.min(x.leadingZeroBitCount, 31)
        let trail = x.trailingZeroBitCount
        let sig = 64 - lead - trail
        let oldTrail = 64 - xor.leading - xor.sig
        if xor.sig > 0 && lead >= xor.leading && trail >= oldTrail && xor.sig - sig <= Self.xorShrinkSlack {
            let payload = x &>> UInt64(oldTrail)
            if xor.sig <= 62 {
                writer.write(0b10 &<< UInt64(xor.sig) | payload, bits: xor.sig + 2)
            } else {
                writer.write(0b10, bits: 2)
                writer.write(payload, bits: xor.sig)
            }
        } else {
            let head = 0b11 &<< 11 | UInt64(lead) &<< 6 | UInt64(sig & 63)
            let payload = x &>> UInt64(trail)
            if sig <= 51 {
                writer.write(head &<< UInt64(sig) | payload, bits: sig + 13)
            } else {
                writer.write(head, bits: 13)
                writer.write(payload, bits: sig)
            }
            xor.leading = lead
            xor.sig = sig
        }
    }

    // MARK: Scheme choice

    /// Values the decimal scheme stores raw instead of as integers.
    @inline(__always)
    static func isSpecial(_ v: Double) -> Bool {
        !v.isFinite || (v == 0 && v.sign == .minus)
    }

    /// The integer `m` with `Double(m) / divisor` bit-identical to `v`, if there is one with
    /// |m| ≤ 2^53 (so that `Double(m)` is exact and the division is one correct rounding).
    @inline(__always)
    static func mantissa(of v: Double, divisor: Double) -> Int64? {
        let x = v * divisor
        guard x.magnitude <= 9_007_199_254_740_992 else { return nil }  // also rejects NaN
        let m = Int64(x.rounded(.toNearestOrEven))
        guard (Double(m) / divisor).bitPattern == v.bitPattern else { return nil }
        return m
    }

    static func initialScheme(for v: Double) -> ValueScheme {
        if isSpecial(v) { return .decimal(scale: 0) }
        return scheme(after: nil, for: v)
    }

    /// The narrowest scheme wider than `current` (nil: any) that can hold `v`.
    static func scheme(after current: ValueScheme?, for v: Double) -> ValueScheme {
        var k: Int
        switch current {
        case nil: k = 0
        case .xor?: return .xor
        case .decimal(let s)?: k = s + 1
        }
        while k <= maxScale {
            if mantissa(of: v, divisor: ValueScheme.decimal(scale: k).divisor) != nil { return .decimal(scale: k) }
            k += 1
        }
        return .xor
    }
}

/// The per-chunk value scheme, stored in header byte 0: 0 = XOR, 1 + k = decimal with scale k.
enum ValueScheme: Hashable, Sendable {
    case xor
    case decimal(scale: Int)

    var code: UInt8 {
        switch self {
        case .xor: return 0
        case .decimal(let k): return UInt8(1 + k)
        }
    }

    init?(code: UInt8) {
        if code == 0 {
            self = .xor
        } else if Int(code) - 1 <= XORChunk.maxScale {
            self = .decimal(scale: Int(code) - 1)
        } else {
            return nil
        }
    }

    /// 10^k, exact for k ≤ 22 (built from exact integers, not `pow`).
    var divisor: Double {
        guard case .decimal(let k) = self else { return 1 }
        var p: Double = 1
        for _ in 0..<k { p *= 10 }
        return p
    }
}

/// Timestamp encoder/decoder state: last time, last delta, current dod field width (0 = none).
struct TimeState: Sendable {
    var t: Int64 = 0
    var delta: Int64 = 0
    var width = 0
}

/// XOR scheme state: last value's bits and the current window (sig 0 = no window yet).
struct XORValueState: Sendable {
    var bits: UInt64 = 0
    var leading = 0
    var sig = 0
}

/// Decimal scheme state: last integer, last delta, field width, and the last raw (escaped) value.
struct DecimalValueState: Sendable {
    var m: Int64 = 0
    var delta: Int64 = 0
    var width = 0
    var lastWasEscape = false
    var escapeBits: UInt64 = 0
}
