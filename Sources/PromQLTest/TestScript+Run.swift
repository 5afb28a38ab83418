import Foundation
import Logging
import PromQL
import TSDB

extension TestScript {
    /// Runs the script against `engine` with a fresh database (in a temporary directory, removed
    /// afterwards) for the script and after every `clear`. Never throws: problems become failed cases.
    ///
    /// Like Prometheus's runner, an instant `eval` is also checked with every selector pinned by
    /// `@` to the evaluation time at other evaluation times, and as a range query around that time.
    public func run(engine: Engine) -> TestReport {
        var report = TestReport(name: name)
        var storage: Storage
        do {
            storage = try Storage()
        } catch {
            report.cases.append(.init(line: 0, query: "", status: .failed, message: "cannot create database: \(error)"))
            return report
        }
        var histogramSeries: [Labels] = []
        for cmd in commands {
            switch cmd {
            case .clear:
                storage.close()
                histogramSeries = []
                do {
                    storage = try Storage()
                } catch {
                    report.cases.append(.init(line: 0, query: "clear", status: .failed, message: "cannot create database: \(error)"))
                    return report
                }
            case .invalid(let line, let text, let message):
                report.cases.append(.init(line: line, query: text, status: .failed, message: message))
            case .load(let load):
                histogramSeries += load.histogramSeries
                if let problem = storage.load(load) {
                    report.cases.append(.init(line: load.line, query: "load", status: .failed, message: problem))
                }
            case .eval(let ev):
                report.cases.append(runEval(ev, engine: engine, db: storage.db, histogramSeries: histogramSeries))
            }
        }
        storage.close()
        return report
    }

    private func runEval(_ ev: Eval, engine: Engine, db: DB, histogramSeries: [Labels]) -> TestReport.Case {
        func result(_ status: TestReport.Status, _ message: String = "") -> TestReport.Case {
            .init(line: ev.line, query: ev.query, status: status, message: message)
        }
        if ev.expectsHistogram {
            return result(.skipped, "expects native histograms")
        }
        let expr: Expr
        do {
            expr = try PromQLParser.parse(ev.query, options: .init(enableExperimentalFunctions: true))
        } catch {
            if ev.isFail, checkFailure(ev, error.message) == nil { return result(.passed) }
            return result(.failed, "parse error: \(error.message)")
        }
        if readsHistograms(expr, histogramSeries) {
            return result(.skipped, "reads native histogram series")
        }
        let querier: @Sendable (Int64, Int64) -> Querier = { db.querier(mint: $0, maxt: $1) }
        if ev.isRange {
            let r = Result { () throws(PromQLError) in try engine.rangeQuery(expr, query: ev.query, start: ev.start, end: ev.end, step: ev.step, querier: querier) }
            if let problem = check(ev, r, start: ev.start, step: ev.step, query: ev.query) {
                return result(.failed, problem)
            }
            return result(.passed)
        }
        // The query as written, then with every selector pinned to the evaluation time by `@`.
        var variants: [(Expr, Int64)] = [(expr, ev.at)]
        if let pinned = TestScript.pinnedToEvalTime(expr, at: ev.at) {
            let ts = ev.at
            let times: [Int64] = ts == 0 ? [-1000, 0, 1000] : [-10 * ts, 0, ts / 5, ts, 10 * ts]
            variants += times.map { (pinned, $0) }
        }
        for (k, (variant, t)) in variants.enumerated() {
            let r = Result { () throws(PromQLError) in try engine.instantQuery(variant, query: ev.query, at: t, querier: querier) }
            let label = k == 0 ? "" : " (with @ \(ev.at) evaluated at \(t))"
            if let problem = check(ev, r, start: ev.start, step: ev.step, query: ev.query) {
                return result(.failed, problem + label)
            }
            if case .failure = r { continue }
            if ev.excludeFromRangeQuery || TestScript.usesQueryContextFunctions(ev.query) { continue }
            // The same in range mode, at the middle of three steps.
            let rr = Result { () throws(PromQLError) in
                try engine.rangeQuery(variant, query: ev.query, start: t - 60_000, end: t + 60_000, step: 60_000, querier: querier)
            }
            guard case .success(let rangeResult) = rr else {
                if case .failure(let e) = rr { return result(.failed, "range mode\(label): error: \(e.message)") }
                continue
            }
            if ev.isOrdered { continue }
            guard case .matrix(let mat) = rangeResult.value else {
                return result(.failed, "range mode\(label): expected a matrix, got \(rangeResult.value.typeName)")
            }
            if let problem = TestScript.assertSorted(mat) { return result(.failed, "range mode\(label): \(problem)") }
            var vec: [VectorElement] = []
            for s in mat {
                if let p = s.samples.first(where: { $0.t == t }) { vec.append(VectorElement(labels: s.labels, t: t, v: p.v)) }
            }
            var value = Value.vector(vec)
            if case .success(let orig) = r, case .scalar = orig.value {
                guard let first = vec.first else { return result(.failed, "range mode\(label): no value for scalar") }
                value = .scalar(t: t, v: first.v)
            }
            if let problem = compare(ev, value, start: ev.start, step: ev.step) {
                return result(.failed, "range mode\(label): \(problem)")
            }
        }
        return result(.passed)
    }

