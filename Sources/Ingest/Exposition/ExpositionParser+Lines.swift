/// The grammar: comment and metadata lines, sample lines, label sets, names, quoted strings.
extension ExpositionParser {
    private static let space: UInt8 = 0x20
    private static let tab: UInt8 = 0x09
    private static let newline: UInt8 = 0x0A

    /// The byte at `i`, or -1 past the end.
    @inline(__always) func at(_ i: Int) -> Int { i < n ? Int(b[i]) : -1 }

    @inline(__always) mutating func skipBlanks() {
        while pos < n && (b[pos] == Self.space || b[pos] == Self.tab) { pos += 1 }
    }

    /// Consumes the separator between tokens: spaces or tabs in Prometheus text, exactly one
    /// space in OpenMetrics.
    mutating func separator(_ what: String) throws(IngestError) {
        if format == .openMetrics {
            guard at(pos) == Int(Self.space) else { throw error(at: pos, "expected a space \(what), found \(found(pos))") }
            pos += 1
            if at(pos) == Int(Self.space) { throw error(at: pos, "expected one space \(what), found two") }
        } else {
            let start = pos
            skipBlanks()
            if pos == start { throw error(at: pos, "expected a space \(what), found \(found(pos))") }
        }
    }

    /// The end of a line: trailing blanks (Prometheus text only), then a newline or the input's end.
    mutating func endOfLine(after what: String) throws(IngestError) {
        if format == .prometheusText { skipBlanks() }
        if pos >= n { return }
        guard b[pos] == Self.newline else { throw error(at: pos, "unexpected \(found(pos)) after \(what)") }
        pos += 1
    }

    /// A token up to the next separator or line end.
    mutating func token() -> (start: Int, count: Int) {
        let start = pos
        while pos < n {
            let c = b[pos]
            if c == Self.space || c == Self.newline || (c == Self.tab && format == .prometheusText) { break }
            pos += 1
        }
        return (start, pos - start)
    }

    // MARK: Comments and metadata

    /// A line starting with `#`: metadata, `# EOF`, or (Prometheus text only) a comment.
    mutating func commentLine() throws(IngestError) -> Entry? {
        pos += 1
        if format == .prometheusText {
            skipBlanks()
        } else {
            guard at(pos) == Int(Self.space) else { throw error(at: pos, "expected a space after \"#\", found \(found(pos))") }
            pos += 1
        }
        let word = token()
        let keyword = String(decoding: UnsafeBufferPointer(rebasing: b[word.start..<word.start + word.count]), as: UTF8.self)
        let entry: Entry
        switch keyword {
        case "HELP": entry = .help
        case "TYPE": entry = .type
        case "UNIT" where format == .openMetrics: entry = .unit
        case "EOF" where format == .openMetrics:
            try endOfLine(after: "\"# EOF\"")
            sawEOF = true
            return nil
        default:
            if format == .openMetrics {
                throw error(at: word.start, "expected HELP, TYPE, UNIT or EOF after \"# \" (OpenMetrics has no free comments)")
            }
            skipLine()
            return nil
        }
        if format == .prometheusText && at(pos) != Int(Self.space) && at(pos) != Int(Self.tab) {
            // `# HELP` with nothing after it: a comment, not metadata.
            skipLine()
            return nil
        }
        try separator("after \(keyword)")
        metaName = try metricName(allowQuoted: true)
        metaText = Span(start: pos, end: pos)
        switch entry {
        case .type:
            try separator("before the metric type")
            let t = token()
            let typeName = String(decoding: UnsafeBufferPointer(rebasing: b[t.start..<t.start + t.count]), as: UTF8.self)
            guard let type = MetricType(typeLine: typeName, format: format) else {
                throw error(at: t.start, "unknown metric type \"\(typeName)\"")
            }
            metricType = type
            family = metaName
            familyType = type
            try endOfLine(after: "the metric type")
        default:
            // HELP or UNIT: the rest of the line, which may be empty.
            if at(pos) == Int(Self.space) || (format == .prometheusText && at(pos) == Int(Self.tab)) {
                if format == .prometheusText { skipBlanks() } else { pos += 1 }
                var s = Span(start: pos, end: pos)
                while pos < n && b[pos] != Self.newline {
                    if b[pos] == UInt8(ascii: "\\") { s.escaped = true }
                    pos += 1
                }
                s.end = pos
                metaText = s
            }
            try endOfLine(after: "the metric name")
            if entry == .unit { try checkUnitSuffix() }
        }
        return entry
    }

