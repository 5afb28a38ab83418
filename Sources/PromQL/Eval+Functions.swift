import Foundation
import Statistics
import TSDB

extension Evaluator {
    func evalCall(_ c: Call) throws(PromQLError) -> EvalValue {
        let name = c.function.name
        let args = c.args.map(\.unwrappingParens)
        if name == "timestamp", case .vectorSelector(let vs) = args.first {
            return .series(try evalTimestampOfSelector(vs))
        }
        switch name {
        case "label_replace": return .series(try evalLabelReplace(args))
        case "label_join": return .series(try evalLabelJoin(args))
        case "info": throw Evaluator.error("info() is not supported")
        default: break
        }
        if let mi = args.firstIndex(where: { if case .matrixSelector = $0 { return true }; if case .subquery = $0 { return true }; return false }) {
            return try evalRangeFunction(c, args: args, matrixIndex: mi)
        }
        if ["sort", "sort_desc", "sort_by_label", "sort_by_label_desc"].contains(name) && !isInstant {
            state.annotations.add(.sortInRangeQuery, at: c.position)
        }
        if c.function.returnType == .scalar {
            return .scalar(try evalScalarFunction(name, args))
        }
        return .series(try evalInstantFunction(c, name: name, args: args))
    }

    // MARK: scalar-valued functions

    private func evalScalarFunction(_ name: String, _ args: [Expr]) throws(PromQLError) -> [Double] {
        let n = numSteps
        switch name {
        case "time":
            return (0..<n).map { Double(stepTime($0)) / 1000 }
        case "pi":
            return [Double](repeating: MathFunctions.pi, count: n)
        case "max_of", "min_of":
            let a = scalarValues(try eval(args[0])), b = scalarValues(try eval(args[1]))
            return (0..<n).map { name == "max_of" ? MathFunctions.goMax(a[$0], b[$0]) : MathFunctions.goMin(a[$0], b[$0]) }
        case "scalar":
            var out = [Double](repeating: .nan, count: n)
            guard case .series(let ss) = try eval(args[0]) else { return out }
            // NaN unless exactly one series has a value at the step.
            var counts = [Int](repeating: 0, count: n)
            for s in ss {
                for p in s.points {
                    let i = Int((p.t - start) / interval)
                    counts[i] += 1
                    out[i] = counts[i] == 1 ? p.v : .nan
                }
            }
            return out
        default:
            // start(), end(), range(), step() are folded into numbers before evaluation.
            throw Evaluator.error("unexpected scalar function \(name)")
        }
    }

    // MARK: instant-vector functions

