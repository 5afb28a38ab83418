// Go's string quoting (`strconv.Quote`), which Prometheus's messages and printed expressions use;
// shared by PromQL, durations and configuration messages. Unquoting is PromQL's (GoUnquoting).

/// Whether Go's `unicode.IsPrint` holds: letters, marks, numbers, punctuation, symbols and ASCII space.
public func goIsPrint(_ s: Unicode.Scalar) -> Bool {
    if s.value < 0x80 { return s.value >= 0x20 && s.value < 0x7f }
    switch s.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
         .nonspacingMark, .spacingMark, .enclosingMark,
         .decimalNumber, .letterNumber, .otherNumber,
         .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
         .initialPunctuation, .finalPunctuation, .otherPunctuation,
         .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
        return true
    default:
        return false
    }
}

private func hex(_ v: UInt32, width: Int) -> String {
    let digits = String(v, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// Appends one scalar escaped the way Go's `strconv.Quote` does inside `quote`-delimited text.
private func appendEscaped(_ s: Unicode.Scalar, quote: Unicode.Scalar, to out: inout String) {
    if s == quote || s == "\\" {
        out.append("\\")
        out.unicodeScalars.append(s)
        return
    }
    if goIsPrint(s) {
        out.unicodeScalars.append(s)
        return
    }
    switch s {
    case "\u{07}": out += "\\a"
    case "\u{08}": out += "\\b"
    case "\u{0C}": out += "\\f"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case "\u{0B}": out += "\\v"
    default:
        if s.value < 0x20 || s.value == 0x7f {
            out += "\\x" + hex(s.value, width: 2)
        } else if s.value < 0x10000 {
            out += "\\u" + hex(s.value, width: 4)
        } else {
            out += "\\U" + hex(s.value, width: 8)
        }
    }
}

/// Go's `strconv.Quote`: a double-quoted string with Go escapes.
public func goQuote(_ s: String) -> String {
    var out = "\""
    out.reserveCapacity(s.utf8.count + 2)
    for scalar in s.unicodeScalars {
        appendEscaped(scalar, quote: "\"", to: &out)
    }
    out += "\""
    return out
}

/// Go's `strconv.QuoteRune` (`%q` of a rune): `'x'`.
public func goQuoteRune(_ s: Unicode.Scalar) -> String {
    var out = "'"
    appendEscaped(s, quote: "'", to: &out)
    out += "'"
    return out
}

/// Go's `%#U` of a rune: `U+0063 'c'` (the quoted form only when printable).
public func goRuneDescription(_ s: Unicode.Scalar) -> String {
    let code = "U+" + hex(s.value, width: 4).uppercased()
    return goIsPrint(s) ? "\(code) '\(Character(s))'" : code
}