    mutating func skipLine() {
        while pos < n && b[pos] != Self.newline { pos += 1 }
        if pos < n { pos += 1 }
    }

    /// OpenMetrics requires a family with a unit to end in `_UNIT`.
    func checkUnitSuffix() throws(IngestError) {
        let unitLength = metaText.end - metaText.start
        guard unitLength > 0 else { return }
        let nameLength = metaName.end - metaName.start
        var ok = nameLength > unitLength && b[metaName.end - unitLength - 1] == UInt8(ascii: "_")
        if ok {
            for k in 0..<unitLength where b[metaName.end - unitLength + k] != b[metaText.start + k] {
                ok = false
                break
            }
        }
        if !ok { throw error(at: metaText.start, "unit is not a suffix of the metric family's name") }
    }

    // MARK: Samples

    mutating func sampleLine() throws(IngestError) {
        seriesStart = pos
        name = Span(start: pos, end: pos)
        labelSpans.removeAll(keepingCapacity: true)
        if at(pos) == Int(UInt8(ascii: "{")) {
            try labelSet(exemplar: false, allowName: true)
            if name.isEmpty { throw error(at: seriesStart, "metric name missing (a quoted name inside the braces or a name before them)") }
        } else {
            name = try metricName(allowQuoted: false)
            // Prometheus text allows blanks between the name and its labels.
            let afterName = pos
            if format == .prometheusText { skipBlanks() }
            if at(pos) == Int(UInt8(ascii: "{")) {
                try labelSet(exemplar: false, allowName: false)
            } else {
                pos = afterName
            }
        }
        seriesEnd = pos
        try separator("before the value")
        value = try floatToken("value")
        timestamp = nil
        if format == .prometheusText {
            skipBlanks()
            if pos < n && b[pos] != Self.newline {
                let t = token()
                guard let ms = FloatText.parseInt64(b.baseAddress! + t.start, t.count) else {
                    throw error(at: t.start, "invalid timestamp \(quotedToken(t)) (expected integer milliseconds)")
                }
                timestamp = ms
            }
            try endOfLine(after: "the sample")
            return
        }
        if at(pos) == Int(Self.space) {
            pos += 1
            if at(pos) != Int(UInt8(ascii: "#")) {
                timestamp = try openMetricsTimestamp()
                if at(pos) == Int(Self.space) {
                    pos += 1
                    guard at(pos) == Int(UInt8(ascii: "#")) else { throw error(at: pos, "expected an exemplar (\"# {…}\") after the timestamp, found \(found(pos))") }
                }
            }
            if at(pos) == Int(UInt8(ascii: "#")) { try exemplar() }
        }
        try endOfLine(after: "the sample")
    }

    /// ` # {labels} value [timestamp]` after an OpenMetrics sample: checked, then dropped.
    mutating func exemplar() throws(IngestError) {
        pos += 1
        try separator("after the exemplar's \"#\"")
        guard at(pos) == Int(UInt8(ascii: "{")) else { throw error(at: pos, "expected \"{\" to open the exemplar's labels, found \(found(pos))") }
        exemplarSpans.removeAll(keepingCapacity: true)
        try labelSet(exemplar: true, allowName: false)
        try separator("before the exemplar's value")
        _ = try floatToken("exemplar value")
        if at(pos) == Int(Self.space) {
            pos += 1
            _ = try openMetricsTimestamp()
        }
    }

    /// OpenMetrics timestamps: float seconds, truncated to milliseconds as Prometheus does.
    mutating func openMetricsTimestamp() throws(IngestError) -> Int64 {
        let start = pos
        let seconds = try floatToken("timestamp")
        guard seconds.isFinite, abs(seconds) < 9.2e15 else { throw error(at: start, "invalid timestamp (must be finite seconds)") }
        return Int64(seconds * 1000)
    }

    mutating func floatToken(_ what: String) throws(IngestError) -> Double {
        let t = token()
        if t.count == 0 { throw error(at: t.start, "expected \(what), found \(found(t.start))") }
        guard let v = FloatText.parseDouble(b.baseAddress! + t.start, t.count) else {
            throw error(at: t.start, "invalid \(what) \(quotedToken(t))")
        }
        return v
    }

