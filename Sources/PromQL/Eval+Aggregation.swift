import Foundation
import TSDB

/// The parameter of topk/bottomk/limitk/limit_ratio/quantile, evaluated at every step, with the
/// extremes Prometheus checks once for the whole range (NaN-propagating, like Go's math.Max/Min).
struct AggregationParam {
    var values: [Double]
    var minValue: Double = 0
    var maxValue: Double = 0
    var hasNaN = false

    init(values: [Double], constant: Bool) {
        self.values = values
        guard let first = values.first else { return }
        if constant {
            minValue = first
            maxValue = first
            hasNaN = first.isNaN
            return
        }
        minValue = Double.greatestFiniteMagnitude
        maxValue = -Double.greatestFiniteMagnitude
        for v in values {
            maxValue = MathFunctions.goMax(maxValue, v)
            minValue = MathFunctions.goMin(minValue, v)
            if v.isNaN { hasNaN = true }
        }
    }

    subscript(step: Int) -> Double { step < values.count ? values[step] : 0 }
}

extension Evaluator {
    func evalAggregate(_ a: AggregateExpr) throws(PromQLError) -> EvalValue {
        let grouping = a.grouping.sorted()
        if a.op == .countValues {
            return .series(try evalCountValues(a, grouping: grouping))
        }
        var param: AggregationParam?
        if let p = a.param {
            let unwrapped = p.unwrappingParens
            var constant = false
            if case .number = unwrapped { constant = true }
            param = AggregationParam(values: scalarValues(try eval(unwrapped)), constant: constant)
        }
        guard case .series(let input) = try eval(a.expr) else { return .series([]) }

        // Map input series to groups once; labels do not change between steps.
        var groupIndex: [Labels: Int] = [:]
        var groupLabels: [Labels] = []
        var seriesGroup = [Int](repeating: 0, count: input.count)
        let isK = [.topk, .bottomk, .limitk, .limitRatio].contains(a.op)
        for (i, s) in input.enumerated() {
            let key = a.without ? s.labels.removing(grouping + [Labels.metricName]) : s.labels.keeping(grouping)
            if let g = groupIndex[key] {
                seriesGroup[i] = g
            } else {
                seriesGroup[i] = groupLabels.count
                groupIndex[key] = groupLabels.count
                groupLabels.append(key)
            }
        }
        if isK {
            return .series(try aggregateK(a, param: param ?? AggregationParam(values: [], constant: true),
                                          input: input, seriesGroup: seriesGroup, groupCount: groupLabels.count))
        }
        if a.op == .quantile, let param {
            let pos = a.param?.position
            if param.hasNaN { state.annotations.add(.invalidQuantile(.nan), at: pos) }
            if param.maxValue > 1 { state.annotations.add(.invalidQuantile(param.maxValue), at: pos) }
            if param.minValue < 0 { state.annotations.add(.invalidQuantile(param.minValue), at: pos) }
        }
        return .series(try aggregate(a.op, q: param, input: input, seriesGroup: seriesGroup, groupLabels: groupLabels))
    }