    private func evalInstantFunction(_ c: Call, name: String, args: [Expr]) throws(PromQLError) -> [EvalSeries] {
        if let math = MathFunction(rawValue: name) {
            return try mapValues(args) { v in MathFunctions.evaluate(math, v) }
        }
        if let date = DateFunction(rawValue: name) {
            if args.isEmpty {
                return try rangeEval([]) { _, ts, _ throws(PromQLError) in
                    [StepSample(labels: Labels([Label]()), v: DateFunctions.evaluate(date, unixSeconds: ts / 1000), dropName: false)]
                }
            }
            return try mapValues(args) { v in DateFunctions.evaluate(date, value: v) }
        }
        switch name {
        case "round":
            return try rangeEval(args) { _, _, inputs throws(PromQLError) in
                guard case .vector(let vec) = inputs[0] else { return [] }
                var toNearest = 1.0
                if inputs.count > 1, case .scalar(let t) = inputs[1] { toNearest = t }
                return vec.map { StepSample(labels: $0.labels, v: MathFunctions.round($0.v, toNearest: toNearest), dropName: true, source: $0.source) }
            }
        case "clamp", "clamp_min", "clamp_max":
            return try rangeEval(args) { _, _, inputs throws(PromQLError) in
                guard case .vector(let vec) = inputs[0] else { return [] }
                var lo = -Double.infinity, hi = Double.infinity
                if case .scalar(let a) = inputs[1] {
                    switch name {
                    case "clamp_min": lo = a
                    case "clamp_max": hi = a
                    default:
                        lo = a
                        if case .scalar(let b) = inputs[2] { hi = b }
                    }
                }
                if hi < lo { return [] }
                return vec.map { StepSample(labels: $0.labels, v: MathFunctions.clamp($0.v, min: lo, max: hi) ?? .nan, dropName: true, source: $0.source) }
            }
        case "vector":
            return try rangeEval(args) { _, _, inputs throws(PromQLError) in
                guard case .scalar(let v) = inputs[0] else { return [] }
                return [StepSample(labels: Labels([Label]()), v: v, dropName: false)]
            }
        case "timestamp":
            return try rangeEval(args) { _, ts, inputs throws(PromQLError) in
                guard case .vector(let vec) = inputs[0] else { return [] }
                return vec.map { StepSample(labels: $0.labels, v: Double(ts) / 1000, dropName: true, source: $0.source) }
            }
        case "absent":
            let labels = Evaluator.absentLabels(args[0])
            return try rangeEval(args) { _, _, inputs throws(PromQLError) in
                if case .vector(let vec) = inputs[0], !vec.isEmpty { return [] }
                return [StepSample(labels: labels, v: 1, dropName: false)]
            }
        case "sort", "sort_desc":
            return try rangeEval(args) { _, _, inputs throws(PromQLError) in
                guard case .vector(let vec) = inputs[0], vec.count > 1 else {
                    if case .vector(let vec) = inputs[0] { return vec }
                    return []
                }
                let order = AggregationKernels.sortOrder(vec.map(\.v), descending: name == "sort_desc")
                return order.map { vec[$0] }
            }
        case "sort_by_label", "sort_by_label_desc":
            let names = args.dropFirst().compactMap { e -> String? in
                if case .string(let s) = e { return s.value }
                return nil
            }
            let desc = name == "sort_by_label_desc"
            return try rangeEval(args) { _, _, inputs throws(PromQLError) in
                guard case .vector(let vec) = inputs[0] else { return [] }
                return vec.sorted { a, b in
                    let c = Evaluator.compareByLabels(a.labels, b.labels, names)
                    return desc ? c > 0 : c < 0
                }
            }
        case "histogram_quantile", "histogram_fraction", "histogram_quantiles":
            return try evalClassicHistogramFunction(name, args)
        case "histogram_count", "histogram_sum", "histogram_avg", "histogram_stddev", "histogram_stdvar", "start_timestamp":
            // These only produce output for native histograms (or start timestamps), which this engine does not hold.
            _ = try eval(args[0])
            return []
        default:
            throw Evaluator.error("unknown function \(name)")
        }
    }

    /// Applies `f` to every float of the first argument, dropping the metric name.
    private func mapValues(_ args: [Expr], _ f: @escaping (Double) -> Double) throws(PromQLError) -> [EvalSeries] {
        guard case .series(var ss) = try eval(args[0]) else { return [] }
        for i in ss.indices {
            ss[i].dropName = true
            for j in ss[i].points.indices { ss[i].points[j].v = f(ss[i].points[j].v) }
        }
        return ss
    }

    /// sort_by_label's order: the given labels in natural order, then the whole label sets.
    static func compareByLabels(_ a: Labels, _ b: Labels, _ names: [String]) -> Int {
        for n in names {
            let x = a[n] ?? "", y = b[n] ?? ""
            if x == y { continue }
            return naturalLess(x, y) ? -1 : 1
        }
        if a == b { return 0 }
        return a < b ? -1 : 1
    }

    /// The labels `absent()` and `absent_over_time()` report: the selector's equality matchers
    /// (a label matched more than once, or by another matcher type, is left out).
    static func absentLabels(_ e: Expr) -> Labels {
        let matchers: [Matcher]
        switch e.unwrappingParens {
        case .vectorSelector(let vs): matchers = vs.matchers
        case .matrixSelector(let ms): matchers = ms.selector.matchers
        default: return Labels([Label]())
        }
        var values: [String: String] = [:]
        var has = Set<String>()
        for m in matchers where m.name != Labels.metricName {
            if m.kind == .equal && !has.contains(m.name) {
                values[m.name] = m.value
                has.insert(m.name)
            } else {
                values[m.name] = nil
            }
        }
        return Labels(values)
    }

    // MARK: range-vector functions