    func quotedToken(_ t: (start: Int, count: Int)) -> String {
        let shown = min(t.count, 64)
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[t.start..<t.start + shown]), as: UTF8.self)
        return "\"\(text)\(t.count > shown ? "…" : "")\""
    }

    // MARK: Names and label sets

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`, or a quoted string where allowed.
    mutating func metricName(allowQuoted: Bool) throws(IngestError) -> Span {
        if allowQuoted && at(pos) == Int(UInt8(ascii: "\"")) {
            let s = try quoted()
            if s.isEmpty { throw error(at: s.start - 1, "empty metric name") }
            return s
        }
        let start = pos
        while pos < n && isNameByte(b[pos], first: pos == start, colon: true) { pos += 1 }
        if pos == start { throw error(at: pos, "expected a metric name, found \(found(pos))") }
        return Span(start: start, end: pos)
    }

    @inline(__always) func isNameByte(_ c: UInt8, first: Bool, colon: Bool) -> Bool {
        let lower = c | 0x20
        if lower >= 0x61 && lower <= 0x7a { return true }
        if c == UInt8(ascii: "_") { return true }
        if colon && c == UInt8(ascii: ":") { return true }
        return !first && c >= 0x30 && c <= 0x39
    }

    /// A `"…"` string; returns the span inside the quotes.
    mutating func quoted() throws(IngestError) -> Span {
        let open = pos
        pos += 1
        var s = Span(start: pos, end: pos)
        while pos < n {
            let c = b[pos]
            if c == UInt8(ascii: "\"") {
                s.end = pos
                pos += 1
                return s
            }
            if c == UInt8(ascii: "\\") {
                s.escaped = true
                pos += 1
                if pos >= n || b[pos] == Self.newline { break }
            } else if c == Self.newline {
                break
            }
            pos += 1
        }
        throw error(at: open, "quoted string is not closed on its line")
    }

    /// `{name="value", …}` into `labelSpans` (or `exemplarSpans`). With `allowName`, one quoted
    /// string without `=` names the metric.
    mutating func labelSet(exemplar: Bool, allowName: Bool) throws(IngestError) {
        let open = pos
        pos += 1
        let text = format == .prometheusText
        if text { skipBlanks() }
        if at(pos) == Int(UInt8(ascii: "}")) {
            pos += 1
            return
        }
        while true {
            if text { skipBlanks() }
            var labelName: Span
            if at(pos) == Int(UInt8(ascii: "\"")) {
                labelName = try quoted()
                if text { skipBlanks() }
                if !exemplar && at(pos) != Int(UInt8(ascii: "=")) {
                    // A quoted string without "=" names the metric, which a name before the
                    // braces already did.
                    guard allowName, name.isEmpty else { throw error(at: labelName.start - 1, "the metric is named twice") }
                    if labelName.isEmpty { throw error(at: labelName.start - 1, "empty metric name") }
                    name = labelName
                    if try afterLabel(open: open) { return }
                    continue
                }
                if labelName.isEmpty { throw error(at: labelName.start - 1, "empty label name") }
            } else {
                let start = pos
                while pos < n && isNameByte(b[pos], first: pos == start, colon: false) { pos += 1 }
                if pos == start { throw error(at: pos, "expected a label name, found \(found(pos))") }
                labelName = Span(start: start, end: pos)
                if text { skipBlanks() }
            }
            guard at(pos) == Int(UInt8(ascii: "=")) else { throw error(at: pos, "expected \"=\" after the label name, found \(found(pos))") }
            pos += 1
            if text { skipBlanks() }
            guard at(pos) == Int(UInt8(ascii: "\"")) else { throw error(at: pos, "expected a quoted label value, found \(found(pos))") }
            let v = try quoted()
            let count = exemplar ? exemplarSpans.count : labelSpans.count
            if count >= Self.maxLabelsPerLine { throw error(at: labelName.start, "more than \(Self.maxLabelsPerLine) labels") }
            if exemplar {
                exemplarSpans.append(LabelSpan(name: labelName, value: v))
            } else {
                labelSpans.append(LabelSpan(name: labelName, value: v))
            }
            if try afterLabel(open: open) { return }
        }
    }

    /// After one item of a label set: true at the closing brace, false after a comma.
    private mutating func afterLabel(open: Int) throws(IngestError) -> Bool {
        let text = format == .prometheusText
        if text { skipBlanks() }
        switch at(pos) {
        case Int(UInt8(ascii: ",")):
            pos += 1
            if text { skipBlanks() }
            if at(pos) == Int(UInt8(ascii: "}")) {
                if !text { throw error(at: pos, "trailing comma in the label set (OpenMetrics allows none)") }
                pos += 1
                return true
            }
            return false
        case Int(UInt8(ascii: "}")):
            pos += 1
            return true
        case -1, Int(Self.newline):
            throw error(at: open, "label set is not closed on its line")
        default:
            throw error(at: pos, "expected \",\" or \"}\" in the label set, found \(found(pos))")
        }
    }
}