    /// nil when `r` is what the command expects, else a description of the difference.
    private func check(_ ev: Eval, _ r: Result<QueryResult, PromQLError>, start: Int64, step: Int64, query: String) -> String? {
        switch r {
        case .failure(let e):
            if ev.isFail { return checkFailure(ev, e.message) }
            return "error evaluating query: \(e.message)"
        case .success(let res):
            if ev.isFail { return "expected error evaluating query but got none (result: \(describe(res.value)))" }
            if let p = checkAnnotations(ev, res.annotations) { return p }
            return compare(ev, res.value, start: start, step: step)
        }
    }

    private func checkFailure(_ ev: Eval, _ message: String) -> String? {
        if let m = ev.failMessage, m != message { return "expected error \(goQuote(m)), but got: \(message)" }
        if let p = ev.failPattern, !Expectation(message: nil, pattern: p).matches(message) {
            return "expected error matching pattern \(goQuote(p)), but got: \(message)"
        }
        if let e = ev.expects[.fail]?.first, !e.matches(message) {
            return "expected error matching \(e.description), but got: \(message)"
        }
        return nil
    }

    private func checkAnnotations(_ ev: Eval, _ a: Annotations) -> String? {
        if ev.warn && a.warnings.isEmpty { return "expected warnings but got none" }
        if ev.info && a.infos.isEmpty { return "expected info annotations but got none" }
        for (kind, actual) in [(ExpectKind.warn, a.warnings), (.info, a.infos)] {
            guard let expected = ev.expects[kind], !expected.isEmpty else { continue }
            if actual.isEmpty { return "expected \(kind.rawValue) annotations but none were found" }
            for e in expected where !actual.contains(where: e.matches) {
                return "expected \(kind.rawValue) annotation matching \(e.description) but no matching annotation was found, found: \(actual)"
            }
            for s in actual where !expected.contains(where: { $0.matches(s) }) {
                return "unexpected \(kind.rawValue) annotation \(goQuote(s))"
            }
        }
        if ev.expects[.noWarn] != nil && !a.warnings.isEmpty { return "unexpected warning annotations: \(a.warnings)" }
        if ev.expects[.noInfo] != nil && !a.infos.isEmpty { return "unexpected info annotations: \(a.infos)" }
        return nil
    }

