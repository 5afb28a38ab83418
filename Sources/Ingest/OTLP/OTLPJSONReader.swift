import Glibc

/// A bounds-checked pull reader over JSON text (RFC 8259), for the OTLP JSON decoder.
///
/// Strings without escapes are returned as spans of the body; escaped ones are decoded into
/// `arena`, whose spans start at `bodyCount` (the caller appends the arena to the body). Every
/// error is `IngestError(.badSyntax)` with the byte offset. Nesting is bounded by `maxDepth`.
/// It does not own the memory: keep the body alive while the reader is used.
struct OTLPJSONReader {
    let base: UnsafePointer<UInt8>
    let end: Int
    var position = 0
    var arena: [UInt8] = []
    let bodyCount: Int
    var depth = 0

    static let maxDepth = 64

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        end = count
        bodyCount = count
    }

    func error(_ message: String, at offset: Int? = nil) -> IngestError {
        IngestError(.badSyntax, "invalid JSON: \(message)", offset: offset ?? position)
    }

    @inline(__always)
    mutating func skipSpace() {
        while position < end {
            switch base[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The next significant byte, without consuming it; nil at the end of the text.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipSpace()
        return position < end ? base[position] : nil
    }

    mutating func expect(_ c: UInt8) throws(IngestError) {
        guard peek() == c else { throw error("expected '\(Character(Unicode.Scalar(c)))'") }
        position += 1
    }

    /// After the whole value: only whitespace may follow.
    mutating func expectEnd() throws(IngestError) {
        if peek() != nil { throw error("unexpected text after the JSON value") }
    }

    // MARK: Objects and arrays

    /// Enters an object (`{`); then call `nextKey` until it returns nil.
    mutating func beginObject() throws(IngestError) {
        try expect(UInt8(ascii: "{"))
        try enter()
    }

    /// The next key of the current object, with its `:` consumed; nil after the closing `}`.
    mutating func nextKey(first: inout Bool) throws(IngestError) -> TextSpan? {
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return nil
        }
        if !first { try expect(UInt8(ascii: ",")) }
        first = false
        guard peek() == UInt8(ascii: "\"") else { throw error("expected an object key") }
        let key = try readString()
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// Enters an array (`[`); then call `nextElement` until it returns false.
    mutating func beginArray() throws(IngestError) {
        try expect(UInt8(ascii: "["))
        try enter()
    }

    /// Whether another element follows (its leading `,` consumed); false after the closing `]`.
    mutating func nextElement(first: inout Bool) throws(IngestError) -> Bool {
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return false
        }
        if !first { try expect(UInt8(ascii: ",")) }
        first = false
        return true
    }

    private mutating func enter() throws(IngestError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth)") }
    }

    /// Consumes `null` if it is next.
    mutating func readNull() -> Bool {
        guard peek() == UInt8(ascii: "n"), end - position >= 4, base[position + 1] == UInt8(ascii: "u"),
              base[position + 2] == UInt8(ascii: "l"), base[position + 3] == UInt8(ascii: "l") else { return false }
        position += 4
        return true
    }

    mutating func readBool() throws(IngestError) -> Bool {
        if literal("true") { return true }
        if literal("false") { return false }
        throw error("expected true or false")
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        _ = peek()
        let n = word.utf8CodeUnitCount
        guard end - position >= n, memcmp(base + position, word.utf8Start, n) == 0 else { return false }
        position += n
        return true
    }

    /// Skips any value, however nested (within `maxDepth`).
    mutating func skipValue() throws(IngestError) {
        switch peek() {
        case UInt8(ascii: "{"):
            try beginObject()
            var first = true
            while try nextKey(first: &first) != nil { try skipValue() }
        case UInt8(ascii: "["):
            try beginArray()
            var first = true
            while try nextElement(first: &first) { try skipValue() }
        case UInt8(ascii: "\""): _ = try readString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try readBool()
        case UInt8(ascii: "n"):
            guard readNull() else { throw error("unexpected character") }
        case nil: throw error("unexpected end of text")
        default: _ = try readNumberText()
        }
    }

    // MARK: Strings

    /// A string value: a span of the body, or of the arena when it had escapes.
    mutating func readString() throws(IngestError) -> TextSpan {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        let open = position
        position += 1
        let start = position
        while position < end {
            let c = base[position]
            if c == UInt8(ascii: "\"") {
                position += 1
                return TextSpan(start..<(position - 1))
            }
            if c == UInt8(ascii: "\\") { return try readEscaped(from: start) }
            if c < 0x20 { throw error("control character in a string") }
            position += 1
        }
        throw error("unterminated string", at: open)
    }

    private mutating func readEscaped(from start: Int) throws(IngestError) -> TextSpan {
        let arenaStart = arena.count
        arena.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
        while position < end {
            let c = base[position]
            if c == UInt8(ascii: "\"") {
                position += 1
                return TextSpan((bodyCount + arenaStart)..<(bodyCount + arena.count))
            }
            if c < 0x20 { throw error("control character in a string") }
            guard c == UInt8(ascii: "\\") else {
                arena.append(c)
                position += 1
                continue
            }
            guard position + 1 < end else { break }
            let e = base[position + 1]
            position += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): arena.append(e)
            case UInt8(ascii: "b"): arena.append(0x08)
            case UInt8(ascii: "f"): arena.append(0x0C)
            case UInt8(ascii: "n"): arena.append(0x0A)
            case UInt8(ascii: "r"): arena.append(0x0D)
            case UInt8(ascii: "t"): arena.append(0x09)
            case UInt8(ascii: "u"): try appendUnicodeEscape()
            default: throw error("invalid escape \\\(Character(Unicode.Scalar(e)))", at: position - 2)
            }
        }
        throw error("unterminated string", at: start - 1)
    }

    private mutating func hex4() throws(IngestError) -> UInt32 {
        guard end - position >= 4 else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = base[position]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | UInt32(d)
            position += 1
        }
        return v
    }

    /// A `\uXXXX` escape (the `\u` consumed), joining surrogate pairs; a lone surrogate is U+FFFD.
    private mutating func appendUnicodeEscape() throws(IngestError) {
        var v = try hex4()
        if v >= 0xD800 && v < 0xDC00, end - position >= 6, base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u") {
            let save = position
            position += 2
            let low = try hex4()
            if low >= 0xDC00 && low < 0xE000 {
                v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
            } else {
                position = save
                v = 0xFFFD
            }
        } else if v >= 0xD800 && v < 0xE000 {
            v = 0xFFFD
        }
        arena.append(contentsOf: String(Character(Unicode.Scalar(v) ?? "\u{FFFD}")).utf8)
    }

    // MARK: Numbers

    /// The text of a JSON number, checked against the grammar.
    mutating func readNumberText() throws(IngestError) -> Range<Int> {
        _ = peek()
        let start = position
        if position < end && base[position] == UInt8(ascii: "-") { position += 1 }
        guard digits() > 0 else { throw error("expected a value", at: start) }
        if base[start] == UInt8(ascii: "0") || (base[start] == UInt8(ascii: "-") && base[start + 1] == UInt8(ascii: "0")),
           position - start > (base[start] == UInt8(ascii: "-") ? 2 : 1) {
            throw error("number with a leading zero", at: start)
        }
        if position < end && base[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw error("digits expected after '.'", at: start) }
        }
        if position < end && (base[position] | 0x20) == UInt8(ascii: "e") {
            position += 1
            if position < end && (base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-")) { position += 1 }
            guard digits() > 0 else { throw error("digits expected in the exponent", at: start) }
        }
        return start..<position
    }

    private mutating func digits() -> Int {
        let start = position
        while position < end && base[position] >= UInt8(ascii: "0") && base[position] <= UInt8(ascii: "9") { position += 1 }
        return position - start
    }

    /// The Double of number text (correctly rounded by the C library); nil if it is not one.
    static func double(_ text: UnsafeRawBufferPointer) -> Double? {
        guard !text.isEmpty, text.count < 400 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buf -> Double? in
            guard let p = buf.baseAddress else { return nil }
            for i in 0..<text.count { buf[i] = CChar(bitPattern: text[i]) }
            buf[text.count] = 0
            var stop: UnsafeMutablePointer<CChar>?
            let v = strtod(p, &stop)
            return stop == p + text.count ? v : nil
        }
    }

    /// The integer of decimal text (an optional `-`, digits, and a fraction or exponent only if
    /// the value stays whole, as protobuf's JSON parsers accept); nil when not whole or out of range.
    static func integer(_ text: UnsafeRawBufferPointer, signed: Bool) -> (magnitude: UInt64, negative: Bool)? {
        var i = 0
        let negative = i < text.count && text[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < text.count else { return nil }
        var v: UInt64 = 0
        var plain = true
        while i < text.count {
            let c = text[i]
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { plain = false; break }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            v = a
            i += 1
        }
        if plain { return fits(v, negative, signed) ? (v, negative) : nil }
        guard let d = double(text), d == d.rounded(), d.magnitude < 1.8446744073709552e19 else { return nil }
        let m = UInt64(d.magnitude)
        return fits(m, d < 0, signed) ? (m, d < 0) : nil
    }

    private static func fits(_ m: UInt64, _ negative: Bool, _ signed: Bool) -> Bool {
        if !signed { return !negative || m == 0 }
        return negative ? m <= UInt64(Int64.max) + 1 : m <= UInt64(Int64.max)
    }

    /// Calls `body` with the bytes of a span of the body or the arena.
    func withBytes<R>(_ span: TextSpan, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = Int(span.start), n = Int(span.count)
        if start >= bodyCount {
            return arena.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[(start - bodyCount)..<(start - bodyCount + n)])) }
        }
        return body(UnsafeRawBufferPointer(start: base + start, count: n))
    }

    /// Whether a span's bytes are exactly one of the given names.
    func isKey(_ span: TextSpan, _ a: StaticString, _ b: StaticString? = nil) -> Bool {
        withBytes(span) { bytes in
            func same(_ s: StaticString) -> Bool {
                s.utf8CodeUnitCount == bytes.count && (bytes.isEmpty || memcmp(bytes.baseAddress!, s.utf8Start, bytes.count) == 0)
            }
            return same(a) || (b.map(same) ?? false)
        }
    }

    /// Bytes of a span as an array.
    func copyBytes(_ span: TextSpan) -> [UInt8] { withBytes(span) { Array($0) } }
}
