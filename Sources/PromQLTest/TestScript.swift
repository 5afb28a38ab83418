import Foundation
import PromQL
import TSDB

/// A script in Prometheus's PromQL test language (promqltest): `load`, `clear` and `eval` commands
/// with expected results. Parse once with `parse(_:name:)`, then `run(engine:)` against a fresh
/// database.
///
/// Native histograms are out of scope: series written as `{{...}}` (and the histograms
/// `load_with_nhcb` would derive) are not loaded, and an evaluation that reads such a series or
/// expects a histogram is reported as skipped.
public struct TestScript: Sendable {
    public let name: String
    let commands: [Command]

    enum Command: Sendable {
        case load(Load)
        case clear
        case eval(Eval)
        /// A line that could not be parsed; reported as a failed case.
        case invalid(line: Int, text: String, message: String)
    }

    struct Load: Sendable {
        var line: Int
        var interval: Int64
        var series: [(labels: Labels, values: [Double?])]
        /// Label sets of series holding native histograms (written ones and those `load_with_nhcb` derives).
        var histogramSeries: [Labels]
    }

    /// An expected series (or scalar): its values per step, nil for `_`.
    struct Expected: Sendable {
        var labels: Labels
        var values: [Double?]
        /// 1-based position among the result lines, for ordered checks.
        var position: Int
    }

    enum ExpectKind: String, Sendable {
        case ordered, fail, warn, noWarn = "no_warn", info, noInfo = "no_info"
    }

    /// An `expect` line: match an annotation or error text exactly (`msg:`) or by regex (`regex:`,
    /// or no matcher: anything).
    struct Expectation: Sendable {
        var message: String?
        var pattern: String?

        func matches(_ s: String) -> Bool {
            if let message { return message == s }
            guard let pattern else { return true }
            guard let re = try? NSRegularExpression(pattern: pattern) else { return false }
            return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
        }

        var description: String { message.map { "message \(goQuote($0))" } ?? "pattern \(goQuote(pattern ?? ".*"))" }
    }

    struct Eval: Sendable {
        var line: Int
        var query: String
        var isRange: Bool
        var start: Int64
        var end: Int64
        var step: Int64
        /// Instant queries: the evaluation time.
        var at: Int64
        var fail = false, warn = false, info = false, ordered = false
        var failMessage: String?
        var failPattern: String?
        var expects: [ExpectKind: [Expectation]] = [:]
        var expectScalar = false
        var expected: [Expected] = []
        var expectedString: String?
        var excludeFromRangeQuery = false
        /// Expected results written with `{{...}}`.
        var expectsHistogram = false

        var isOrdered: Bool { ordered || !(expects[.ordered] ?? []).isEmpty }
        var isFail: Bool { fail || !(expects[.fail] ?? []).isEmpty }
    }

    public static func parse(_ text: String, name: String) throws -> TestScript {
        var commands: [Command] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { raw -> String in
            let l = raw.trimmingCharacters(in: .whitespaces)
            return l.hasPrefix("#") ? "" : l
        }
        var i = 0
        while i < lines.count {
            let l = lines[i]
            if l.isEmpty {
                i += 1
                continue
            }
            let word = String(l.prefix { $0 != " " && $0 != "\t" }).lowercased()
            if word == "clear" {
                commands.append(.clear)
                i += 1
            } else if word.hasPrefix("load") {
                commands.append(parseLoad(lines, &i))
            } else if word.hasPrefix("eval") {
                commands.append(parseEval(lines, &i))
            } else {
                throw TestScriptError(message: "\(name):\(i + 1): invalid command \"\(l)\"")
            }
        }
        return TestScript(name: name, commands: commands)
    }

    // MARK: load