    private func aggregate(_ op: AggregationOp, q: AggregationParam?, input: [EvalSeries], seriesGroup: [Int],
                           groupLabels: [Labels]) throws(PromQLError) -> [EvalSeries] {
        guard let kernelOp = AggregationOperator(rawValue: op.rawValue) else {
            throw Evaluator.error("unsupported aggregation \(op.rawValue)")
        }
        var groups = [FloatAggregator?](repeating: nil, count: groupLabels.count)
        var dropName = [Bool](repeating: false, count: groupLabels.count)
        var out = groupLabels.map { EvalSeries(labels: $0, points: [], dropName: false) }
        // Every input point in one flat array with per-series bounds, so the step loop reads
        // plain memory instead of copying (and retaining) each series at every step.
        var flat: [Sample] = []
        flat.reserveCapacity(input.reduce(0) { $0 + $1.points.count })
        var ends = [Int](repeating: 0, count: input.count)
        for (si, s) in input.enumerated() {
            flat.append(contentsOf: s.points)
            ends[si] = flat.count
        }
        var cursors = [Int](repeating: 0, count: input.count)
        for si in input.indices.dropFirst() { cursors[si] = ends[si - 1] }
        let seriesDropName = input.map(\.dropName)
        for step in 0..<numSteps {
            try state.checkAlive()
            let ts = stepTime(step)
            for g in groups.indices { groups[g] = nil }
            for si in 0..<ends.count {
                let c = cursors[si]
                guard c < ends[si], flat[c].t == ts else { continue }
                cursors[si] = c + 1
                let gi = seriesGroup[si]
                if groups[gi] == nil {
                    groups[gi] = FloatAggregator(kernelOp, first: flat[c].v)
                    dropName[gi] = seriesDropName[si]
                } else {
                    groups[gi]!.add(flat[c].v)
                    if seriesDropName[si] { dropName[gi] = true }
                }
            }
            var produced = 0
            for gi in groups.indices {
                guard var g = groups[gi] else { continue }
                out[gi].points.append(Sample(t: ts, v: g.result(parameter: q?[step] ?? .nan)))
                out[gi].dropName = dropName[gi]
                produced += 1
            }
            try state.hold(produced)
        }
        return out.filter { !$0.points.isEmpty }
    }

    // MARK: topk, bottomk, limitk, limit_ratio

    private func aggregateK(_ a: AggregateExpr, param: AggregationParam, input: [EvalSeries], seriesGroup: [Int],
                            groupCount: Int) throws(PromQLError) -> [EvalSeries] {
        let op = a.op
        switch op {
        case .limitRatio:
            if param.maxValue == 0 && param.minValue == 0 { return [] }
            if param.hasNaN { throw Evaluator.error("Ratio value is NaN") }
            if param.maxValue > 1 { state.annotations.add(.invalidRatio(param.maxValue, cappedTo: 1), at: a.param?.position) }
            if param.minValue < -1 { state.annotations.add(.invalidRatio(param.minValue, cappedTo: -1), at: a.param?.position) }
        default:
            if param.maxValue < 1 { return [] }
            if param.hasNaN { throw Evaluator.error("Parameter value is NaN") }
            if param.minValue <= -9.223372036854775808e18 {
                throw Evaluator.error("Scalar value \(GoFloatFormat.formatG(param.minValue)) underflows int64")
            }
            if param.maxValue >= 9.223372036854775808e18 {
                throw Evaluator.error("Scalar value \(GoFloatFormat.formatG(param.maxValue)) overflows int64")
            }
        }
        var heaps = [[StepSample]](repeating: [], count: groupCount)
        var seen = [Bool](repeating: false, count: groupCount)
        var cursors = [Int](repeating: 0, count: input.count)
        var out: [EvalSeries] = []
        var index: [Labels: Int] = [:]
        let offsets: [Double] = op == .limitRatio ? input.map { Double($0.labels.promHash) / Double(UInt64.max) } : []

        for step in 0..<numSteps {
            try state.checkAlive()
            let ts = stepTime(step)
            let fParam = param[step]
            for g in 0..<groupCount {
                heaps[g].removeAll(keepingCapacity: true)
                seen[g] = false
            }
            var k = 0
            var ratio = 0.0
            var skipStep = false
            switch op {
            case .limitRatio:
                if fParam == 0 { skipStep = true }
                ratio = max(-1, min(1, fParam))
            default:
                k = AggregationKernels.kLimit(parameter: fParam, inputSeriesCount: input.count)
                if k < 1 { skipStep = true }
            }
            var vec: [(StepSample, Int)] = []
            for (si, s) in input.enumerated() {
                let c = cursors[si]
                guard c < s.points.count, s.points[c].t == ts else { continue }
                cursors[si] = c + 1
                vec.append((StepSample(labels: s.labels, v: s.points[c].v, dropName: s.dropName, source: si), seriesGroup[si]))
            }
            if skipStep { continue }
            for (s, gi) in vec {
                switch op {
                case .limitRatio:
                    let off = offsets[s.source]
                    if (ratio >= 0 && off < ratio) || (ratio < 0 && off >= 1 + ratio) {
                        heapPush(&heaps[gi], s, less: Evaluator.valueLess)
                    }
                    seen[gi] = true
                case .limitk:
                    if !seen[gi] {
                        seen[gi] = true
                        heaps[gi] = [s]
                    } else if heaps[gi].count < k {
                        heapPush(&heaps[gi], s, less: Evaluator.valueLess)
                    }
                default:
                    // topk/bottomk: collect the group's values in input order; the kernel picks.
                    seen[gi] = true
                    heaps[gi].append(s)
                }
            }
            var result: [StepSample] = []
            for gi in 0..<groupCount where seen[gi] {
                let h = heaps[gi]
                if op == .topk || op == .bottomk {
                    let chosen = AggregationKernels.topK(h.map(\.v), k: k, bottom: op == .bottomk)
                    for i in chosen { result.append(h[i]) }
                } else {
                    result.append(contentsOf: h)
                }
            }
            try state.hold(result.count)
            if isInstant {
                return result.map { EvalSeries(labels: $0.labels, points: [Sample(t: ts, v: $0.v)], dropName: $0.dropName) }
            }
            for r in result {
                if let i = index[r.labels] {
                    out[i].points.append(Sample(t: ts, v: r.v))
                } else {
                    index[r.labels] = out.count
                    out.append(EvalSeries(labels: r.labels, points: [Sample(t: ts, v: r.v)], dropName: r.dropName))
                }
            }
        }
        return out
    }