    /// A function over a range vector (a matrix selector or a subquery): each series' window
    /// `(ref - range, ref]` at every step goes through the kernel.
    private func evalRangeFunction(_ c: Call, args: [Expr], matrixIndex: Int) throws(PromQLError) -> EvalValue {
        let name = c.function.name
        // Other arguments are scalars (or strings), evaluated at every step.
        var scalarArgs: [[Double]] = []
        for (i, a) in args.enumerated() where i != matrixIndex {
            scalarArgs.append(a.type == .scalar ? scalarValues(try eval(a)) : [])
        }
        var sources: [(labels: Labels, samples: [Sample], dropName: Bool)] = []
        let range: Int64, offset: Int64, at: Int64?
        switch args[matrixIndex] {
        case .matrixSelector(let ms):
            range = ms.range
            offset = ms.selector.offset
            at = Evaluator.atTime(ms.selector.at)
            sources = try selectSeries(ms.selector).map { ($0.labels, $0.rangeSamples, false) }
        case .subquery(let sq):
            let r = try evalSubquery(sq)
            range = sq.range
            offset = sq.offset
            at = Evaluator.atTime(sq.at)
            sources = r.map { ($0.labels, $0.points, $0.dropName) }
        default:
            throw Evaluator.error("expected a range vector argument")
        }
        let kernel = try rangeKernel(name, args: args)
        let keepsName = name == "last_over_time" || name == "first_over_time"
        let isRateLike = name == "rate" || name == "increase"
        let n = numSteps
        var out: [EvalSeries] = []
        var anyWindow = [Bool](repeating: false, count: name == "absent_over_time" ? n : 0)
        var fullSeries = false
        let stepInvariant = at != nil && n > 1 && name != "predict_linear"
            && scalarArgs.allSatisfy { xs in xs.allSatisfy { $0.bitPattern == xs.first?.bitPattern } }
        for src in sources {
            try state.checkAlive()
            var cursor = WindowCursor()
            var points: [Sample] = []
            if stepInvariant {
                // `@` fixes the window and nothing else varies: compute once, repeat at every step.
                let ref = (at ?? start) - offset
                let w = cursor.window(src.samples, from: ref - range, to: ref)
                if !w.isEmpty, let v = try kernel(src.samples[w], ref - range, ref, start, scalarArgs.map { $0.first ?? .nan }) {
                    points = (0..<n).map { Sample(t: stepTime($0), v: v) }
                }
            }
            for step in 0..<n where !stepInvariant {
                let ts = stepTime(step)
                let ref = (at ?? ts) - offset
                let w = cursor.window(src.samples, from: ref - range, to: ref)
                if w.isEmpty { continue }
                if state.currentSamples + w.count > state.maxSamples { throw state.tooManySamples() }
                let params = scalarArgs.map { $0.isEmpty ? Double.nan : $0[step] }
                if let v = try kernel(src.samples[w], ref - range, ref, ts, params) {
                    points.append(Sample(t: ts, v: v))
                }
            }
            if name == "absent_over_time" {
                if points.count == n { fullSeries = true }
                for p in points { anyWindow[Int((p.t - start) / interval)] = true }
                continue
            }
            if points.isEmpty { continue }
            try state.hold(points.count)
            if isRateLike, let metric = src.labels.metricName, let info = RangeFunctions.nonCounterAnnotation(metricName: metric) {
                state.annotations.add(info, at: args[matrixIndex].position)
            }
            out.append(EvalSeries(labels: src.labels, points: points, dropName: !keepsName || src.dropName))
        }
        if name == "absent_over_time" {
            if fullSeries { return .series([]) }
            var points: [Sample] = []
            for step in 0..<n where !anyWindow[step] { points.append(Sample(t: stepTime(step), v: 1)) }
            if points.isEmpty { return .series([]) }
            return .series([EvalSeries(labels: Evaluator.absentLabels(args[matrixIndex]), points: points, dropName: true)])
        }
        return .series(out)
    }

    typealias RangeKernel = (_ window: ArraySlice<Sample>, _ rangeStart: Int64, _ rangeEnd: Int64, _ ts: Int64, _ params: [Double]) throws(PromQLError) -> Double?

