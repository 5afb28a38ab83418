#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Go's float formatting and parsing, as Prometheus's output depends on it:
/// `strconv.FormatFloat(v, 'f', -1, 64)` for `count_values` labels, `%g` / `%.2g` in annotation
/// texts, and `strconv.ParseFloat` for `le` labels.
public enum GoFloatFormat {
    /// Decimal digits of a finite value: value = 0.d₁d₂…dₙ × 10^dp (no leading or trailing zeros;
    /// zero has no digits).
    struct Digits {
        var digits: [UInt8]
        var dp: Int
        var negative: Bool
    }

    /// Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits that round-trip, written
    /// without an exponent (1e21 → "1000000000000000000000", 1e-7 → "0.0000001"), with
    /// "NaN", "+Inf", "-Inf" and "-0" as Go writes them.
    public static func formatF(_ v: Double) -> String {
        if let special = specialText(v) { return special }
        let d = shortestDigits(v)
        return fixed(d, decimals: max(d.digits.count - d.dp, 0))
    }

    /// Go's `%g` verb: shortest digits, exponent form when the decimal exponent is < −4 or ≥ 6,
    /// e.g. 0.5 → "0.5", 1e6 → "1e+06", 1.5 → "1.5".
    public static func formatG(_ v: Double) -> String {
        if let special = specialText(v) { return special }
        let d = shortestDigits(v)
        let exp = d.dp - 1
        if exp < -4 || exp >= 6 {
            return exponential(d, decimals: max(d.digits.count - 1, 0))
        }
        return fixed(d, decimals: max(d.digits.count - d.dp, 0))
    }

    /// Prometheus's labels.FormatOpenMetricsFloat, used for the quantile label of
    /// `histogram_quantiles`: "1.0", "0.0", "-1.0", "NaN", "±Inf", otherwise Go's shortest %g
    /// with ".0" appended when it has neither '.' nor 'e' (2 → "2.0", 0.25 → "0.25").
    public static func formatOpenMetrics(_ v: Double) -> String {
        if v == 1 { return "1.0" }
        if v == 0 { return "0.0" }
        if v == -1 { return "-1.0" }
        let g = formatG(v)
        if v.isNaN || v.isInfinite || g.contains(".") || g.contains("e") { return g }
        return g + ".0"
    }

    /// Go's `%.Ng` verb with `precision` significant digits (e.g. `%.2g`).
    public static func formatG(_ v: Double, precision: Int) -> String {
        if let special = specialText(v) { return special }
        let prec = max(precision, 1)
        let d = roundedDigits(v, significant: prec)
        var eprec = prec
        if eprec > d.digits.count && d.digits.count >= d.dp { eprec = d.digits.count }
        let exp = d.dp - 1
        if exp < -4 || exp >= eprec {
            return exponential(d, decimals: min(prec, d.digits.count) - 1)
        }
        let p = prec > d.dp ? d.digits.count : prec
        return fixed(d, decimals: max(p - d.dp, 0))
    }

    /// Go's `strconv.ParseFloat(s, 64)`; nil where Go returns an error (bad syntax, or a
    /// finite literal that overflows to ±Inf). Accepts decimal and hexadecimal (with 'p'
    /// exponent) literals, '_' between digits, "Inf"/"Infinity" (signed) and "NaN" in any case.
    public static func parse(_ s: String) -> Double? {
        let bytes = Array(s.utf8)
        if let special = parseSpecial(bytes) { return special }
        guard isWellFormedLiteral(bytes) else { return nil }
        let cleaned = String(decoding: bytes.lazy.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        guard let v = Double(cleaned), v.isFinite else { return nil }
        return v
    }

    // MARK: - Formatting helpers

    private static func specialText(_ v: Double) -> String? {
        if v.isNaN { return "NaN" }
        if v == .infinity { return "+Inf" }
        if v == -.infinity { return "-Inf" }
        return nil
    }

    /// Shortest round-trip digits, taken from Swift's own shortest representation (which,
    /// like Go's, picks the shortest digit string closest to the exact value).
    static func shortestDigits(_ v: Double) -> Digits {
        parseDigits(Array(v.magnitude.description.utf8), negative: v.sign == .minus)
    }

    /// Digits correctly rounded to `significant` digits (C's "%.*e" is exact on glibc/Darwin).
    static func roundedDigits(_ v: Double, significant: Int) -> Digits {
        var buffer = [CChar](repeating: 0, count: 64 + significant)
        let n = buffer.withUnsafeMutableBufferPointer { buf -> Int32 in
            withVaList([Int32(significant - 1), v.magnitude]) { args in
                vsnprintf(buf.baseAddress, buf.count, "%.*e", args)
            }
        }
        let text = buffer.prefix(Int(max(n, 0))).map { UInt8(bitPattern: $0) }
        return parseDigits(text, negative: v.sign == .minus)
    }

    /// Parses "ddd.ddd" or "d.ddde±xx" (no sign) into Digits.
    private static func parseDigits(_ text: [UInt8], negative: Bool) -> Digits {
        var digits: [UInt8] = []
        digits.reserveCapacity(24)
        var dp = 0
        var sawDot = false
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: ".") {
                sawDot = true
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if digits.isEmpty && c == UInt8(ascii: "0") {
                    if sawDot { dp -= 1 }
                } else {
                    digits.append(c)
                    if !sawDot { dp += 1 }
                }
            } else {
                break
            }
            i += 1
        }
        if i < text.count && (text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E")) {
            i += 1
            var sign = 1
            if i < text.count && text[i] == UInt8(ascii: "-") { sign = -1; i += 1 } else if i < text.count && text[i] == UInt8(ascii: "+") { i += 1 }
            var e = 0
            while i < text.count, text[i] >= UInt8(ascii: "0"), text[i] <= UInt8(ascii: "9") {
                e = e * 10 + Int(text[i] - UInt8(ascii: "0"))
                i += 1
            }
            dp += sign * e
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty { dp = 0 }
        return Digits(digits: digits, dp: dp, negative: negative)
    }

