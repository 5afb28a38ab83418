import TSDB

/// A strict pull parser for the Prometheus text format (0.0.4 and 1.0.0) and OpenMetrics 1.0
/// text, over bytes the caller keeps alive.
///
/// Call `next()` until it returns nil. After `.sample`, `value`, `timestamp`, `seriesKey` and
/// `labels(into:)` describe the sample; after `.type`, `.help` or `.unit`, `metadataName` and
/// `metricType`/`metadataText` describe the family. Nothing is allocated per sample until the
/// caller asks for labels: a scraper that knows a `seriesKey` already skips that work.
///
/// What it accepts, as Prometheus's scraper does:
/// - Label values and HELP text unescape `\\`, `\"` (values only) and `\n`; other backslash
///   pairs are kept as they are. Names may be quoted UTF-8 strings (`{"my.metric", "a.b"="c"}`),
///   as Prometheus 3 sends `escaping=allow-utf-8` for.
/// - Values are Go floats (`1`, `-2.5e3`, `NaN`, `+Inf`, `-Inf`, case-insensitive), no hex.
///   Prometheus text timestamps are integer milliseconds; OpenMetrics ones are float seconds.
/// - OpenMetrics: `# EOF` must end the input, blank lines and other comments are errors,
///   separators are single spaces; exemplars (` # {…} v [t]`) are checked and dropped (the
///   TSDB stores no exemplars); `_created` series of counters, histograms, summaries and gauge
///   histograms are dropped, as Prometheus does by default; `# UNIT` must be a suffix of the name.
/// - Prometheus text: blank lines and `#` comments other than HELP and TYPE are skipped, and
///   runs of spaces or tabs separate tokens.
///
/// Errors are `IngestError(.badExposition)` naming the line and column. Not thread-safe: one
/// parser per body.
public struct ExpositionParser {
    public enum Entry: Sendable, Equatable {
        case sample, type, help, unit
    }

    /// A byte range of the input; `escaped` when it holds a backslash that unescaping removes.
    struct Span {
        var start = 0
        var end = 0
        var escaped = false
        var isEmpty: Bool { start == end }
    }

    struct LabelSpan {
        var name: Span
        var value: Span
    }

    /// Most labels one line may carry; far above any sane exporter, it bounds the scratch memory.
    public static let maxLabelsPerLine = 512

    let b: UnsafeBufferPointer<UInt8>
    let n: Int
    public let format: ExpositionFormat
    var pos = 0
    var lineNumber = 0
    var lineStart = 0
    var sawEOF = false

    /// The value of the current sample.
    public internal(set) var value: Double = 0
    /// The current sample's own timestamp in milliseconds, if the line has one.
    public internal(set) var timestamp: Int64?
    var seriesStart = 0
    var seriesEnd = 0
    var name = Span()
    var labelSpans: [LabelSpan] = []
    var exemplarSpans: [LabelSpan] = []

    var metaName = Span()
    var metaText = Span()
    /// The type on the current `# TYPE` line.
    public internal(set) var metricType: MetricType = .unknown
    /// The family of the last `# TYPE` line, for dropping OpenMetrics `_created` series.
    var family = Span()
    var familyType: MetricType = .unknown

    /// A parser over `bytes`, which must stay valid and unchanged while it is used.
    public init(_ bytes: UnsafeRawBufferPointer, format: ExpositionFormat) {
        b = bytes.assumingMemoryBound(to: UInt8.self)
        n = bytes.count
        self.format = format
        labelSpans.reserveCapacity(16)
    }

