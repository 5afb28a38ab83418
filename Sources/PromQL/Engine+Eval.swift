import TSDB

/// One series of an intermediate result: an instant vector evaluated over all steps (one point per
/// step where it has a value) or a range vector (raw points).
struct EvalSeries {
    var labels: Labels
    var points: [Sample]
    /// Delayed name removal: the metric name is dropped when the final result is built.
    var dropName: Bool
}

/// The value of an expression over all steps of an evaluation.
enum EvalValue {
    case series([EvalSeries])
    /// One value per step.
    case scalar([Double])
    case string(String)
}

/// One element of an instant vector at one step.
struct StepSample {
    var labels: Labels
    var v: Double
    var dropName: Bool
    /// Index of the input series it came from (used for vector matching signatures).
    var source: Int = 0
}

/// State shared by the evaluators of one query (the top one, subqueries'): limits, data, annotations.
final class QueryState {
    let querier: Querier
    let lookback: Int64
    let maxSamples: Int
    let defaultSubqueryStep: Int64
    let deadline: ContinuousClock.Instant
    var currentSamples = 0
    var annotations = AnnotationSet()
    var selected: [String: [SelectedSeries]] = [:]
    private var checks = 0

    /// The query text, for error messages that quote it.
    let query: String

    init(querier: Querier, options: EngineOptions, query: String) {
        self.querier = querier
        self.query = query
        self.lookback = options.lookbackDelta
        self.maxSamples = options.maxSamples
        self.defaultSubqueryStep = options.defaultSubqueryStep
        self.deadline = ContinuousClock.now.advanced(by: options.timeout)
    }

    /// Fails when the query was canceled or ran out of time. Cheap enough for inner loops.
    @inline(__always)
    func checkAlive() throws(PromQLError) {
        checks &+= 1
        if checks & 63 != 0 { return }
        try checkNow()
    }

    func checkNow() throws(PromQLError) {
        if Task.isCancelled {
            throw PromQLError(.canceled, "query was canceled in expression evaluation")
        }
        if ContinuousClock.now > deadline {
            throw PromQLError(.timeout, "query timed out in expression evaluation")
        }
    }

    /// The text of the query at `position`, if the query text is known.
    func sourceText(_ position: PositionRange) -> String? {
        let scalars = Array(query.unicodeScalars)
        guard position.start >= 0, position.end <= scalars.count, position.start < position.end else { return nil }
        var s = ""
        s.unicodeScalars.append(contentsOf: scalars[position.start..<position.end])
        return s
    }

    /// Accounts `n` more samples held in memory.
    @inline(__always)
    func hold(_ n: Int) throws(PromQLError) {
        currentSamples += n
        if currentSamples > maxSamples { throw tooManySamples() }
    }

    func release(_ n: Int) { currentSamples -= n }

    func tooManySamples() -> PromQLError {
        PromQLError(.tooManySamples, "query processing would load too many samples into memory in query execution")
    }
}

/// Evaluates expressions at the steps `start, start+interval, ... <= end` (ms). An instant query is a
/// single step. Every node yields its value at all steps at once, so storage is read once per selector
/// and steps are walked with moving indexes.
struct Evaluator {
    let start: Int64
    let end: Int64
    let interval: Int64
    let state: QueryState

    var numSteps: Int { Int((end - start) / interval) + 1 }
    var isInstant: Bool { start == end }

    @inline(__always) func stepTime(_ i: Int) -> Int64 { start + Int64(i) * interval }

    func child(start: Int64, end: Int64, interval: Int64) -> Evaluator {
        Evaluator(start: start, end: end, interval: interval, state: state)
    }

    static func error(_ message: String) -> PromQLError { PromQLError(.execution, message) }

    /// Evaluates `e` at every step. Afterwards the samples its sub-expressions held are released
    /// and only its own result counts against `maxSamples` (as Prometheus accounts them).
    func eval(_ e: Expr) throws(PromQLError) -> EvalValue {
        try state.checkNow()
        if end < start { return .series([]) }
        let before = state.currentSamples
        let v = try evalNode(e)
        state.currentSamples = before
        switch v {
        case .series(let ss): try state.hold(ss.reduce(0) { $0 + $1.points.count })
        case .scalar(let xs): try state.hold(xs.count)
        case .string: break
        }
        return v
    }

    private func evalNode(_ e: Expr) throws(PromQLError) -> EvalValue {
        switch e {
        case .number(let n):
            return .scalar([Double](repeating: n.value, count: numSteps))
        case .string(let s):
            return .string(s.value)
        case .paren(let p):
            return try eval(p.expr)
        case .unary(let u):
            let v = try eval(u.expr)
            guard u.op == .minus else { return v }
            switch v {
            case .scalar(let xs): return .scalar(xs.map { -$0 })
            case .series(var ss):
                for i in ss.indices {
                    ss[i].dropName = true
                    for j in ss[i].points.indices { ss[i].points[j].v = -ss[i].points[j].v }
                }
                // Series still differ by name here; they merge when the name is dropped at the end.
                return .series(ss)
            case .string: return v
            }
        case .vectorSelector(let vs):
            return .series(try evalVectorSelector(vs))
        case .matrixSelector(let ms):
            return .series(try evalMatrixSelector(ms))
        case .subquery(let sq):
            return .series(try evalSubquery(sq))
        case .binary(let b):
            return try evalBinary(b)
        case .aggregate(let a):
            return try evalAggregate(a)
        case .call(let c):
            return try evalCall(c)
        }
    }

    // MARK: step-wise driver

    /// Inputs of `rangeEval`: per argument either the series with a cursor, a scalar or nothing.
    enum StepInput {
        case vector([StepSample])
        case scalar(Double)
        case none
    }