    private func rangeKernel(_ name: String, args: [Expr]) throws(PromQLError) -> RangeKernel {
        let state = self.state
        switch name {
        case "rate": return { w, s, e, _, _ in RangeFunctions.rate(w, rangeStart: s, rangeEnd: e) }
        case "increase": return { w, s, e, _, _ in RangeFunctions.increase(w, rangeStart: s, rangeEnd: e) }
        case "delta": return { w, s, e, _, _ in RangeFunctions.delta(w, rangeStart: s, rangeEnd: e) }
        case "irate": return { w, _, _, _, _ in RangeFunctions.irate(w) }
        case "idelta": return { w, _, _, _, _ in RangeFunctions.idelta(w) }
        case "deriv": return { w, _, _, _, _ in RangeFunctions.deriv(w) }
        case "predict_linear":
            return { w, _, _, ts, p in RangeFunctions.predictLinear(w, seconds: p.first ?? .nan, evaluationTime: ts) }
        case "resets": return { w, _, _, _, _ in RangeFunctions.resets(w) }
        case "changes": return { w, _, _, _, _ in RangeFunctions.changes(w) }
        case "avg_over_time": return { w, _, _, _, _ in OverTimeFunctions.avg(w) }
        case "sum_over_time": return { w, _, _, _, _ in OverTimeFunctions.sum(w) }
        case "count_over_time": return { w, _, _, _, _ in OverTimeFunctions.count(w) }
        case "min_over_time": return { w, _, _, _, _ in OverTimeFunctions.min(w) }
        case "max_over_time": return { w, _, _, _, _ in OverTimeFunctions.max(w) }
        case "ts_of_min_over_time": return { w, _, _, _, _ in OverTimeFunctions.timestampOfMin(w) }
        case "ts_of_max_over_time": return { w, _, _, _, _ in OverTimeFunctions.timestampOfMax(w) }
        case "last_over_time": return { w, _, _, _, _ in OverTimeFunctions.last(w) }
        case "first_over_time": return { w, _, _, _, _ in OverTimeFunctions.first(w) }
        case "ts_of_last_over_time": return { w, _, _, _, _ in OverTimeFunctions.timestampOfLast(w) }
        case "ts_of_first_over_time": return { w, _, _, _, _ in OverTimeFunctions.timestampOfFirst(w) }
        case "present_over_time", "absent_over_time": return { w, _, _, _, _ in OverTimeFunctions.present(w) }
        case "stddev_over_time": return { w, _, _, _, _ in OverTimeFunctions.stddev(w) }
        case "stdvar_over_time": return { w, _, _, _, _ in OverTimeFunctions.stdvar(w) }
        case "mad_over_time": return { w, _, _, _, _ in OverTimeFunctions.mad(w) }
        case "quantile_over_time":
            let pos = args[0].position
            return { w, _, _, _, p throws(PromQLError) in
                let phi = p.first ?? .nan
                if PrometheusQuantile.isInvalidPhi(phi) { state.annotations.add(.invalidQuantile(phi), at: pos) }
                return OverTimeFunctions.quantile(phi, w)
            }
        case "double_exponential_smoothing":
            return { w, _, _, _, p throws(PromQLError) in
                try OverTimeFunctions.doubleExponentialSmoothing(w, smoothingFactor: p.count > 0 ? p[0] : .nan,
                                                                  trendFactor: p.count > 1 ? p[1] : .nan)
            }
        default:
            throw Evaluator.error("function \(name) is not supported on range vectors")
        }
    }

    // MARK: classic histograms

    /// histogram_quantile, histogram_quantiles and histogram_fraction over classic (`le`) buckets.
    private func evalClassicHistogramFunction(_ name: String, _ args: [Expr]) throws(PromQLError) -> [EvalSeries] {
        let vecIndex = name == "histogram_quantile" ? 1 : (name == "histogram_fraction" ? 2 : 0)
        let vecPos = args[vecIndex].position
        var quantileLabel = ""
        if name == "histogram_quantiles", case .string(let s) = args[1] { quantileLabel = s.value }
        return try rangeEval(args) { _, ts, inputs throws(PromQLError) in
            guard case .vector(let vec) = inputs[vecIndex] else { return [] }
            var scalars: [(Double, PositionRange)] = []
            for (i, inp) in inputs.enumerated() where i != vecIndex {
                if case .scalar(let v) = inp { scalars.append((v, args[i].position)) }
            }
            if name != "histogram_fraction" {
                for (q, pos) in scalars where PrometheusQuantile.isInvalidPhi(q) {
                    state.annotations.add(.invalidQuantile(q), at: pos)
                }
            }
            // Group buckets by the series without `le`.
            var groups: [Labels: Int] = [:]
            var metrics: [Labels] = []
            var buckets: [[ClassicBucket]] = []
            for s in vec {
                guard let le = s.labels["le"].flatMap(HistogramQuantile.parseBucketLabel) else {
                    state.annotations.add(.badBucketLabel(metricName: s.labels.metricName ?? "", le: s.labels["le"] ?? ""), at: vecPos)
                    continue
                }
                let key = s.labels.removing(["le"])
                if let g = groups[key] {
                    buckets[g].append(ClassicBucket(upperBound: le, count: s.v))
                } else {
                    groups[key] = metrics.count
                    metrics.append(key)
                    buckets.append([ClassicBucket(upperBound: le, count: s.v)])
                }
            }
            var out: [StepSample] = []
            switch name {
            case "histogram_fraction":
                let lower = scalars.count > 0 ? scalars[0].0 : .nan
                let upper = scalars.count > 1 ? scalars[1].0 : .nan
                for g in metrics.indices {
                    out.append(StepSample(labels: metrics[g], v: HistogramQuantile.bucketFraction(lower: lower, upper: upper, buckets: &buckets[g]), dropName: true))
                }
            default:
                for (q, _) in scalars {
                    for g in metrics.indices {
                        var b = buckets[g]
                        let r = HistogramQuantile.bucketQuantile(q, buckets: &b)
                        if r.forcedMonotonicity {
                            state.annotations.addMonotonicity(MonotonicityInfo(metricName: metrics[g].metricName ?? "", timestamp: ts, result: r), at: vecPos)
                        }
                        var labels = metrics[g]
                        if name == "histogram_quantiles" { labels = labels.setting(quantileLabel, openMetricsFloat(q)) }
                        out.append(StepSample(labels: labels, v: r.value, dropName: true))
                    }
                }
            }
            return out
        }
    }

