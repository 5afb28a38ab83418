/// Decoding of LZ-String's `compressToBase64` output, which posthog-js sends with
/// `compression=lz64`.
///
/// The format is LZW over UTF-16 code units, written as a bit stream (least significant bit of
/// each code first, most significant bit of each 6-bit base64 digit first). Codes 0 and 1
/// introduce an 8- or 16-bit literal that also enters the dictionary, 2 ends the stream, and
/// higher codes name dictionary entries; the code width starts at 2 bits and grows as the
/// dictionary fills. Every dictionary entry is a run of the output already written (a previous
/// piece plus the first unit of the next), so entries are kept as (start, length) ranges of the
/// output instead of strings.
public enum LZString {
    /// The text `compressToBase64` was given. Throws `.badCompression` for input that is not
    /// such output, `.tooLarge` past `limit` UTF-16 code units of output.
    public static func decompressFromBase64(_ input: some Collection<UInt8>, limit: Int) throws(IngestError) -> String {
        var digits: [UInt8] = []
        digits.reserveCapacity(input.count)
        for c in input {
            guard let v = value(of: c) else {
                throw IngestError(.badCompression, "lz64 payload holds a character that is not base64")
            }
            digits.append(v)
        }
        let units = try decompress(digits, limit: limit)
        guard let s = String(validating: units, as: UTF16.self) else {
            throw IngestError(.badCompression, "lz64 payload does not decode to valid UTF-16 text")
        }
        return s
    }

    private static func value(of c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c - 65
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return c - 97 + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - 48 + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        case UInt8(ascii: "="): return 0  // padding: carries no set bits
        default: return nil
        }
    }

    /// Reads the bit stream of 6-bit digits.
    private struct Bits {
        let digits: [UInt8]
        var index = 0
        var current: UInt8
        var mask: UInt8 = 32

        init(_ digits: [UInt8]) {
            self.digits = digits
            current = digits.first ?? 0
        }

        /// `width` bits, the first read being the least significant; nil past the end.
        mutating func read(_ width: Int) -> Int? {
            var v = 0
            for bit in 0..<width {
                guard index < digits.count else { return nil }
                if current & mask != 0 { v |= 1 << bit }
                mask >>= 1
                if mask == 0 {
                    mask = 32
                    index += 1
                    current = index < digits.count ? digits[index] : 0
                }
            }
            return v
        }
    }

    static func decompress(_ digits: [UInt8], limit: Int) throws(IngestError) -> [UInt16] {
        let bad = IngestError(.badCompression, "lz64 payload is not valid LZ-String data")
        guard !digits.isEmpty else { throw bad }
        var bits = Bits(digits)
        var out: [UInt16] = []
        // Entries 0, 1, 2 are the control codes and hold nothing.
        var dict: [(start: Int, count: Int)] = [(0, 0), (0, 0), (0, 0)]
        var width = 3
        var enlargeIn = 4

        func literal(_ code: Int, _ bits: inout Bits) -> UInt16? {
            guard let v = bits.read(code == 0 ? 8 : 16) else { return nil }
            return UInt16(v)
        }

        guard let firstCode = bits.read(2) else { throw bad }
        if firstCode == 2 { return [] }
        guard firstCode < 2, let c0 = literal(firstCode, &bits) else { throw bad }
        dict.append((out.count, 1))
        out.append(c0)
        var previous = (start: 0, count: 1)

        while true {
            guard var code = bits.read(width) else { throw bad }
            if code == 2 { return out }
            if code < 2 {
                guard let c = literal(code, &bits) else { throw bad }
                dict.append((out.count, 1))
                out.append(c)
                code = dict.count - 1
                enlargeIn -= 1
                if enlargeIn == 0 {
                    enlargeIn = 1 << width
                    width += 1
                }
                // The literal itself is this step's piece: it is already in the output.
                let piece = (start: out.count - 1, count: 1)
                dict.append((previous.start, previous.count + 1))
                previous = piece
            } else {
                let start = out.count
                if code < dict.count {
                    let entry = dict[code]
                    guard out.count + entry.count <= limit else { throw tooLarge(limit) }
                    for k in 0..<entry.count { out.append(out[entry.start + k]) }
                } else if code == dict.count {
                    // The entry being defined: the previous piece plus its own first unit.
                    guard out.count + previous.count + 1 <= limit else { throw tooLarge(limit) }
                    for k in 0..<previous.count { out.append(out[previous.start + k]) }
                    out.append(out[previous.start])
                } else {
                    throw bad
                }
                dict.append((previous.start, previous.count + 1))
                previous = (start, out.count - start)
            }
            if out.count > limit { throw tooLarge(limit) }
            enlargeIn -= 1
            if enlargeIn == 0 {
                enlargeIn = 1 << width
                width += 1
            }
        }
    }

    private static func tooLarge(_ limit: Int) -> IngestError {
        IngestError(.tooLarge, "lz64 payload is larger than the limit of \(limit) characters once decompressed")
    }
}
