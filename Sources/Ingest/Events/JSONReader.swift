import Foundation

/// A pull parser over JSON text (RFC 8259) in UTF-8, for decoders that read straight into their
/// own types instead of building a tree: keys are compared as bytes, short strings are created
/// without escapes processing, numbers are converted without going through text.
///
/// The buffer must outlive the reader. Every error is `.badJSON` (or `.tooDeep`) with the byte
/// offset where the problem is. Not thread-safe; one reader per document.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Offset of the next byte to read.
    var pos = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The kinds of value a reader can find next.
    enum Kind {
        case object, array, string, number, bool, null
    }

    /// A key read in place: `start..<start+count` in the buffer, the text between the quotes.
    struct Span {
        var start: Int
        var count: Int
        /// True when the text holds backslash escapes (compare it through `string(of:)`).
        var escaped: Bool
    }

    // MARK: errors

    func fail(_ message: String, at offset: Int? = nil) -> IngestError {
        IngestError(.badJSON, "invalid JSON: \(message)", offset: offset ?? pos)
    }

    private func describeByte(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of input" }
        let b = bytes[offset]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    // MARK: structure

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    /// The kind of the next value, after whitespace.
    mutating func peekKind() throws(IngestError) -> Kind {
        skipWhitespace()
        guard pos < bytes.count else { throw fail("expected a value, found end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: throw fail("expected a value, found \(describeByte(at: pos))")
        }
    }

    /// Fails unless only whitespace is left.
    mutating func expectEnd() throws(IngestError) {
        skipWhitespace()
        if pos < bytes.count { throw fail("unexpected \(describeByte(at: pos)) after the JSON value") }
    }

    /// Consumes `{`; the next call is `nextKey(&first)` with `first == true`.
    mutating func beginObject() throws(IngestError) {
        skipWhitespace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "{") else { throw fail("expected '{', found \(describeByte(at: pos))") }
        pos += 1
    }

    /// The next key of the object being read, positioned at its value; nil (past `}`) at the end.
    mutating func nextKey(_ first: inout Bool) throws(IngestError) -> Span? {
        skipWhitespace()
        guard pos < bytes.count else { throw fail("unterminated object") }
        if bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            return nil
        }
        if !first {
            guard bytes[pos] == UInt8(ascii: ",") else { throw fail("expected ',' or '}' in object, found \(describeByte(at: pos))") }
            pos += 1
            skipWhitespace()
        }
        first = false
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
            throw fail("expected a quoted key, found \(describeByte(at: pos))")
        }
        let span = try readSpan()
        skipWhitespace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':' after key, found \(describeByte(at: pos))") }
        pos += 1
        return span
    }

    /// Consumes `[`; then call `nextElement(&first)` before each element.
    mutating func beginArray() throws(IngestError) {
        skipWhitespace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "[") else { throw fail("expected '[', found \(describeByte(at: pos))") }
        pos += 1
    }

    /// True when another element follows (the reader is at it); false past the closing `]`.
    mutating func nextElement(_ first: inout Bool) throws(IngestError) -> Bool {
        skipWhitespace()
        guard pos < bytes.count else { throw fail("unterminated array") }
        if bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            return false
        }
        if !first {
            guard bytes[pos] == UInt8(ascii: ",") else { throw fail("expected ',' or ']' in array, found \(describeByte(at: pos))") }
            pos += 1
        }
        first = false
        return true
    }

    // MARK: keys

    /// True when `span` (an unescaped key) is exactly `literal`.
    @inline(__always)
    func spanEquals(_ span: Span, _ literal: StaticString) -> Bool {
        if span.escaped { return (try? string(of: span)) == literal.description }
        guard span.count == literal.utf8CodeUnitCount else { return false }
        return memcmp(bytes.baseAddress! + span.start, literal.utf8Start, span.count) == 0
    }

    /// The text of a span, with escapes processed.
    func string(of span: Span) throws(IngestError) -> String {
        var copy = JSONReader(bytes)
        copy.pos = span.start - 1
        return try copy.readString()
    }

    // MARK: scalars

    /// Reads a string's extent without building it (used for keys).
    mutating func readSpan() throws(IngestError) -> Span {
        pos += 1  // opening quote
        let start = pos
        var escaped = false
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let span = Span(start: start, count: pos - start, escaped: escaped)
                pos += 1
                return span
            }
            if b == UInt8(ascii: "\\") {
                escaped = true
                pos += 2
                continue
            }
            if b < 0x20 { throw fail("control character in string (escape it)") }
            pos += 1
        }
        throw fail("unterminated string", at: start - 1)
    }

    /// Reads a string value (the reader is at its opening quote).
    mutating func readString() throws(IngestError) -> String {
        let open = pos
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a string, found \(describeByte(at: pos))") }
        pos += 1
        let start = pos
        var high: UInt8 = 0
        // Fast path: no escapes.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<pos])
                pos += 1
                if high < 0x80 { return String(decoding: raw, as: UTF8.self) }
                guard let s = String(validating: raw, as: UTF8.self) else { throw fail("string is not valid UTF-8", at: start) }
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("control character in string (escape it)") }
            high |= b
            pos += 1
        }
        guard pos < bytes.count else { throw fail("unterminated string", at: open) }
        return try readEscapedString(from: start)
    }

    /// Slow path of `readString`: the string holds escapes; `pos` is at the first backslash.
    private mutating func readEscapedString(from start: Int) throws(IngestError) -> String {
        var out = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<pos]))
        out.reserveCapacity(out.count + 16)
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8", at: start) }
                return s
            }
            if b < 0x20 { throw fail("control character in string (escape it)") }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                pos += 1
                continue
            }
            guard pos + 1 < bytes.count else { break }
            let e = bytes[pos + 1]
            pos += 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if (0xD800..<0xDC00).contains(scalar), pos + 1 < bytes.count,
                   bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                    let save = pos
                    pos += 2
                    let low = try readHex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        pos = save
                    }
                }
                // A lone surrogate (JavaScript strings can hold one) becomes U+FFFD, as
                // PostHog's capture does, rather than failing the whole request.
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: String(Character(u)).utf8)
            default:
                throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))' in string", at: pos - 2)
            }
        }
        throw fail("unterminated string", at: start - 1)
    }

    private mutating func readHex4() throws(IngestError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 0x41 + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    /// Reads a number. Up to 15 significant digits with a small exponent are converted exactly
    /// by integer arithmetic (Clinger's fast path); anything else goes through `strtod`.
    mutating func readNumber() throws(IngestError) -> Double {
        let start = pos
        var negative = false
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        guard pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 else { throw fail("invalid number", at: start) }
        if bytes[pos] == 0x30 {
            pos += 1
            if pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 { throw fail("leading zero in number", at: start) }
        } else {
            while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[pos] - 0x30) } else { exponent += 1 }
                digits += 1
                pos += 1
            }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 else { throw fail("digit expected after '.'", at: pos) }
            while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(bytes[pos] - 0x30)
                    exponent -= 1
                    if mantissa != 0 { digits += 1 }
                }
                pos += 1
            }
        }
        if pos < bytes.count, bytes[pos] | 0x20 == UInt8(ascii: "e") {
            pos += 1
            var expNegative = false
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") {
                expNegative = bytes[pos] == UInt8(ascii: "-")
                pos += 1
            }
            guard pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 else { throw fail("digit expected in exponent", at: pos) }
            var e = 0
            while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 {
                if e < 100_000 { e = e * 10 + Int(bytes[pos] - 0x30) }
                pos += 1
            }
            exponent += expNegative ? -e : e
        }
        if digits <= 15, mantissa < (1 << 53), exponent >= -22, exponent <= 22 {
            var v = Double(mantissa)
            if exponent < 0 { v /= JSONReader.powersOfTen[-exponent] } else { v *= JSONReader.powersOfTen[exponent] }
            return negative ? -v : v
        }
        return slowNumber(start..<pos)
    }

    private static let powersOfTen: [Double] = (0...22).map { e in
        var v = 1.0
        for _ in 0..<e { v *= 10 }
        return v
    }

    private func slowNumber(_ range: Range<Int>) -> Double {
        var text = [CChar](repeating: 0, count: range.count + 1)
        for (i, b) in bytes[range].enumerated() { text[i] = CChar(bitPattern: b) }
        return strtod(text, nil)
    }

    mutating func readBool() throws(IngestError) -> Bool {
        if matchLiteral("true") { return true }
        if matchLiteral("false") { return false }
        throw fail("expected true or false")
    }

    mutating func readNull() throws(IngestError) {
        guard matchLiteral("null") else { throw fail("expected null") }
    }

    private mutating func matchLiteral(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count, memcmp(bytes.baseAddress! + pos, word.utf8Start, n) == 0 else { return false }
        pos += n
        return true
    }

    // MARK: whole values

    /// Skips one value of any kind, checking its syntax.
    mutating func skipValue(maxDepth: Int = 64) throws(IngestError) {
        switch try peekKind() {
        case .string: _ = try readSpan()
        case .number: _ = try readNumber()
        case .bool: _ = try readBool()
        case .null: try readNull()
        case .object:
            guard maxDepth > 0 else { throw IngestError(.tooDeep, "JSON nested too deeply", offset: pos) }
            try beginObject()
            var first = true
            while try nextKey(&first) != nil { try skipValue(maxDepth: maxDepth - 1) }
        case .array:
            guard maxDepth > 0 else { throw IngestError(.tooDeep, "JSON nested too deeply", offset: pos) }
            try beginArray()
            var first = true
            while try nextElement(&first) { try skipValue(maxDepth: maxDepth - 1) }
        }
    }

    /// Reads one value into a tree. Objects and arrays count one level each against `maxDepth`
    /// (0 allows only scalars); deeper input throws `.tooDeep` at the offending bracket.
    mutating func readValue(maxDepth: Int = 64) throws(IngestError) -> JSONValue {
        switch try peekKind() {
        case .string: return .string(try readString())
        case .number: return .number(try readNumber())
        case .bool: return .bool(try readBool())
        case .null:
            try readNull()
            return .null
        case .object:
            guard maxDepth > 0 else { throw IngestError(.tooDeep, "JSON nested too deeply", offset: pos) }
            try beginObject()
            var members: [JSONMember] = []
            var first = true
            while let key = try nextKey(&first) {
                let name = try string(of: key)
                members.append(JSONMember(name, try readValue(maxDepth: maxDepth - 1)))
            }
            return .object(members)
        case .array:
            guard maxDepth > 0 else { throw IngestError(.tooDeep, "JSON nested too deeply", offset: pos) }
            try beginArray()
            var items: [JSONValue] = []
            var first = true
            while try nextElement(&first) { items.append(try readValue(maxDepth: maxDepth - 1)) }
            return .array(items)
        }
    }
}