    /// Evaluates `args`, then calls `body` once per step with each argument's value at that step
    /// (instant vectors as `[StepSample]`, scalars as a number) and assembles the returned vectors
    /// into series. Mirrors Prometheus's `rangeEval`, including its "same labelset" check.
    func rangeEval(_ args: [Expr?], body: (_ step: Int, _ ts: Int64, _ inputs: [StepInput]) throws(PromQLError) -> [StepSample]) throws(PromQLError) -> [EvalSeries] {
        var values: [EvalValue?] = []
        for a in args {
            if let a, a.type != .string { values.append(try eval(a)) } else { values.append(nil) }
        }
        return try rangeEval(values: values, body: body)
    }

    func rangeEval(values: [EvalValue?], body: (_ step: Int, _ ts: Int64, _ inputs: [StepInput]) throws(PromQLError) -> [StepSample]) throws(PromQLError) -> [EvalSeries] {
        var cursors: [[Int]] = values.map { v in
            if case .series(let ss)? = v { return [Int](repeating: 0, count: ss.count) }
            return []
        }
        var inputs = [StepInput](repeating: .none, count: values.count)
        var out: [EvalSeries] = []
        var index: [Labels: Int] = [:]
        var lastBySource: [(labels: Labels, out: Int)?] = []
        let n = numSteps
        for step in 0..<n {
            try state.checkAlive()
            let ts = stepTime(step)
            for (i, v) in values.enumerated() {
                switch v {
                case .series(let ss)?:
                    var vec: [StepSample] = []
                    vec.reserveCapacity(ss.count)
                    for (si, s) in ss.enumerated() {
                        let c = cursors[i][si]
                        if c < s.points.count && s.points[c].t == ts {
                            vec.append(StepSample(labels: s.labels, v: s.points[c].v, dropName: s.dropName, source: si))
                            cursors[i][si] = c + 1
                        }
                    }
                    inputs[i] = .vector(vec)
                case .scalar(let xs)?:
                    inputs[i] = .scalar(xs[step])
                case .string?, nil:
                    inputs[i] = .none
                }
            }
            let result = try body(step, ts, inputs)
            try state.hold(result.count)
            if isInstant {
                return result.map { EvalSeries(labels: $0.labels, points: [Sample(t: ts, v: $0.v)], dropName: $0.dropName) }
            }
            for r in result {
                // A result usually keeps its source's label set from step to step, and equal
                // labels sharing storage compare by identity: try the source's last series
                // before hashing the label set.
                if r.source < lastBySource.count, let hit = lastBySource[r.source], hit.labels == r.labels {
                    if out[hit.out].points.last?.t == ts {
                        throw Evaluator.error("vector cannot contain metrics with the same labelset")
                    }
                    out[hit.out].points.append(Sample(t: ts, v: r.v))
                    continue
                }
                if r.source >= lastBySource.count {
                    lastBySource.append(contentsOf: repeatElement(nil, count: r.source + 1 - lastBySource.count))
                }
                if let k = index[r.labels] {
                    lastBySource[r.source] = (r.labels, k)
                    if out[k].points.last?.t == ts {
                        throw Evaluator.error("vector cannot contain metrics with the same labelset")
                    }
                    out[k].points.append(Sample(t: ts, v: r.v))
                } else {
                    lastBySource[r.source] = (r.labels, out.count)
                    index[r.labels] = out.count
                    var pts: [Sample] = []
                    pts.reserveCapacity(n - step)
                    pts.append(Sample(t: ts, v: r.v))
                    out.append(EvalSeries(labels: r.labels, points: pts, dropName: r.dropName))
                }
            }
        }
        return out
    }

    /// The scalar value of an evaluated scalar expression at every step.
    func scalarValues(_ v: EvalValue) -> [Double] {
        switch v {
        case .scalar(let xs): return xs
        case .series(let ss):
            // A scalar evaluated through a generic path: one unlabeled series.
            var out = [Double](repeating: .nan, count: numSteps)
            if let s = ss.first {
                for p in s.points { out[Int((p.t - start) / interval)] = p.v }
            }
            return out
        case .string: return [Double](repeating: .nan, count: numSteps)
        }
    }

    // MARK: delayed name removal

    /// Drops the metric name (and type/unit) where flagged, then merges series that now share a
    /// label set; overlapping points are an error, as in Prometheus.
    func cleanupMetricLabels(_ ss: [EvalSeries]) throws(PromQLError) -> [EvalSeries] {
        var out = ss
        for i in out.indices where out[i].dropName {
            out[i].labels = out[i].labels.droppingMetadata
            out[i].dropName = false
        }
        return try mergeSameLabelsets(out)
    }

    /// Merges series with equal label sets whose points do not overlap (Prometheus's
    /// `mergeSeriesWithSameLabelset`); keeps the order of first appearance.
    func mergeSameLabelsets(_ ss: [EvalSeries]) throws(PromQLError) -> [EvalSeries] {
        if ss.count <= 1 { return ss }
        var seen = Set<Labels>()
        seen.reserveCapacity(ss.count)
        var dup = false
        for s in ss where !seen.insert(s.labels).inserted { dup = true; break }
        if !dup { return ss }
        var index: [Labels: Int] = [:]
        var out: [EvalSeries] = []
        for s in ss {
            if let k = index[s.labels] {
                var merged = out[k].points + s.points
                merged.sort { $0.t < $1.t }
                for i in merged.indices.dropFirst() where merged[i].t == merged[i - 1].t {
                    throw Evaluator.error("vector cannot contain metrics with the same labelset")
                }
                out[k].points = merged
                out[k].dropName = out[k].dropName || s.dropName
            } else {
                index[s.labels] = out.count
                out.append(s)
            }
        }
        return out
    }
}