    /// Prometheus's vectorByValueHeap order: NaN first, then ascending.
    static func valueLess(_ a: StepSample, _ b: StepSample) -> Bool {
        if a.v.isNaN { return true }
        return a.v < b.v
    }

    // MARK: count_values

    private func evalCountValues(_ a: AggregateExpr, grouping: [String]) throws(PromQLError) -> [EvalSeries] {
        guard case .string(let lit)? = a.param?.unwrappingParens else {
            throw Evaluator.error("count_values needs a string parameter")
        }
        let valueLabel = lit.value
        if valueLabel.isEmpty || valueLabel.unicodeScalars.contains("\u{FFFD}") {
            throw Evaluator.error("invalid label name \(state.sourceText(lit.position) ?? goQuote(valueLabel))")
        }
        var grouping = grouping
        if !a.without {
            grouping.append(valueLabel)
            grouping.sort()
        }
        let without = a.without
        return try rangeEval([a.expr]) { _, _, inputs throws(PromQLError) in
            guard case .vector(let vec) = inputs[0] else { return [] }
            var counts: [Labels: Int] = [:]
            var order: [Labels] = []
            for s in vec {
                let metric = s.labels.setting(valueLabel, GoFloatFormat.formatF(s.v))
                let key = without ? metric.removing(grouping + [Labels.metricName]) : metric.keeping(grouping)
                if let c = counts[key] {
                    counts[key] = c + 1
                } else {
                    counts[key] = 1
                    order.append(key)
                }
            }
            return order.map { StepSample(labels: $0, v: Double(counts[$0] ?? 0), dropName: false) }
        }
    }
}

/// Go's container/heap push with `less` (a min-heap under `less`), reproducing its element order.
func heapPush<T>(_ h: inout [T], _ x: T, less: (T, T) -> Bool) {
    h.append(x)
    var j = h.count - 1
    while j > 0 {
        let i = (j - 1) / 2
        if !less(h[j], h[i]) { break }
        h.swapAt(i, j)
        j = i
    }
}

