import TSDB

/// Parses promqltest series descriptions: `metric{a="b"} 0+10x5 _ stale 1 -3x2 1e3 _x2`.
///
/// Value items (Prometheus's `series_item`): `v` one value; `_` one missing step; `_xN` N missing
/// steps; `stale` a staleness marker; `vxN` v repeated N+1 times; `a+bxN` / `a-bxN` N+1 values
/// starting at a and stepping by ±b (accumulated by repeated addition, as Prometheus does).
/// Numbers are read like PromQL numbers (including `Inf`, `NaN`, exponents).
/// An item opening with `{{` is a native histogram: the line is flagged and not parsed further.
struct SeriesDescriptionParser {
    private let s: [Unicode.Scalar]
    private var i = 0

    init(_ line: String) {
        s = Array(line.unicodeScalars)
    }

    private func fail(_ message: String, at pos: Int) -> PromQLError {
        var line = 1
        var lastBreak = -1
        for k in 0..<min(pos, s.count) where s[k] == "\n" {
            line += 1
            lastBreak = k
        }
        return PromQLError(.parse, "\(line):\(pos - lastBreak): parse error: \(message)",
                           position: pos..<max(pos, min(pos + 1, s.count)))
    }

    private var atEnd: Bool { i >= s.count }
    private func peek(_ off: Int = 0) -> Unicode.Scalar? { i + off < s.count ? s[i + off] : nil }

    private mutating func skipSpaces() {
        while let c = peek(), isSpace(c) { i += 1 }
    }

    private func text(_ a: Int, _ b: Int) -> String {
        var v = String.UnicodeScalarView()
        v.append(contentsOf: s[a..<b])
        return String(v)
    }

    mutating func parse() throws(PromQLError) -> SeriesDescription {
        skipSpaces()
        var pairs: [Label] = []
        if let c = peek(), isAlpha(c) || c == ":" {
            let start = i
            while let c = peek(), isAlphaNumeric(c) || c == ":" { i += 1 }
            let name = text(start, i)
            let lower = name.lowercased()
            if lower == "inf" || lower == "nan" {
                throw fail("unexpected number \(goQuote(name)) in series description", at: start)
            }
            pairs.append(Label(Labels.metricName, name))
        }
        if peek() == "{" {
            i += 1
            pairs += try parseLabelSet()
        }
        if pairs.isEmpty { throw fail("unexpected \(describe(i)), expected metric name or label set", at: i) }
        let labels = Labels(pairs)

        var values: [Double?] = []
        while true {
            let hadSpace = peek().map(isSpace) ?? false
            skipSpaces()
            if atEnd { break }
            if !hadSpace { throw fail("unexpected \(describe(i)) in series values", at: i) }
            if peek() == "{" && peek(1) == "{" {
                return SeriesDescription(labels: labels, values: [], isNativeHistogram: true)
            }
            try parseItem(into: &values)
        }
        return SeriesDescription(labels: labels, values: values)
    }

    private func describe(_ pos: Int) -> String {
        pos < s.count ? goQuote(String(Character(s[pos]))) : "end of input"
    }

    /// `name="value", "quoted name"="value", "metric name"` up to the closing brace.
    private mutating func parseLabelSet() throws(PromQLError) -> [Label] {
        var out: [Label] = []
        while true {
            skipSpaces()
            guard let c = peek() else { throw fail("unexpected end of input inside braces", at: i) }
            if c == "}" {
                i += 1
                return out
            }
            let nameStart = i
            var name: String
            var quotedName = false
            if isAlpha(c) {
                while let c = peek(), isAlphaNumeric(c) { i += 1 }
                name = text(nameStart, i)
            } else if c == "\"" || c == "'" || c == "`" {
                name = try parseQuoted()
                quotedName = true
            } else {
                throw fail("unexpected \(describe(i)) in label set, expected identifier or \"}\"", at: i)
            }
            skipSpaces()
            if peek() == "=" {
                i += 1
                skipSpaces()
                guard let q = peek(), q == "\"" || q == "'" || q == "`" else {
                    throw fail("unexpected \(describe(i)) in label set, expected string", at: i)
                }
                out.append(Label(name, try parseQuoted()))
            } else if quotedName {
                out.append(Label(Labels.metricName, name))
                name = ""
            } else {
                throw fail("unexpected \(describe(i)) in label set, expected \"=\"", at: i)
            }
            skipSpaces()
            if peek() == "," {
                i += 1
            } else if peek() != "}" {
                throw fail("unexpected \(describe(i)) in label set, expected \",\" or \"}\"", at: i)
            }
        }
    }