    /// Compares a result with the expected lines as Prometheus's runner does (values equal within
    /// a relative 1e-6, NaN equal to NaN, order only when asked for).
    private func compare(_ ev: Eval, _ value: Value, start: Int64, step: Int64) -> String? {
        var expected: [Labels: Expected] = [:]
        for e in ev.expected { expected[e.labels] = e }
        switch value {
        case .matrix(let mat):
            if ev.isOrdered { return "expected ordered result, but query returned a matrix" }
            if ev.expectScalar { return "expected scalar result, but got matrix \(describe(value))" }
            if let p = TestScript.assertSorted(mat) { return p }
            var seen = Set<Labels>()
            for s in mat {
                guard let exp = expected[s.labels] else {
                    return "unexpected metric \(s.labels.promText) in result, has \(pointsText(s.samples))"
                }
                seen.insert(s.labels)
                var want: [Sample] = []
                for (i, v) in exp.values.enumerated() {
                    let t = start + Int64(i) * step
                    if t > ev.end { return "expected \(exp.values.count) points for \(s.labels.promText), but query time range cannot return this many points" }
                    if let v { want.append(Sample(t: t, v: v)) }
                }
                if want.count != s.samples.count {
                    return "expected \(want.count) float points for \(s.labels.promText), but got \(pointsText(s.samples))"
                }
                for (w, g) in zip(want, s.samples) {
                    if w.t != g.t { return "expected timestamp \(w.t) for \(s.labels.promText), got \(g.t) (result has \(pointsText(s.samples)))" }
                    if !almostEqual(g.v, w.v) { return "expected \(fmt(w.v)) at t=\(w.t) for \(s.labels.promText), but got \(fmt(g.v)) (result has \(pointsText(s.samples)))" }
                }
            }
            for e in ev.expected where !seen.contains(e.labels) { return "expected metric \(e.labels.promText) not found" }
        case .vector(let vec):
            if ev.expectScalar { return "expected scalar result, but got vector \(describe(value))" }
            var seen = Set<Labels>()
            for (pos, el) in vec.enumerated() {
                guard let exp = expected[el.labels] else {
                    return "unexpected metric \(el.labels.promText) in result, has value \(fmt(el.v))"
                }
                if ev.isOrdered && exp.position != pos + 1 {
                    return "expected metric \(el.labels.promText) at position \(exp.position) but was at \(pos + 1)"
                }
                let want = exp.values.first.flatMap { $0 } ?? 0
                if !almostEqual(want, el.v) { return "expected \(fmt(want)) for \(el.labels.promText) but got \(fmt(el.v))" }
                seen.insert(el.labels)
            }
            for e in ev.expected where !seen.contains(e.labels) { return "expected metric \(e.labels.promText) with \(e.values.map { $0.map(fmt) ?? "_" }) not found" }
        case .scalar(_, let v):
            guard ev.expectScalar, let want = ev.expected.first?.values.first.flatMap({ $0 }) else {
                return "expected vector or matrix result, but got scalar \(fmt(v))"
            }
            if !almostEqual(want, v) { return "expected scalar \(fmt(want)) but got \(fmt(v))" }
        case .string(_, let s):
            if ev.expectedString != s { return "expected string \"\(ev.expectedString ?? "")\" but got \"\(s)\"" }
        }
        return nil
    }

    static func assertSorted(_ mat: [SeriesSamples]) -> String? {
        for i in mat.indices.dropFirst() where mat[i].labels < mat[i - 1].labels {
            return "matrix results should always be sorted by labels, but \(mat[i].labels.promText) comes after \(mat[i - 1].labels.promText)"
        }
        return nil
    }

