import TSDB

/// Splits a PromQL query into tokens, with Prometheus's lexing rules and error messages.
///
/// Like Prometheus's lexer it is modal: inside `{...}` only label matcher tokens are recognised, and
/// after `[` only durations, numbers and the duration-expression operators. Lexing stops at the
/// first error, which becomes a `.error` token carrying the message; comments are dropped.
/// Offsets count unicode scalars.
struct Lexer {
    private let input: [Unicode.Scalar]
    private var pos = 0
    private var start = 0
    /// 1 when the last `next()` consumed a scalar, 0 at the end of input.
    private var width = 0

    private var parenDepth = 0
    private var braceOpen = false
    private var bracketOpen = false
    private var gotColon = false
    private var gotDuration = false
    /// Right after `[` (and after operators inside it): Prometheus's duration-expression state.
    private var inDurationExpr = false
    private var finished = false

    init(_ input: [Unicode.Scalar]) {
        self.input = input
    }

    /// All tokens, ending with `.eof` or `.error`.
    static func tokenize(_ input: [Unicode.Scalar]) -> [Token] {
        var lexer = Lexer(input)
        var tokens: [Token] = []
        tokens.reserveCapacity(input.count / 3 + 2)
        while true {
            let t = lexer.nextToken()
            tokens.append(t)
            if t.kind == .eof || t.kind == .error { break }
        }
        return tokens
    }

    // MARK: - Scanner primitives

    private mutating func next() -> Unicode.Scalar? {
        guard pos < input.count else {
            width = 0
            return nil
        }
        width = 1
        pos += 1
        return input[pos - 1]
    }

    private func peek() -> Unicode.Scalar? { pos < input.count ? input[pos] : nil }

    private mutating func backup() { pos -= width }

    private mutating func accept(_ valid: ASCIISet) -> Bool {
        if let r = next(), valid.contains(r) { return true }
        backup()
        return false
    }

    private func peekIs(_ valid: ASCIISet) -> Bool {
        guard let r = peek() else { return false }
        return valid.contains(r)
    }

    private mutating func acceptRun(_ valid: ASCIISet) {
        while accept(valid) {}
    }

    private mutating func emit(_ kind: TokenKind) -> Token {
        let t = Token(kind: kind, start: start, end: pos, text: text(start, pos))
        start = pos
        return t
    }

    private mutating func fail(_ message: String) -> Token {
        finished = true
        return Token(kind: .error, start: start, end: input.count, text: message)
    }

    private mutating func skipSpaces() {
        while let r = peek(), isSpace(r) { pos += 1 }
        start = pos
    }

    private func text(_ from: Int, _ to: Int) -> String {
        makeString(input, from, min(to, input.count))
    }

    // MARK: - States

    mutating func nextToken() -> Token {
        if finished { return Token(kind: .eof, start: input.count, end: input.count, text: "") }
        while true {
            let t: Token?
            if braceOpen {
                t = lexInsideBraces()
            } else if inDurationExpr {
                t = lexDurationExpr()
            } else {
                t = lexStatement()
            }
            if let t {
                if t.kind == .eof { finished = true }
                return t
            }
        }
    }

    private mutating func skipComment() {
        while let r = peek(), r != "\n", r != "\r" { pos += 1 }
        start = pos
    }