    /// Go's %f layout of `d` with `decimals` digits after the point.
    private static func fixed(_ d: Digits, decimals: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(d.digits.count + max(d.dp, 0) + decimals + 3)
        if d.negative { out.append(UInt8(ascii: "-")) }
        if d.dp > 0 {
            let m = min(d.digits.count, d.dp)
            out.append(contentsOf: d.digits[0..<m])
            for _ in m..<d.dp { out.append(UInt8(ascii: "0")) }
        } else {
            out.append(UInt8(ascii: "0"))
        }
        if decimals > 0 {
            out.append(UInt8(ascii: "."))
            for i in 1...decimals {
                let j = d.dp + i - 1
                out.append(j >= 0 && j < d.digits.count ? d.digits[j] : UInt8(ascii: "0"))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Go's %e layout of `d` with `decimals` digits after the point; exponent has ≥ 2 digits.
    private static func exponential(_ d: Digits, decimals: Int) -> String {
        var out: [UInt8] = []
        if d.negative { out.append(UInt8(ascii: "-")) }
        out.append(d.digits.first ?? UInt8(ascii: "0"))
        if decimals > 0 {
            out.append(UInt8(ascii: "."))
            for i in 1...decimals {
                out.append(i < d.digits.count ? d.digits[i] : UInt8(ascii: "0"))
            }
        }
        out.append(UInt8(ascii: "e"))
        var exp = d.digits.isEmpty ? 0 : d.dp - 1
        if exp < 0 { out.append(UInt8(ascii: "-")); exp = -exp } else { out.append(UInt8(ascii: "+")) }
        if exp < 10 { out.append(UInt8(ascii: "0")) }
        out.append(contentsOf: Array(String(exp).utf8))
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Parsing helpers

    private static func lower(_ c: UInt8) -> UInt8 { c | 0x20 }

    /// Go's special(): an optional sign with "inf"/"infinity", or an unsigned "nan"; the whole
    /// string must match.
    private static func parseSpecial(_ s: [UInt8]) -> Double? {
        var i = 0
        var negative = false
        if let first = s.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            i = 1
        }
        let rest = s[i...].map(lower)
        if rest == Array("inf".utf8) || rest == Array("infinity".utf8) {
            return negative ? -.infinity : .infinity
        }
        if i == 0 && rest == Array("nan".utf8) { return .nan }
        return nil
    }

    /// Go's readFloat syntax check over the whole string, plus its underscore rule.
    static func isWellFormedLiteral(_ s: [UInt8]) -> Bool {
        var i = 0
        if i < s.count && (s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-")) { i += 1 }
        var hex = false
        if i + 2 < s.count && s[i] == UInt8(ascii: "0") && lower(s[i + 1]) == UInt8(ascii: "x") {
            hex = true
            i += 2
        }
        var underscores = false
        var sawDot = false
        var sawDigits = false
        while i < s.count {
            let c = s[i]
            if c == UInt8(ascii: "_") {
                underscores = true
            } else if c == UInt8(ascii: ".") {
                if sawDot { break }
                sawDot = true
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                sawDigits = true
            } else if hex && lower(c) >= UInt8(ascii: "a") && lower(c) <= UInt8(ascii: "f") {
                sawDigits = true
            } else {
                break
            }
            i += 1
        }
        if !sawDigits { return false }
        let expChar = hex ? UInt8(ascii: "p") : UInt8(ascii: "e")
        if i < s.count && lower(s[i]) == expChar {
            i += 1
            if i >= s.count { return false }
            if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
            if i >= s.count || s[i] < UInt8(ascii: "0") || s[i] > UInt8(ascii: "9") { return false }
            while i < s.count && ((s[i] >= UInt8(ascii: "0") && s[i] <= UInt8(ascii: "9")) || s[i] == UInt8(ascii: "_")) {
                if s[i] == UInt8(ascii: "_") { underscores = true }
                i += 1
            }
        } else if hex {
            return false // A hexadecimal mantissa needs a 'p' exponent.
        }
        if i != s.count { return false }
        return !underscores || underscoresAllowed(s)
    }

    /// Go's underscoreOK: '_' only between digits (a base prefix counts as a digit).
    static func underscoresAllowed(_ s: [UInt8]) -> Bool {
        var body = s[...]
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            body = body.dropFirst()
        }
        var saw: UInt8 = UInt8(ascii: "^")
        var hex = false
        var i = body.startIndex
        if body.count >= 2 && body[i] == UInt8(ascii: "0") {
            let p = lower(body[i + 1])
            if p == UInt8(ascii: "b") || p == UInt8(ascii: "o") || p == UInt8(ascii: "x") {
                i += 2
                saw = UInt8(ascii: "0")
                hex = p == UInt8(ascii: "x")
            }
        }
        while i < body.endIndex {
            let c = body[i]
            let isDigit = (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || (hex && lower(c) >= UInt8(ascii: "a") && lower(c) <= UInt8(ascii: "f"))
            if isDigit {
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
}

/// Formats a sample value as Prometheus writes it into a label (`count_values`):
/// Go's `strconv.FormatFloat(v, 'f', -1, 64)`.
public func formatPromValue(_ v: Double) -> String {
    GoFloatFormat.formatF(v)
}
