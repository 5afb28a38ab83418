import Glibc

/// Numbers of the exposition formats, parsed as Prometheus parses them (Go's `ParseFloat` and
/// `ParseInt`, without hex floats or underscores, which Prometheus refuses).
enum FloatText {
    /// Exact powers of ten: a double holds each one exactly.
    private static let powers: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                           1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// A decimal float (`1`, `-0.5`, `.5e-3`, `1E10`), `NaN`, or `Inf`/`Infinity` with an optional
    /// sign, case-insensitively; nil for anything else, including out-of-range values such as
    /// `1e400`. The result is correctly rounded: simple values take Clinger's exact fast path,
    /// the rest go to `strtod`.
    static func parseDouble(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        guard count > 0 else { return nil }
        var i = 0
        var negative = false
        if p[0] == UInt8(ascii: "+") || p[0] == UInt8(ascii: "-") {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        guard i < count else { return nil }
        if isLetter(p[i]) { return special(p + i, count - i, signed: i == 1, negative: negative) }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        var sawDot = false
        while i < count {
            let c = p[i]
            if c >= 0x30 && c <= 0x39 {
                sawDigit = true
                if digits < 19 {
                    if mantissa != 0 || c != 0x30 { digits += 1 }
                    mantissa = mantissa &* 10 &+ UInt64(c - 0x30)
                    if sawDot { exponent -= 1 }
                } else {
                    digits += 1
                    if !sawDot { exponent += 1 }
                }
            } else if c == UInt8(ascii: ".") && !sawDot {
                sawDot = true
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { return nil }
        if i < count {
            guard p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") else { return nil }
            i += 1
            var expNegative = false
            if i < count && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < count else { return nil }
            var e = 0
            while i < count {
                let c = p[i]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                if e < 100_000 { e = e * 10 + Int(c - 0x30) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        if digits <= 19 && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            var v = Double(mantissa)
            v = exponent >= 0 ? v * powers[exponent] : v / powers[-exponent]
            return negative ? -v : v
        }
        return slowPath(p, count)
    }

    /// `strtod` on a NUL-terminated copy; the syntax was already checked.
    private static func slowPath(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buf -> Double? in
            for k in 0..<count { buf[k] = CChar(bitPattern: p[k]) }
            buf[count] = 0
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let v = strtod(buf.baseAddress!, &end)
            guard let end, end - buf.baseAddress! == count else { return nil }
            if v.isInfinite { return nil }
            return v
        }
    }

    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a }

    private static func special(_ p: UnsafePointer<UInt8>, _ count: Int, signed: Bool, negative: Bool) -> Double? {
        func equalsIgnoringCase(_ word: StaticString) -> Bool {
            guard count == word.utf8CodeUnitCount else { return false }
            let w = word.utf8Start
            for k in 0..<count where p[k] | 0x20 != w[k] { return false }
            return true
        }
        if equalsIgnoringCase("inf") || equalsIgnoringCase("infinity") {
            return negative ? -Double.infinity : Double.infinity
        }
        if !signed && equalsIgnoringCase("nan") { return Double.nan }
        return nil
    }

    /// A decimal integer with an optional sign that fits in 64 bits, or nil.
    static func parseInt64(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        var i = 0
        var negative = false
        if count > 0 && (p[0] == UInt8(ascii: "+") || p[0] == UInt8(ascii: "-")) {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        guard i < count else { return nil }
        var magnitude: UInt64 = 0
        while i < count {
            let c = p[i]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(c - 0x30))
            if o1 || o2 { return nil }
            magnitude = s
            i += 1
        }
        if negative {
            if magnitude > UInt64(Int64.max) + 1 { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return magnitude > UInt64(Int64.max) ? nil : Int64(magnitude)
    }
}