    /// Returns nil when it only skipped something (space, comment).
    private mutating func lexStatement() -> Token? {
        if peek() == "#" {
            skipComment()
            return nil
        }
        guard let r = next() else {
            if parenDepth != 0 { return fail("unclosed left parenthesis") }
            if bracketOpen { return fail("unclosed left bracket") }
            return emit(.eof)
        }
        switch r {
        case ",": return emit(.comma)
        case _ where isSpace(r):
            skipSpaces()
            return nil
        case "*": return emit(.mul)
        case "/": return emit(.div)
        case "%": return emit(.mod)
        case "+": return emit(.add)
        case "-": return emit(.sub)
        case "^": return emit(.pow)
        case "=":
            if peek() == "=" {
                pos += 1
                return emit(.eqlc)
            }
            if peek() == "~" { return fail("unexpected character after '=': '~'") }
            return emit(.assign)
        case "!":
            let t = next()
            if t != "=" { return fail("unexpected character after '!': \(quoteRune(t))") }
            return emit(.neq)
        case "<":
            if peek() == "=" {
                pos += 1
                return emit(.lte)
            }
            return emit(.lss)
        case ">":
            if peek() == "=" {
                pos += 1
                return emit(.gte)
            }
            return emit(.gtr)
        case _ where isDigit(r) || (r == "." && peek().map(isDigit) == true):
            backup()
            return lexNumberOrDuration()
        case "\"", "'":
            return lexString(quote: r)
        case "`":
            return lexRawString()
        case _ where isAlpha(r) || r == ":":
            if !bracketOpen {
                backup()
                return lexKeywordOrIdentifier()
            }
            if r == ":" {
                if gotColon { return fail("unexpected colon ':'") }
                gotColon = true
                return emit(.colon)
            }
            if isDurationKeywordStart(r), let kw = scanDurationKeyword() { return kw }
            return fail("unexpected character: \(goQuoteRune(r)), expected ':'")
        case "(":
            parenDepth += 1
            return emit(.leftParen)
        case ")":
            let t = emit(.rightParen)
            parenDepth -= 1
            if parenDepth < 0 { return fail("unexpected right parenthesis ')'") }
            return t
        case "{":
            braceOpen = true
            return emit(.leftBrace)
        case "[":
            if bracketOpen { return fail("unexpected left bracket '['") }
            gotColon = false
            let t = emit(.leftBracket)
            skipSpaces()
            bracketOpen = true
            inDurationExpr = true
            return t
        case "]":
            if !bracketOpen { return fail("unexpected right bracket ']'") }
            bracketOpen = false
            return emit(.rightBracket)
        case "@":
            return emit(.at)
        default:
            return fail("unexpected character: \(goQuoteRune(r))")
        }
    }

    private mutating func lexInsideBraces() -> Token? {
        if peek() == "#" {
            skipComment()
            return nil
        }
        guard let r = next() else { return fail("unexpected end of input inside braces") }
        switch r {
        case _ where isSpace(r):
            skipSpaces()
            return nil
        case _ where isAlpha(r):
            while let c = peek(), isAlphaNumeric(c) { pos += 1 }
            return emit(.identifier)
        case ",": return emit(.comma)
        case "\"", "'": return lexString(quote: r)
        case "`": return lexRawString()
        case "=":
            if peek() == "~" {
                pos += 1
                return emit(.eqlRegex)
            }
            return emit(.assign)
        case "!":
            let n = next()
            if n == "~" { return emit(.neqRegex) }
            if n == "=" { return emit(.neq) }
            return fail("unexpected character after '!' inside braces: \(quoteRune(n))")
        case "{":
            return fail("unexpected left brace '{'")
        case "}":
            braceOpen = false
            return emit(.rightBrace)
        default:
            return fail("unexpected character inside braces: \(goQuoteRune(r))")
        }
    }

    private mutating func lexDurationExpr() -> Token? {
        guard let r = next() else { return fail("unexpected end of input in duration expression") }
        switch r {
        case "]":
            bracketOpen = false
            gotColon = false
            inDurationExpr = false
            return emit(.rightBracket)
        case ":":
            let t = emit(.colon)
            if !gotDuration { return fail("unexpected colon before duration in duration expression") }
            if gotColon { return fail("unexpected repeated colon in duration expression") }
            gotColon = true
            return t
        case "(":
            parenDepth += 1
            return emit(.leftParen)
        case ")":
            let t = emit(.rightParen)
            parenDepth -= 1
            if parenDepth < 0 { return fail("unexpected right parenthesis ')'") }
            return t
        case _ where isSpace(r):
            skipSpaces()
            return nil
        case "+": return emit(.add)
        case "-": return emit(.sub)
        case "*": return emit(.mul)
        case "/": return emit(.div)
        case "%": return emit(.mod)
        case "^": return emit(.pow)
        case ",": return emit(.comma)
        case _ where isDurationKeywordStart(r):
            if let kw = scanDurationKeyword() { return kw }
            return fail("unexpected character in duration expression: \(goQuoteRune(r))")
        case _ where isDigit(r) || (r == "." && peek().map(isDigit) == true):
            backup()
            gotDuration = true
            inDurationExpr = false
            return lexNumberOrDuration()
        default:
            return fail("unexpected character in duration expression: \(goQuoteRune(r))")
        }
    }