    private static func parseLoad(_ lines: [String], _ i: inout Int) -> Command {
        let line = i + 1
        guard let m = match(#"^load(?:_(with_nhcb))?\s+(.+?)$"#, lines[i]) else {
            i += 1
            return .invalid(line: line, text: lines[i - 1], message: "invalid load command. (load[_with_nhcb] <step:duration>)")
        }
        let withNHCB = m[1] == "with_nhcb"
        guard let interval = try? PromQLParser.parseDuration(m[2] ?? "") else {
            i += 1
            return .invalid(line: line, text: lines[i - 1], message: "invalid step definition \"\(m[2] ?? "")\"")
        }
        var load = Load(line: line, interval: interval, series: [], histogramSeries: [])
        i += 1
        while i < lines.count && !lines[i].isEmpty {
            let text = lines[i]
            do {
                let d = try parseSeriesLine(text)
                if d.isNativeHistogram {
                    load.histogramSeries.append(d.labels)
                } else {
                    load.series.append((d.labels, d.values))
                }
            } catch {
                let msg = (error as? PromQLError)?.message ?? "\(error)"
                i += 1
                return .invalid(line: i, text: text, message: "invalid series definition: \(msg)")
            }
            i += 1
        }
        if withNHCB {
            load.histogramSeries += nhcbSeries(load.series.map(\.labels))
        }
        return .load(load)
    }

