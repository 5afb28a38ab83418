import TSDB
import UTCTime

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
    // Digits past milliseconds are truncated, as Prometheus converts a parsed time to ms.
    if let ms = Timestamp.parseRFC3339(s) { return ms }
    throw APIError.badData("invalid parameter \"\(name)\": cannot parse \"\(s)\" to a valid timestamp")
}