    // MARK: label_replace / label_join

    private func evalLabelReplace(_ args: [Expr]) throws(PromQLError) -> [EvalSeries] {
        let dst = stringArg(args[1]), repl = stringArg(args[2]), src = stringArg(args[3]), pattern = stringArg(args[4])
        let regex: AnchoredRegex
        do {
            regex = try AnchoredRegex(pattern)
        } catch {
            throw Evaluator.error("invalid regular expression in label_replace(): \(pattern)")
        }
        if !Evaluator.isValidLabelName(dst) {
            throw Evaluator.error("invalid destination label name in label_replace(): \(dst)")
        }
        guard case .series(var ss) = try eval(args[0]) else { return [] }
        for i in ss.indices {
            guard let replaced = regex.expand(repl, matching: ss[i].labels[src] ?? "") else { continue }
            ss[i].labels = ss[i].labels.setting(dst, replaced)
            if dst == Labels.metricName { ss[i].dropName = false }
        }
        return try mergeSameLabelsets(ss)
    }

    private func evalLabelJoin(_ args: [Expr]) throws(PromQLError) -> [EvalSeries] {
        let dst = stringArg(args[1]), sep = stringArg(args[2])
        let srcs = args.dropFirst(3).map(stringArg)
        for s in srcs where !Evaluator.isValidLabelName(s) {
            throw Evaluator.error("invalid source label name in label_join(): \(s)")
        }
        if !Evaluator.isValidLabelName(dst) {
            throw Evaluator.error("invalid destination label name in label_join(): \(dst)")
        }
        guard case .series(var ss) = try eval(args[0]) else { return [] }
        for i in ss.indices {
            let joined = srcs.map { ss[i].labels[$0] ?? "" }.joined(separator: sep)
            ss[i].labels = ss[i].labels.setting(dst, joined)
            if dst == Labels.metricName { ss[i].dropName = false }
        }
        return try mergeSameLabelsets(ss)
    }

    private func stringArg(_ e: Expr) -> String {
        if case .string(let s) = e.unwrappingParens { return s.value }
        return ""
    }

    /// UTF-8 label names: any non-empty valid string (invalid bytes decode to U+FFFD).
    static func isValidLabelName(_ s: String) -> Bool {
        !s.isEmpty && !s.unicodeScalars.contains("\u{FFFD}")
    }
}

/// Prometheus's `labels.FormatOpenMetricsFloat` (quantile label values): integral values get ".0".
func openMetricsFloat(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
    let s = GoFloatFormat.formatG(v)
    if v == v.rounded(.down) && !s.contains(".") && !s.contains("e") { return s + ".0" }
    return s
}

/// facette/natsort's Compare, which Prometheus's sort_by_label uses: digit runs compare as numbers
/// (leading zeros skipped), everything else byte by byte.
func naturalLess(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    var pa = 0, pb = 0
    func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    while true {
        if x.count <= pa { return y.count > pb }
        if y.count <= pb { return false }
        var av = x[pa], bv = y[pb]
        if isDigit(av) && isDigit(bv) {
            var la = 1, lb = 1
            while pa + la < x.count {
                let c = x[pa + la]
                if av == 48 {
                    pa += 1
                    av = c
                    continue
                }
                if isDigit(c) { la += 1 } else { break }
            }
            while pb + lb < y.count {
                let c = y[pb + lb]
                if bv == 48 {
                    pb += 1
                    bv = c
                    continue
                }
                if isDigit(c) { lb += 1 } else { break }
            }
            if lb > la { return true }
            if la > lb { return false }
            let sa = x[pa..<(pa + la)], sb = y[pb..<(pb + lb)]
            if sa.lexicographicallyPrecedes(sb) { return true }
            if sb.lexicographicallyPrecedes(sa) { return false }
            pa += la
            pb += lb
            continue
        }
        if av == bv {
            pa += 1
            pb += 1
            continue
        }
        return av < bv
    }
}
