import Foundation

/// How attribute values and numbers become label text, matching what Prometheus's OTLP
/// receiver writes (it uses the OpenTelemetry Collector's `pcommon.Value.AsString` and Go's
/// `strconv.FormatFloat`), so the same data gives the same series in Sextant and Prometheus.
enum OTLPValueFormat {
    /// An attribute value nested in an array or map: only built for those (rare) values,
    /// which `AsString` renders as Go's `json.Marshal` would.
    indirect enum Nested {
        case empty
        case string([UInt8])
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case bytes([UInt8])
        case array([Nested])
        case map([(key: [UInt8], value: Nested)])
    }

    /// Decimal digits of a finite, non-zero magnitude: value = 0.d₁d₂…dₙ × 10^point.
    struct Digits {
        var digits: [UInt8]
        var point: Int
    }

    /// Shortest round-trip digits, read off Swift's own shortest representation (which, like
    /// Go's, is the shortest digit string that parses back to the same Double).
    static func digits(_ magnitude: Double) -> Digits {
        var digits: [UInt8] = []
        var point = 0
        var afterDot = false
        var exponent = 0
        var negativeExponent = false
        var inExponent = false
        for c in magnitude.description.utf8 {
            switch c {
            case UInt8(ascii: "."): afterDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "-") where inExponent: negativeExponent = true
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inExponent {
                    exponent = exponent * 10 + Int(c - UInt8(ascii: "0"))
                } else if digits.isEmpty && c == UInt8(ascii: "0") {
                    if afterDot { point -= 1 }
                } else {
                    digits.append(c)
                    if !afterDot { point += 1 }
                }
            default: break
            }
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        point += negativeExponent ? -exponent : exponent
        return Digits(digits: digits, point: point)
    }

    /// Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent
    /// (`0.005`, `10`, `1e21` as 22 digits), `+Inf`, `-Inf`, `NaN`. Used for `le` and `quantile`.
    static func plain(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
        var out: [UInt8] = v.sign == .minus ? [UInt8(ascii: "-")] : []
        if v == 0 { out.append(UInt8(ascii: "0")); return String(decoding: out, as: UTF8.self) }
        appendFixed(digits(v.magnitude), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// JavaScript-style number text, which Go uses for JSON and `AsString` for doubles: plain
    /// digits for 1e-6 <= |v| < 1e21, otherwise `1.5e+21` / `1e-7` (no zero padding of the
    /// exponent). nil for NaN and infinities, which Go's JSON encoder refuses.
    static func javaScript(_ v: Double) -> String? {
        guard v.isFinite else { return nil }
        var out: [UInt8] = v.sign == .minus ? [UInt8(ascii: "-")] : []
        let m = v.magnitude
        if m == 0 { out.append(UInt8(ascii: "0")); return String(decoding: out, as: UTF8.self) }
        let d = digits(m)
        if m < 1e-6 || m >= 1e21 {
            out.append(d.digits[0])
            if d.digits.count > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: d.digits[1...])
            }
            let e = d.point - 1
            out.append(UInt8(ascii: "e"))
            out.append(UInt8(ascii: e < 0 ? "-" : "+"))
            out.append(contentsOf: String(abs(e)).utf8)
        } else {
            appendFixed(d, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendFixed(_ d: Digits, to out: inout [UInt8]) {
        if d.point <= 0 {
            out.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: ".")])
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -d.point))
            out.append(contentsOf: d.digits)
        } else if d.point >= d.digits.count {
            out.append(contentsOf: d.digits)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: d.point - d.digits.count))
        } else {
            out.append(contentsOf: d.digits[..<d.point])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: d.digits[d.point...])
        }
    }

    static func base64(_ bytes: some Collection<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Go's `json.Marshal` of the value's `AsRaw()`: maps with sorted keys (a repeated key keeps
    /// its last value), bytes as base64 strings, HTML-safe string escapes. nil where Go fails
    /// (a NaN or infinite double anywhere inside), which `AsString` turns into "".
    static func json(_ value: Nested) -> [UInt8]? {
        var out: [UInt8] = []
        return appendJSON(value, to: &out) ? out : nil
    }

    private static func appendJSON(_ value: Nested, to out: inout [UInt8]) -> Bool {
        switch value {
        case .empty: out.append(contentsOf: "null".utf8)
        case .string(let s): appendJSONString(s, to: &out)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            guard let text = javaScript(d) else { return false }
            out.append(contentsOf: text.utf8)
        case .bytes(let b): appendJSONString(Array(base64(b).utf8), to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                guard appendJSON(item, to: &out) else { return false }
            }
            out.append(UInt8(ascii: "]"))
        case .map(let entries):
            var last: [[UInt8]: Int] = [:]
            for (i, e) in entries.enumerated() { last[e.key] = i }
            let keys = last.keys.sorted { $0.lexicographicallyPrecedes($1) }
            out.append(UInt8(ascii: "{"))
            for (i, key) in keys.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendJSONString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                guard let index = last[key], appendJSON(entries[index].value, to: &out) else { return false }
            }
            out.append(UInt8(ascii: "}"))
        }
        return true
    }

    /// A JSON string as Go's encoder writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped too.
    private static func appendJSONString(_ bytes: [UInt8], to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: #"\""#.utf8)
            case "\\": out.append(contentsOf: #"\\"#.utf8)
            case "\n": out.append(contentsOf: #"\n"#.utf8)
            case "\r": out.append(contentsOf: #"\r"#.utf8)
            case "\t": out.append(contentsOf: #"\t"#.utf8)
            case "\u{08}": out.append(contentsOf: #"\b"#.utf8)
            case "\u{0C}": out.append(contentsOf: #"\f"#.utf8)
            case "<", ">", "&", "\u{2028}", "\u{2029}", "\u{00}"..."\u{1F}":
                let v = scalar.value
                out.append(contentsOf: #"\u"#.utf8)
                for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int((v >> UInt32(shift)) & 15)]) }
            default:
                out.append(contentsOf: String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
