import Foundation

// Go's number syntax and formatting, as PromQL inherits it.

struct NumberError: Error {
    var message: String
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
    if b.contains(UInt8(ascii: "_")) && !GoFloatFormat.underscoresAllowed(b) { return nil }
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

/// Go's `strconv.ParseFloat(s, 64)`, with Go's two error messages.
func goParseFloat(_ text: String) -> Result<Double, NumberError> {
    if let v = GoFloatFormat.parse(text) { return .success(v) }
    // `parse` refuses bad syntax and finite literals that overflow alike; Go tells them apart.
    let message = GoFloatFormat.isWellFormedLiteral(Array(text.utf8)) ? "value out of range" : "invalid syntax"
    return .failure(NumberError(message: message))
}

/// How Prometheus reads a number token: as a Go integer if it is one, else as a Go float.
func parseGoNumber(_ text: String) -> Result<Double, NumberError> {
    if let i = goParseInt(text) { return .success(Double(i)) }
    return goParseFloat(text)
}

/// Go's `%f` (six decimals), with Go's spelling of the special values.
func goFormatFixed6(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
    return String(format: "%.6f", v)
}