    /// The native histograms `load_with_nhcb` would add: one per classic histogram, named after
    /// its `_bucket`/`_count`/`_sum` series without the suffix (and without `le`).
    private static func nhcbSeries(_ labels: [Labels]) -> [Labels] {
        var out = Set<Labels>()
        for l in labels {
            guard let name = l.metricName else { continue }
            for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) {
                if suffix == "_bucket" && l["le"] == nil { continue }
                var d = l.dictionary
                d["le"] = nil
                d[Labels.metricName] = String(name.dropLast(suffix.count))
                out.insert(Labels(d))
            }
        }
        return out.sorted()
    }

    // MARK: eval

    private static func parseEval(_ lines: [String], _ i: inout Int) -> Command {
        let line = i + 1
        let text = lines[i]
        let instant = match(#"^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$"#, text)
        let range = match(#"^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$"#, text)
        func invalid(_ msg: String) -> Command {
            i += 1
            while i < lines.count && !lines[i].isEmpty { i += 1 }
            return .invalid(line: line, text: text, message: msg)
        }
        guard instant != nil || range != nil else {
            return invalid("invalid evaluation command. Must be either 'eval[_fail|_warn|_ordered] instant [at <offset:duration>] <query>' or 'eval[_fail|_warn] range from <from> to <to> step <step> <query>'")
        }
        var ev: Eval
        let mod: String?
        if let instant {
            mod = instant[1]
            guard let t = try? PromQLParser.parseDuration(instant[2] ?? "") else {
                return invalid("invalid timestamp definition \"\(instant[2] ?? "")\"")
            }
            ev = Eval(line: line, query: instant[3] ?? "", isRange: false, start: t, end: t, step: 0, at: t)
        } else {
            let r = range!
            mod = r[1]
            guard let from = try? PromQLParser.parseDuration(r[2] ?? ""),
                  let to = try? PromQLParser.parseDuration(r[3] ?? ""),
                  let step = try? PromQLParser.parseDuration(r[4] ?? "") else {
                return invalid("invalid range definition")
            }
            if to < from { return invalid("invalid test definition, end timestamp (\(r[3] ?? "")) is before start timestamp (\(r[2] ?? ""))") }
            ev = Eval(line: line, query: r[5] ?? "", isRange: true, start: from, end: to, step: step, at: from)
        }
        switch mod {
        case "fail": ev.fail = true
        case "warn": ev.warn = true
        case "info": ev.info = true
        case "ordered": ev.ordered = true
        default: break
        }
        var expectRangeVector = false
        var position = 1
        i += 1
        while i < lines.count && !lines[i].isEmpty {
            let def = lines[i]
            if ev.fail && def.hasPrefix("expected_fail_message") {
                ev.failMessage = def.dropFirst("expected_fail_message".count).trimmingCharacters(in: .whitespaces)
                i += 1
                break
            }
            if ev.fail && def.hasPrefix("expected_fail_regexp") {
                ev.failPattern = def.dropFirst("expected_fail_regexp".count).trimmingCharacters(in: .whitespaces)
                i += 1
                break
            }
            if def.hasPrefix("expect range vector") {
                guard let m = match(#"^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$"#, def),
                      let from = try? PromQLParser.parseDuration(m[1] ?? ""),
                      let to = try? PromQLParser.parseDuration(m[2] ?? ""),
                      let step = try? PromQLParser.parseDuration(m[3] ?? "") else {
                    return invalid("invalid range vector definition \"\(def)\"")
                }
                expectRangeVector = true
                ev.start = from
                ev.end = to
                ev.step = step
                ev.at = to
                ev.excludeFromRangeQuery = true
                i += 1
                continue
            }
            if def.hasPrefix("expect string") {
                guard let s = try? goUnquote(String(def.dropFirst("expect string".count)).trimmingCharacters(in: .init(charactersIn: " "))) else {
                    return invalid("expected string literal not valid - check that the string is correctly quoted")
                }
                ev.expectedString = s
                ev.excludeFromRangeQuery = true
                i += 1
                continue
            }
            if def.split(separator: " ").first == "expect" {
                guard let m = match(#"^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$"#, def),
                      let kind = ExpectKind(rawValue: m[1] ?? "") else {
                    return invalid("invalid expect statement, must match `expect <type> <match_type>: <string>` format")
                }
                var e = Expectation()
                switch m[2] {
                case "msg": e.message = (m[3] ?? "").trimmingCharacters(in: .whitespaces)
                case "regex": e.pattern = (m[3] ?? "").trimmingCharacters(in: .whitespaces)
                default: break
                }
                ev.expects[kind, default: []].append(e)
                i += 1
                continue
            }
            if let f = parseNumber(def) {
                ev.expectScalar = true
                ev.expected = [Expected(labels: Labels([Label]()), values: [f], position: 0)]
                i += 1
                break
            }
            do {
                let d = try parseSeriesLine(def)
                if d.isNativeHistogram {
                    ev.expectsHistogram = true
                } else {
                    if d.values.count > 1 && !ev.isRange && !expectRangeVector {
                        return invalid("expecting multiple values in instant evaluation not allowed. consider using 'expect range vector' directive to enable a range vector result for an instant query")
                    }
                    ev.expectScalar = false
                    ev.expected.removeAll { $0.labels == d.labels }
                    ev.expected.append(Expected(labels: d.labels, values: d.values, position: position))
                }
            } catch {
                return invalid("invalid expected series \"\(def)\": \((error as? PromQLError)?.message ?? "\(error)")")
            }
            position += 1
            i += 1
        }
        return .eval(ev)
    }

    // MARK: helpers

    /// Capture groups of the first match of `pattern` in `s` (nil entries for groups that did not take part).
    static func match(_ pattern: String, _ s: String) -> [String?]? {
        guard let re = try? NSRegularExpression(pattern: pattern),
              let m = re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) else { return nil }
        return (0..<m.numberOfRanges).map { k in
            Range(m.range(at: k), in: s).map { String(s[$0]) }
        }
    }

    /// Go's `strconv.ParseInt(s, 0, 64)`, else `strconv.ParseFloat(s, 64)`.
    static func parseNumber(_ s: String) -> Double? {
        if let v = Int64(s) { return Double(v) }
        let lower = s.lowercased()
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
            if let v = Int64(lower.dropFirst(2), radix: radix) { return Double(v) }
        }
        return GoFloatFormat.parse(s)
    }

    /// A series description line (`metric{a="b"} 1 2+3x4 _ stale`).
    static func parseSeriesLine(_ text: String) throws -> SeriesDescription {
        do {
            return try PromQLParser.parseSeriesDescription(text)
        } catch {
            // An empty label set (`{} 3`, the scripts' unlabeled results) is not accepted by every
            // version of the series parser: parse the values under a placeholder name instead.
            guard text.hasPrefix("{}") else { throw error }
            var d = try PromQLParser.parseSeriesDescription("placeholder" + text.dropFirst(2))
            d.labels = Labels([Label]())
            return d
        }
    }
}

/// A script that cannot be run at all.
public struct TestScriptError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}