    // MARK: - Words

    private mutating func lexKeywordOrIdentifier() -> Token {
        while let c = peek(), isAlphaNumeric(c) || c == ":" { pos += 1 }
        let word = text(start, pos)
        if let kw = TokenKind.keyword(asciiLowercased(word)) { return emit(kw) }
        return emit(input[start..<pos].contains(":") ? .metricIdentifier : .identifier)
    }

    private func isDurationKeywordStart(_ r: Unicode.Scalar) -> Bool {
        switch r {
        case "s", "S", "r", "R", "m", "M": return true
        default: return false
        }
    }

    /// `step`, `range`, `min_of`, `max_of` inside brackets.
    private mutating func scanDurationKeyword() -> Token? {
        while let c = peek(), isAlpha(c) { pos += 1 }
        switch asciiLowercased(text(start, pos)) {
        case "step": return emit(.step)
        case "range": return emit(.range)
        case "min_of": return emit(.minOf)
        case "max_of": return emit(.maxOf)
        default: return nil
        }
    }

    // MARK: - Strings

    private mutating func lexString(quote: Unicode.Scalar) -> Token {
        while true {
            guard let r = next(), r != "\n" else { return fail("unterminated quoted string") }
            if r == quote { return emit(.string) }
            if r == "\\", let err = lexEscape(quote: quote) { return fail(err) }
        }
    }

    /// Validates one escape sequence (after the backslash); returns the error message if invalid.
    private mutating func lexEscape(quote: Unicode.Scalar) -> String? {
        guard var ch = next() else { return "escape sequence not terminated" }
        let n: Int, base: UInt32, maxVal: UInt32
        switch ch {
        case "a", "b", "f", "n", "r", "t", "v", "\\", quote:
            return nil
        case "0"..."7":
            (n, base, maxVal) = (3, 8, 255)
        case "x", "u", "U":
            let kind = ch
            guard let c = next() else { return "escape sequence not terminated" }
            ch = c
            (n, base, maxVal) = kind == "x" ? (2, 16, 255) : (kind == "u" ? 4 : 8, 16, 0x10FFFF)
        default:
            return "unknown escape sequence \(goRuneDescription(ch))"
        }
        var x: UInt32 = 0
        var remaining = n
        while remaining > 0 {
            let d = digitValue(ch)
            if d >= base { return "illegal character \(goRuneDescription(ch)) in escape sequence" }
            x = x &* base &+ d
            remaining -= 1
            if remaining > 0 {
                guard let c = next() else { return "escape sequence not terminated" }
                ch = c
            }
        }
        if x > maxVal || (0xD800 <= x && x < 0xE000) { return "escape sequence is an invalid Unicode code point" }
        return nil
    }

    private mutating func lexRawString() -> Token {
        while true {
            guard let r = next() else { return fail("unterminated raw string") }
            if r == "`" { return emit(.string) }
        }
    }

    // MARK: - Numbers and durations

    private mutating func lexNumberOrDuration() -> Token {
        if scanNumber() { return emit(.number) }
        if acceptRemainingDuration() {
            backup()
            return emit(.duration)
        }
        return fail("bad number or duration syntax: \(goQuote(text(start, pos)))")
    }

    /// The rest of a duration after its first number: units and further number-unit pairs.
    private mutating func acceptRemainingDuration() -> Bool {
        guard accept(.durationUnitStart) else { return false }
        _ = accept(.letterS)  // the "s" of "ms"
        while accept(.decimal) {
            acceptRun(.decimal)
            guard accept(.durationUnit) else { return false }
            _ = accept(.letterS)
        }
        return !(next().map(isAlphaNumeric) ?? false)
    }