    /// Prometheus skips the range-mode check for queries using these (they differ between modes).
    static func usesQueryContextFunctions(_ q: String) -> Bool {
        match(#"(start|end|range|step)\(\)"#, q) != nil
    }

    /// True when a selector of the query matches a series that holds native histograms.
    private func readsHistograms(_ e: Expr, _ series: [Labels]) -> Bool {
        if series.isEmpty { return false }
        var found = false
        func visit(_ e: Expr) {
            if found { return }
            if case .vectorSelector(let vs) = e {
                for s in series where vs.matchers.allSatisfy({ $0.matches(s[$0.name] ?? "") }) {
                    found = true
                    return
                }
            }
            for c in e.children { visit(c) }
        }
        visit(e)
        return found
    }

    /// The query with `@ t` on every selector and subquery that has none (not inside a subquery
    /// that has one), or nil when the query uses a function whose value depends on the evaluation
    /// time itself (then pinning changes the result).
    static func pinnedToEvalTime(_ e: Expr, at t: Int64) -> Expr? {
        let unsafe: Set<String> = ["days_in_month", "day_of_month", "day_of_week", "day_of_year", "end", "hour",
                                   "minute", "month", "year", "predict_linear", "range", "start", "step", "time", "timestamp"]
        var bad = false
        func pin(_ a: AtModifier) -> AtModifier {
            if case .timestamp = a { return a }
            return .timestamp(t)
        }
        func go(_ e: Expr, underPinnedSubquery: Bool) -> Expr {
            switch e {
            case .number, .string:
                return e
            case .vectorSelector(var vs):
                if !underPinnedSubquery { vs.at = pin(vs.at) }
                return .vectorSelector(vs)
            case .matrixSelector(var ms):
                if !underPinnedSubquery { ms.selector.at = pin(ms.selector.at) }
                return .matrixSelector(ms)
            case .subquery(var sq):
                let had: Bool
                if case .timestamp = sq.at { had = true } else { had = false }
                sq.expr = go(sq.expr, underPinnedSubquery: underPinnedSubquery || had)
                if !underPinnedSubquery { sq.at = pin(sq.at) }
                return .subquery(sq)
            case .unary(var u):
                u.expr = go(u.expr, underPinnedSubquery: underPinnedSubquery)
                return .unary(u)
            case .paren(var p):
                p.expr = go(p.expr, underPinnedSubquery: underPinnedSubquery)
                return .paren(p)
            case .binary(var b):
                b.lhs = go(b.lhs, underPinnedSubquery: underPinnedSubquery)
                b.rhs = go(b.rhs, underPinnedSubquery: underPinnedSubquery)
                return .binary(b)
            case .aggregate(var a):
                a.expr = go(a.expr, underPinnedSubquery: underPinnedSubquery)
                a.param = a.param.map { go($0, underPinnedSubquery: underPinnedSubquery) }
                return .aggregate(a)
            case .call(var c):
                if unsafe.contains(c.function.name) { bad = true }
                c.args = c.args.map { go($0, underPinnedSubquery: underPinnedSubquery) }
                return .call(c)
            }
        }
        let out = go(e, underPinnedSubquery: false)
        return bad ? nil : out
    }

    private func describe(_ v: Value) -> String {
        switch v {
        case .scalar(_, let x): return "scalar \(fmt(x))"
        case .string(_, let s): return "string \(goQuote(s))"
        case .vector(let vec): return "{" + vec.map { "\($0.labels.promText) => \(fmt($0.v))" }.joined(separator: ", ") + "}"
        case .matrix(let m): return m.map { "\($0.labels.promText) => \(pointsText($0.samples))" }.joined(separator: "; ")
        }
    }
}

/// Prometheus's `almost.Equal` with the runner's epsilon of 1e-6.
func almostEqual(_ a: Double, _ b: Double, epsilon: Double = 1e-6) -> Bool {
    if a.isStaleMarker || b.isStaleMarker { return a.isStaleMarker && b.isStaleMarker }
    if a.isNaN && b.isNaN { return true }
    if a == b { return true }
    let minNormal = Double.leastNormalMagnitude
    let absSum = abs(a) + abs(b)
    let diff = abs(a - b)
    if a == 0 || b == 0 || absSum < minNormal { return diff < epsilon * minNormal }
    return diff / min(absSum, Double.greatestFiniteMagnitude) < epsilon
}

private func fmt(_ v: Double) -> String { GoFloatFormat.formatG(v) }

private func pointsText(_ s: [Sample]) -> String {
    "\(s.count) float point\(s.count == 1 ? "" : "s") [" + s.map { "\(fmt($0.v)) @[\($0.t)]" }.joined(separator: " ") + "]"
}

extension Labels {
    /// `{__name__="a", b="c"}`, as Prometheus prints label sets in its runner's messages.
    var promText: String {
        "{" + pairs.map { "\($0.name)=\(goQuote($0.value))" }.joined(separator: ", ") + "}"
    }
}

/// A test database in a temporary directory.
final class Storage {
    let db: DB
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "promqltest-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var options = DBOptions()
        // Scripts write samples near 1970; keep everything.
        options.retention = Int64.max / 4
        var logger = Logger(label: "sextant.promqltest")
        logger.logLevel = .warning
        db = try DB(directory: directory, options: options, logger: logger)
    }

    /// Appends a `load` command's samples; returns a problem description or nil.
    func load(_ load: TestScript.Load) -> String? {
        if load.series.isEmpty { return nil }
        do {
            let refs = try db.seriesRefs(for: load.series.map(\.labels))
            var owners: [Int32] = []
            var samples: [Sample] = []
            for (k, s) in load.series.enumerated() {
                for (i, v) in s.values.enumerated() {
                    guard let v else { continue }
                    owners.append(Int32(k))
                    samples.append(Sample(t: Int64(i) * load.interval, v: v))
                }
            }
            let rejected = try db.append(refs: refs, owners: owners, samples: samples)
            if let first = rejected.first {
                return "\(rejected.count) samples rejected, first: \(first.reason)"
            }
        } catch {
            return "cannot append samples: \(error)"
        }
        return nil
    }

    func close() {
        try? db.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
