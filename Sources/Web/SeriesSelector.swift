import TSDB

/// Parses a series selector as `match[]` takes it: `name`, `name{a="x",b!~"y.*"}` or `{a="x"}`.
///
/// Strings may be quoted with `"`, `'` or backticks; `"` and `'` strings take Go-style escapes.
/// As in Prometheus, a selector must have a metric name or a matcher that rejects the empty value.
enum SeriesSelector {
    static func parse(_ text: String) throws -> [Matcher] {
        var p = Parser(chars: Array(text.unicodeScalars))
        var matchers: [Matcher] = []
        p.skipSpace()
        if let name = p.identifier(allowColon: true) {
            matchers.append(.equal(Labels.metricName, name))
        }
        p.skipSpace()
        if p.peek == "{" {
            p.pos += 1
            p.skipSpace()
            while p.peek != "}" {
                let name: String
                if p.peek == "\"" || p.peek == "'" {
                    name = try p.quoted()
                } else if let n = p.identifier(allowColon: false) {
                    name = n
                } else {
                    throw p.error("expected a label name")
                }
                p.skipSpace()
                let kind: Matcher.Kind
                if p.take("=~") { kind = .regexMatch } else if p.take("!~") { kind = .regexNoMatch } else if p.take("!=") { kind = .notEqual } else if p.take("=") { kind = .equal } else {
                    throw p.error("expected one of =, !=, =~, !~ after label \(name)")
                }
                p.skipSpace()
                let value = try p.quoted()
                do {
                    matchers.append(try Matcher(kind, name, value))
                } catch let e as TSDBError {
                    throw APIError.badData("invalid selector \"\(text)\": \(e.message)")
                }
                p.skipSpace()
                if p.peek == "," { p.pos += 1; p.skipSpace() } else if p.peek != "}" {
                    throw p.error("expected , or }")
                }
            }
            p.pos += 1
        }
        p.skipSpace()
        if p.pos != p.chars.count { throw p.error("unexpected text") }
        if matchers.isEmpty || matchers.allSatisfy(\.matchesEmpty) {
            throw APIError.badData("invalid selector \"\(text)\": a vector selector must contain at least one non-empty matcher")
        }
        return matchers
    }

    private struct Parser {
        let chars: [Unicode.Scalar]
        var pos = 0

        var peek: Unicode.Scalar? { pos < chars.count ? chars[pos] : nil }

        mutating func skipSpace() {
            while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { pos += 1 }
        }

        mutating func take(_ s: String) -> Bool {
            let u = Array(s.unicodeScalars)
            guard pos + u.count <= chars.count, Array(chars[pos..<pos + u.count]) == u else { return false }
            pos += u.count
            return true
        }

        mutating func identifier(allowColon: Bool) -> String? {
            func isStart(_ c: Unicode.Scalar) -> Bool {
                (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || (allowColon && c == ":")
            }
            guard let c = peek, isStart(c) else { return nil }
            var s = String.UnicodeScalarView()
            while let c = peek, isStart(c) || (c >= "0" && c <= "9") {
                s.append(c)
                pos += 1
            }
            return String(s)
        }

        mutating func quoted() throws -> String {
            guard let q = peek, q == "\"" || q == "'" || q == "`" else { throw error("expected a quoted string") }
            pos += 1
            var s = String.UnicodeScalarView()
            while true {
                guard let c = peek else { throw error("unterminated string") }
                pos += 1
                if c == q { return String(s) }
                if c == "\\" && q != "`" {
                    guard let e = peek else { throw error("unterminated string") }
                    pos += 1
                    switch e {
                    case "n": s.append("\n")
                    case "t": s.append("\t")
                    case "r": s.append("\r")
                    case "\\", "\"", "'": s.append(e)
                    case "u", "U", "x":
                        let n = e == "x" ? 2 : (e == "u" ? 4 : 8)
                        guard pos + n <= chars.count, let v = UInt32(String(String.UnicodeScalarView(chars[pos..<pos + n])), radix: 16),
                              let scalar = Unicode.Scalar(v) else { throw error("invalid escape") }
                        s.append(scalar)
                        pos += n
                    default: throw error("unknown escape \\\(e)")
                    }
                } else {
                    s.append(c)
                }
            }
        }

        func error(_ what: String) -> APIError {
            APIError.badData("invalid selector at position \(pos): \(what)")
        }
    }
}

/// Parses a time parameter: Unix seconds (fractions allowed) or RFC 3339. Returns milliseconds.
func parseTime(_ s: String, name: String) throws -> Int64 {
    if let d = Double(s), d.isFinite {
        let ms = (d * 1000).rounded()
        guard abs(ms) < 9.2e18 else { throw APIError.badData("invalid parameter \"\(name)\": time \(s) out of range") }
        return Int64(ms)
    }
    if let date = parseRFC3339(s) { return Int64((date * 1000).rounded()) }
    throw APIError.badData("invalid parameter \"\(name)\": cannot parse \"\(s)\" to a valid timestamp")
}

/// Seconds since the epoch for `2026-01-01T00:00:00Z` / `...00.123+02:00`, or nil.
func parseRFC3339(_ s: String) -> Double? {
    let u = Array(s.utf8)
    func num(_ a: Int, _ n: Int) -> Int? {
        guard a + n <= u.count else { return nil }
        var v = 0
        for b in u[a..<a + n] {
            guard b >= 48 && b <= 57 else { return nil }
            v = v * 10 + Int(b - 48)
        }
        return v
    }
    guard u.count >= 20, let y = num(0, 4), u[4] == 45, let mo = num(5, 2), u[7] == 45, let d = num(8, 2),
          u[10] == 84 || u[10] == 116, let h = num(11, 2), u[13] == 58, let mi = num(14, 2), u[16] == 58,
          let sec = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61 else { return nil }
    var i = 19
    var frac = 0.0
    if i < u.count && u[i] == 46 {
        i += 1
        var scale = 0.1
        while i < u.count, u[i] >= 48 && u[i] <= 57 {
            frac += Double(u[i] - 48) * scale
            scale /= 10
            i += 1
        }
    }
    guard i < u.count else { return nil }
    var offset = 0
    if u[i] == 90 || u[i] == 122 {
        i += 1
    } else if u[i] == 43 || u[i] == 45, let oh = num(i + 1, 2), u.count > i + 3, u[i + 3] == 58, let om = num(i + 4, 2) {
        offset = (oh * 3600 + om * 60) * (u[i] == 43 ? 1 : -1)
        i += 6
    } else { return nil }
    guard i == u.count else { return nil }
    // Days from civil date (proleptic Gregorian).
    let yy = mo <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146097 + doe - 719468
    return Double(days * 86400 + h * 3600 + mi * 60 + sec - offset) + frac
}