    /// Runs `body` with a parser over `bytes`.
    public static func parse<R>(_ bytes: [UInt8], format: ExpositionFormat,
                                _ body: (inout ExpositionParser) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            var parser = ExpositionParser(raw, format: format)
            return try body(&parser)
        }
    }

    /// The next sample or metadata line, or nil at the end of the input.
    public mutating func next() throws(IngestError) -> Entry? {
        while true {
            if pos >= n {
                if format == .openMetrics && !sawEOF {
                    if n == 0 || b[n - 1] == 0x0A {
                        lineNumber += 1
                        lineStart = pos
                    }
                    throw error(at: pos, "the input does not end with \"# EOF\"")
                }
                return nil
            }
            lineNumber += 1
            lineStart = pos
            if sawEOF { throw error(at: pos, "unexpected data after \"# EOF\"") }
            if format == .prometheusText {
                skipBlanks()
                if pos >= n { return nil }
                if b[pos] == 0x0A {
                    pos += 1
                    continue
                }
            } else if b[pos] == 0x0A {
                throw error(at: pos, "empty line (OpenMetrics allows none)")
            }
            if b[pos] == UInt8(ascii: "#") {
                if let entry = try commentLine() { return entry }
                continue
            }
            try sampleLine()
            if format == .openMetrics && isCreatedSeries() { continue }
            return .sample
        }
    }

    // MARK: Accessors

    /// The raw bytes of the current sample's metric name and label set, as written: equal bytes
    /// always mean equal labels, so a scraper may key a cache on them.
    public var seriesKey: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[seriesStart..<seriesEnd])
    }

    /// The current sample's metric name.
    public func metricName() throws(IngestError) -> String { try string(name, help: false) }

    /// Appends the current sample's labels, `__name__` first, then in the order written.
    public func labels(into out: inout [Label]) throws(IngestError) {
        out.append(Label(Labels.metricName, try string(name, help: false)))
        for l in labelSpans {
            out.append(Label(try string(l.name, help: false), try string(l.value, help: false)))
        }
    }

    /// The number of labels on the current sample line, `__name__` not counted.
    public var labelCount: Int { labelSpans.count }

    /// The metric family named by the current `# TYPE`, `# HELP` or `# UNIT` line.
    public func metadataName() throws(IngestError) -> String { try string(metaName, help: false) }

    /// The text of the current `# HELP` (unescaped) or `# UNIT` line.
    public func metadataText() throws(IngestError) -> String { try string(metaText, help: true) }

    // MARK: Errors and strings

    func error(at offset: Int, _ message: String) -> IngestError {
        IngestError(.badExposition, "line \(lineNumber), column \(offset - lineStart + 1): \(message)", offset: offset)
    }

    /// What stands at `offset`, for messages: a quoted character or "end of input".
    func found(_ offset: Int) -> String {
        guard offset < n else { return "end of input" }
        let c = b[offset]
        switch c {
        case 0x0A: return "end of line"
        case 0x20...0x7E: return goQuote(String(Character(Unicode.Scalar(c))))
        default: return "byte 0x\(String(c, radix: 16))"
        }
    }

    /// The text of a span, unescaped; throws when it is not valid UTF-8.
    func string(_ s: Span, help: Bool) throws(IngestError) -> String {
        let raw = UnsafeBufferPointer(rebasing: b[s.start..<s.end])
        if !s.escaped {
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw error(at: s.start, "text is not valid UTF-8")
            }
            return text
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let c = raw[i]
            if c == UInt8(ascii: "\\") && i + 1 < raw.count {
                switch raw[i + 1] {
                case UInt8(ascii: "\\"): out.append(c)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "\"") where !help: out.append(UInt8(ascii: "\""))
                default: out.append(c); out.append(raw[i + 1])
                }
                i += 2
            } else {
                out.append(c)
                i += 1
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw error(at: s.start, "text is not valid UTF-8")
        }
        return text
    }

    /// OpenMetrics `_created` series of the family just typed, which Prometheus drops.
    func isCreatedSeries() -> Bool {
        guard familyType.hasCreatedSeries else { return false }
        let suffix: StaticString = "_created"
        let familyLength = family.end - family.start
        guard name.end - name.start == familyLength + suffix.utf8CodeUnitCount else { return false }
        for k in 0..<familyLength where b[name.start + k] != b[family.start + k] { return false }
        let s = suffix.utf8Start
        for k in 0..<suffix.utf8CodeUnitCount where b[name.start + familyLength + k] != s[k] { return false }
        return true
    }
}