    /// A quoted string at the cursor, unquoted with Go rules.
    private mutating func parseQuoted() throws(PromQLError) -> String {
        let start = i
        guard let quote = peek() else { throw fail("unterminated quoted string", at: start) }
        i += 1
        while let c = peek() {
            i += 1
            if c == quote {
                do {
                    return try goUnquote(text(start, i))
                } catch {
                    throw fail("error unquoting string \(goQuote(text(start, i)))", at: start)
                }
            }
            if c == "\\" && quote != "`" { i += 1 }
            if c == "\n" && quote != "`" { break }
        }
        throw fail(quote == "`" ? "unterminated raw string" : "unterminated quoted string", at: start)
    }

    private mutating func parseItem(into values: inout [Double?]) throws(PromQLError) {
        let itemStart = i
        if peek() == "_" {
            i += 1
            if peek() == "x" {
                i += 1
                let n = try parseRepetition()
                values.append(contentsOf: repeatElement(Double?.none, count: n))
            } else {
                values.append(nil)
            }
            try expectItemEnd()
            return
        }
        if let c = peek(), isAlpha(c), c != "x" {
            let start = i
            while let c = peek(), isAlphaNumeric(c) || c == ":" { i += 1 }
            let word = text(start, i)
            switch word.lowercased() {
            case "inf", "nan":
                i = start
            case _ where word == "stale":
                values.append(Double.staleMarker)
                try expectItemEnd()
                return
            default:
                throw fail("unexpected identifier \(goQuote(word)) in series values, expected number or \"stale\"", at: start)
            }
        }
        var value = try parseSignedNumber(allowUnsigned: true, itemStart: itemStart)
        if peek() == "+" || peek() == "-" {
            let delta = try parseSignedNumber(allowUnsigned: false, itemStart: itemStart)
            guard peek() == "x" else { throw fail("unexpected \(describe(i)) in series values", at: i) }
            i += 1
            let n = try parseRepetition()
            values.reserveCapacity(values.count + n + 1)
            for _ in 0...n {
                values.append(value)
                value += delta
            }
        } else if peek() == "x" {
            i += 1
            let n = try parseRepetition()
            values.append(contentsOf: repeatElement(Optional(value), count: n + 1))
        } else {
            values.append(value)
        }
        try expectItemEnd()
    }

    private mutating func expectItemEnd() throws(PromQLError) {
        if let c = peek(), !isSpace(c) { throw fail("unexpected \(describe(i)) in series values", at: i) }
    }

    /// `[+|-] number`, where number is digits/fraction/exponent or `Inf`/`NaN`.
    private mutating func parseSignedNumber(allowUnsigned: Bool, itemStart: Int) throws(PromQLError) -> Double {
        var negative = false
        if peek() == "+" || peek() == "-" {
            negative = peek() == "-"
            i += 1
        } else if !allowUnsigned {
            throw fail("unexpected \(describe(i)) in series values", at: i)
        }
        let start = i
        if let c = peek(), isAlpha(c) {
            while let c = peek(), isAlpha(c) { i += 1 }
        } else {
            var sawExp = false
            while let c = peek() {
                if isDigit(c) || c == "." || c == "_" {
                    i += 1
                } else if (c == "e" || c == "E") && !sawExp {
                    sawExp = true
                    i += 1
                    if peek() == "+" || peek() == "-" { i += 1 }
                } else {
                    break
                }
            }
        }
        let t = text(start, i)
        if t.isEmpty { throw fail("unexpected \(describe(i)) in series values, expected number or \"stale\"", at: i) }
        let lower = t.lowercased()
        if let c = t.unicodeScalars.first, isAlpha(c), lower != "inf", lower != "nan" {
            throw fail("unexpected identifier \(goQuote(t)) in series values", at: start)
        }
        switch parseGoNumber(t) {
        case .success(let v): return negative ? -v : v
        case .failure(let e):
            throw fail("error parsing number: strconv.ParseFloat: parsing \(goQuote(t)): \(e.message)", at: start)
        }
    }

    /// The N of `xN`: a base-10 unsigned integer.
    private mutating func parseRepetition() throws(PromQLError) -> Int {
        let start = i
        while let c = peek(), isDigit(c) { i += 1 }
        let t = text(start, i)
        guard !t.isEmpty, let n = Int(t), n <= 10_000_000 else {
            throw fail("invalid repetition in series values: \(goQuote(t))", at: start)
        }
        return n
    }
}