    /// Scans a decimal or hex number with optional fraction, exponent and `_` separators.
    /// False when it is not a complete number (e.g. the start of a duration).
    private mutating func scanNumber() -> Bool {
        let initial = pos
        var digits = ASCIISet.decimal
        var isHex = false
        if accept(.zero) && accept(.hexPrefix) {
            _ = accept(.underscore)
            digits = .hex
            isHex = true
        }
        _ = accept(.dot)
        _ = accept(digits)
        var dotSeen = false
        var expSeen = false
        while peekIs(digits.union(.numberPunctuation)) {
            if peekIs(.dot) && dotSeen {
                _ = accept(.dot)
                return false
            }
            if peekIs(.exponent) && expSeen {
                _ = accept(.exponent)
                return false
            }
            if accept(.dot) {
                dotSeen = true
                if accept(.underscoreOrDot) || isHex { return false }
                continue
            }
            if accept(.exponent) {
                expSeen = true
                _ = accept(.sign)
                if accept(.numberPunctuation) || peek() == nil { return false }
                continue
            }
            if accept(.underscore) {
                if accept(.numberPunctuation) || peek() == nil { return false }
                continue
            }
            acceptRun(digits)
        }
        if pos == initial { return false }
        return !(peek().map(isAlphaNumeric) ?? false)
    }

    private func quoteRune(_ r: Unicode.Scalar?) -> String {
        goQuoteRune(r ?? "\u{FFFD}")
    }
}

func isSpace(_ r: Unicode.Scalar) -> Bool { r == " " || r == "\t" || r == "\n" || r == "\r" }
func isDigit(_ r: Unicode.Scalar) -> Bool { r.value >= 48 && r.value <= 57 }
func isAlpha(_ r: Unicode.Scalar) -> Bool {
    r == "_" || (r.value >= 97 && r.value <= 122) || (r.value >= 65 && r.value <= 90)
}
func isAlphaNumeric(_ r: Unicode.Scalar) -> Bool { isAlpha(r) || isDigit(r) }

private func digitValue(_ c: Unicode.Scalar) -> UInt32 {
    switch c {
    case "0"..."9": return c.value - 48
    case "a"..."f": return c.value - 97 + 10
    case "A"..."F": return c.value - 65 + 10
    default: return 16
    }
}

/// A set of ASCII characters as a 128-bit mask (the lexer's character classes).
struct ASCIISet: Sendable {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    init(_ chars: StaticString) {
        chars.withUTF8Buffer { buf in
            for b in buf {
                if b < 64 { low |= 1 << UInt64(b) } else { high |= 1 << UInt64(b - 64) }
            }
        }
    }

    private init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    func contains(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 64 { return low & (1 << UInt64(v)) != 0 }
        if v < 128 { return high & (1 << UInt64(v - 64)) != 0 }
        return false
    }

    func union(_ o: ASCIISet) -> ASCIISet { ASCIISet(low: low | o.low, high: high | o.high) }

    static let decimal = ASCIISet("0123456789")
    static let hex = ASCIISet("0123456789abcdefABCDEF")
    static let durationUnitStart = ASCIISet("smhdwy")
    static let durationUnit = ASCIISet("smhdw")
    static let letterS = ASCIISet("s")
    static let zero = ASCIISet("0")
    static let hexPrefix = ASCIISet("xX")
    static let underscore = ASCIISet("_")
    static let dot = ASCIISet(".")
    static let exponent = ASCIISet("eE")
    static let sign = ASCIISet("+-")
    static let underscoreOrDot = ASCIISet("_.")
    static let numberPunctuation = ASCIISet("._eE")
}

/// A String from a range of scalars, without generic slow paths.
func makeString(_ scalars: [Unicode.Scalar], _ from: Int, _ to: Int) -> String {
    guard from < to else { return "" }
    var capacity = 0
    for i in from..<to { capacity += UTF8.width(scalars[i]) }
    return String(unsafeUninitializedCapacity: capacity) { buf in
        var n = 0
        for i in from..<to {
            let v = scalars[i].value
            if v < 0x80 {
                buf[n] = UInt8(v)
                n += 1
            } else if let encoded = UTF8.encode(scalars[i]) {
                for b in encoded {
                    buf[n] = b
                    n += 1
                }
            }
        }
        return n
    }
}

/// ASCII-only lowercasing (PromQL keywords are ASCII; avoids locale-aware Unicode case mapping).
func asciiLowercased(_ s: String) -> String {
    guard s.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) else { return s }
    return String(decoding: s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
}
