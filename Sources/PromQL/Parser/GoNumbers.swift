import Foundation

// Go's number syntax and formatting, as PromQL inherits it.

struct NumberError: Error {
    var message: String
}

/// Go's `underscoreOK`: underscores may only sit between digits, or between a base prefix and a digit.
private func underscoresOK(_ s: [UInt8]) -> Bool {
    var saw: UInt8 = UInt8(ascii: "^")
    var i = 0
    var s = s[...]
    if let f = s.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { s = s.dropFirst() }
    var hex = false
    let b = Array(s)
    if b.count >= 2 && b[0] == UInt8(ascii: "0") && [UInt8(ascii: "b"), UInt8(ascii: "o"), UInt8(ascii: "x")].contains(b[1] | 0x20) {
        i = 2
        saw = UInt8(ascii: "0")
        hex = (b[1] | 0x20) == UInt8(ascii: "x")
    }
    while i < b.count {
        let c = b[i]
        let isDigitChar = (c >= 48 && c <= 57) || (hex && (c | 0x20) >= 97 && (c | 0x20) <= 102)
        if isDigitChar {
            saw = UInt8(ascii: "0")
        } else if c == UInt8(ascii: "_") {
            if saw != UInt8(ascii: "0") { return false }
            saw = UInt8(ascii: "_")
        } else {
            if saw == UInt8(ascii: "_") { return false }
            saw = UInt8(ascii: "!")
        }
        i += 1
    }
    return saw != UInt8(ascii: "_")
}

/// Go's `strconv.ParseInt(s, 0, 64)`: prefixes 0x, 0o, 0b, a leading 0 means octal, `_` separators.
func goParseInt(_ text: String) -> Int64? {
    var b = Array(text.utf8)
    guard !b.isEmpty else { return nil }
    var negative = false
    if b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-") {
        negative = b[0] == UInt8(ascii: "-")
        b.removeFirst()
    }
    guard !b.isEmpty else { return nil }
    var base: UInt64 = 10
    var digits = b[...]
    if b[0] == UInt8(ascii: "0") {
        if b.count >= 3, (b[1] | 0x20) == UInt8(ascii: "x") {
            base = 16
            digits = b[2...]
        } else if b.count >= 3, (b[1] | 0x20) == UInt8(ascii: "o") {
            base = 8
            digits = b[2...]
        } else if b.count >= 3, (b[1] | 0x20) == UInt8(ascii: "b") {
            base = 2
            digits = b[2...]
        } else {
            base = 8
            digits = b[1...]
        }
    }
    if b.contains(UInt8(ascii: "_")) && !underscoresOK(b) { return nil }
    var v: UInt64 = 0
    for c in digits where c != UInt8(ascii: "_") {
        let d: UInt64
        switch c {
        case 48...57: d = UInt64(c - 48)
        case 97...122: d = UInt64(c - 97 + 10)
        case 65...90: d = UInt64(c - 65 + 10)
        default: return nil
        }
        guard d < base else { return nil }
        let (m, o1) = v.multipliedReportingOverflow(by: base)
        let (a, o2) = m.addingReportingOverflow(d)
        if o1 || o2 { return nil }
        v = a
    }
    if negative {
        if v > UInt64(Int64.max) + 1 { return nil }
        return v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v)
    }
    return v > UInt64(Int64.max) ? nil : Int64(v)
}

/// Go's `strconv.ParseFloat(s, 64)` for the forms PromQL's lexer produces.
func goParseFloat(_ text: String) -> Result<Double, NumberError> {
    let invalid = NumberError(message: "invalid syntax")
    var s = text
    if s.contains("_") {
        guard underscoresOK(Array(s.utf8)) else { return .failure(invalid) }
        s.removeAll { $0 == "_" }
    }
    var body = Substring(s)
    var negative = false
    if let f = body.first, f == "+" || f == "-" {
        negative = f == "-"
        body = body.dropFirst()
    }
    switch body.lowercased() {
    case "inf", "infinity": return .success(negative ? -.infinity : .infinity)
    case "nan": return .success(.nan)
    default: break
    }
    let lower = body.lowercased()
    if lower.hasPrefix("0x") {
        // Go requires a binary exponent on hex floats.
        guard lower.contains("p"), let v = Double(s) else { return .failure(invalid) }
        return v.isInfinite ? .failure(NumberError(message: "value out of range")) : .success(v)
    }
    // digits [. digits] [(e|E) [+-] digits], at least one mantissa digit.
    var mantissaDigits = 0
    var i = lower.utf8.startIndex
    let u = lower.utf8
    while i < u.endIndex, (48...57).contains(u[i]) { mantissaDigits += 1; i = u.index(after: i) }
    if i < u.endIndex, u[i] == UInt8(ascii: ".") {
        i = u.index(after: i)
        while i < u.endIndex, (48...57).contains(u[i]) { mantissaDigits += 1; i = u.index(after: i) }
    }
    guard mantissaDigits > 0 else { return .failure(invalid) }
    if i < u.endIndex, u[i] == UInt8(ascii: "e") {
        i = u.index(after: i)
        if i < u.endIndex, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") { i = u.index(after: i) }
        var expDigits = 0
        while i < u.endIndex, (48...57).contains(u[i]) { expDigits += 1; i = u.index(after: i) }
        guard expDigits > 0 else { return .failure(invalid) }
    }
    guard i == u.endIndex, let v = Double(s) else { return .failure(invalid) }
    if v.isInfinite { return .failure(NumberError(message: "value out of range")) }
    return .success(v)
}

/// How Prometheus reads a number token: as a Go integer if it is one, else as a Go float.
func parseGoNumber(_ text: String) -> Result<Double, NumberError> {
    if let i = goParseInt(text) { return .success(Double(i)) }
    return goParseFloat(text)
}

/// Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits that round-trip, never in
/// exponent form. Infinities print as `+Inf` / `-Inf`, NaN as `NaN`.
func goFormatFloat(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
    // Swift's description is the shortest round-tripping form; re-lay its digits out in fixed notation.
    let desc = v.magnitude.description
    var mantissa = Substring(desc)
    var exponent = 0
    if let e = desc.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        mantissa = desc[..<e]
        exponent = Int(desc[desc.index(after: e)...]) ?? 0
    }
    var digits = ""
    var pointAt = 0
    if let dot = mantissa.firstIndex(of: ".") {
        digits = String(mantissa[..<dot]) + String(mantissa[mantissa.index(after: dot)...])
        pointAt = mantissa.distance(from: mantissa.startIndex, to: dot)
    } else {
        digits = String(mantissa)
        pointAt = digits.count
    }
    pointAt += exponent
    while digits.first == "0" && !digits.isEmpty {
        digits.removeFirst()
        pointAt -= 1
    }
    while digits.last == "0" { digits.removeLast() }
    let sign = v.sign == .minus ? "-" : ""
    if digits.isEmpty { return sign + "0" }
    if pointAt <= 0 { return sign + "0." + String(repeating: "0", count: -pointAt) + digits }
    if pointAt >= digits.count { return sign + digits + String(repeating: "0", count: pointAt - digits.count) }
    let idx = digits.index(digits.startIndex, offsetBy: pointAt)
    return sign + digits[..<idx] + "." + digits[idx...]
}

/// Go's `%f` (six decimals), with Go's spelling of the special values.
func goFormatFixed6(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
    return String(format: "%.6f", v)
}
