import Foundation
import TSDB

extension Evaluator {
    func evalBinary(_ b: BinaryExpr) throws(PromQLError) -> EvalValue {
        let lt = b.lhs.type, rt = b.rhs.type
        if lt == .scalar && rt == .scalar {
            let l = scalarValues(try eval(b.lhs)), r = scalarValues(try eval(b.rhs))
            var out = [Double](repeating: 0, count: numSteps)
            for i in out.indices { out[i] = Evaluator.scalarBinop(b.op, l[i], r[i]) }
            return .scalar(out)
        }
        if lt == .vector && rt == .vector {
            let matching = b.matching ?? VectorMatching(card: b.op.isSetOperator ? .manyToMany : .oneToOne)
            return .series(try evalVectorBinary(b, matching: matching))
        }
        // Vector and scalar, in either order.
        let swap = lt == .scalar
        let vecExpr = swap ? b.rhs : b.lhs
        let scaExpr = swap ? b.lhs : b.rhs
        guard case .series(var series) = try eval(vecExpr) else { return .series([]) }
        let scalars = scalarValues(try eval(scaExpr))
        let op = b.op
        let returnBool = b.returnBool
        let dropsName = Evaluator.changesMetricSchema(op) || returnBool
        // Labels are unchanged, so each series maps onto itself: no per-step regrouping needed.
        var out: [EvalSeries] = []
        out.reserveCapacity(series.count)
        for i in series.indices {
            try state.checkAlive()
            var pts = series[i].points
            var kept = 0
            for j in pts.indices {
                let p = pts[j]
                let s = scalars[Int((p.t - start) / interval)]
                var l = p.v, r = s
                if swap { swap2(&l, &r) }
                var (value, keep) = Evaluator.vectorElemBinop(op, l, r)
                // A scalar on the left of a comparison still filters the vector's values.
                if op.isComparison && swap { value = r }
                if returnBool {
                    value = keep ? 1 : 0
                    keep = true
                }
                if keep {
                    pts[kept] = Sample(t: p.t, v: value)
                    kept += 1
                }
            }
            if kept == 0 { continue }
            pts.removeLast(pts.count - kept)
            series[i].points = pts
            if dropsName { series[i].dropName = true }
            out.append(series[i])
        }
        return .series(out)
    }

    static func changesMetricSchema(_ op: BinaryOp) -> Bool {
        switch op {
        case .add, .sub, .mul, .div, .mod, .pow, .atan2: return true
        default: return false
        }
    }

    static func scalarBinop(_ op: BinaryOp, _ l: Double, _ r: Double) -> Double {
        switch op {
        case .add: return l + r
        case .sub: return l - r
        case .mul: return l * r
        case .div: return l / r
        case .pow: return goPow(l, r)
        case .mod: return fmod(l, r)
        case .atan2: return atan2(l, r)
        case .eql: return l == r ? 1 : 0
        case .neq: return l != r ? 1 : 0
        case .gtr: return l > r ? 1 : 0
        case .lss: return l < r ? 1 : 0
        case .gte: return l >= r ? 1 : 0
        case .lte: return l <= r ? 1 : 0
        case .and, .or, .unless: return .nan
        }
    }

    /// The value and whether to keep the element, for one pair of floats.
    static func vectorElemBinop(_ op: BinaryOp, _ l: Double, _ r: Double) -> (Double, Bool) {
        switch op {
        case .add: return (l + r, true)
        case .sub: return (l - r, true)
        case .mul: return (l * r, true)
        case .div: return (l / r, true)
        case .pow: return (goPow(l, r), true)
        case .mod: return (fmod(l, r), true)
        case .atan2: return (atan2(l, r), true)
        case .eql: return (l, l == r)
        case .neq: return (l, l != r)
        case .gtr: return (l, l > r)
        case .lss: return (l, l < r)
        case .gte: return (l, l >= r)
        case .lte: return (l, l <= r)
        case .and, .or, .unless: return (l, false)
        }
    }

    // MARK: vector / vector

    /// Join signatures: series with equal signatures on the two sides match.
    private func signatures(_ lhs: [EvalSeries], _ rhs: [EvalSeries], _ m: VectorMatching) -> (l: [Int], r: [Int], count: Int) {
        var ids: [Labels: Int] = [:]
        func sig(_ labels: Labels) -> Int {
            let key = labels.matching(on: m.on, m.matchingLabels)
            if let k = ids[key] { return k }
            let k = ids.count
            ids[key] = k
            return k
        }
        let l = lhs.map { sig($0.labels) }
        let r = rhs.map { sig($0.labels) }
        return (l, r, ids.count)
    }

    func evalVectorBinary(_ b: BinaryExpr, matching m: VectorMatching) throws(PromQLError) -> [EvalSeries] {
        guard case .series(let lhs) = try eval(b.lhs), case .series(let rhs) = try eval(b.rhs) else { return [] }
        let (lsig, rsig, numSigs) = signatures(lhs, rhs, m)
        var present = [Bool](repeating: false, count: numSigs)
        switch b.op {
        case .and, .or, .unless:
            let op = b.op
            return try rangeEval(values: [.series(lhs), .series(rhs)]) { _, _, inputs throws(PromQLError) in
                guard case .vector(let l) = inputs[0], case .vector(let r) = inputs[1] else { return [] }
                switch op {
                case .and:
                    if l.isEmpty || r.isEmpty { return [] }
                    for i in present.indices { present[i] = false }
                    for s in r { present[rsig[s.source]] = true }
                    return l.filter { present[lsig[$0.source]] }
                case .or:
                    if l.isEmpty { return r }
                    if r.isEmpty { return l }
                    for i in present.indices { present[i] = false }
                    for s in l { present[lsig[s.source]] = true }
                    return l + r.filter { !present[rsig[$0.source]] }
                default:
                    if l.isEmpty || r.isEmpty { return l }
                    for i in present.indices { present[i] = false }
                    for s in r { present[rsig[s.source]] = true }
                    return l.filter { !present[lsig[$0.source]] }
                }
            }
        default:
            return try vectorBinop(b, m, lhs, rhs, lsig, rsig, numSigs)
        }
    }

    private func vectorBinop(_ b: BinaryExpr, _ m: VectorMatching, _ lhsSeries: [EvalSeries], _ rhsSeries: [EvalSeries],
                             _ lsig: [Int], _ rsig: [Int], _ numSigs: Int) throws(PromQLError) -> [EvalSeries] {
        let op = b.op
        let returnBool = b.returnBool
        let oneToMany = m.card == .oneToMany
        var rightSigs = [StepSample?](repeating: nil, count: numSigs)
        var matchedOne = [Bool](repeating: false, count: numSigs)
        var matchedMany = [Set<Labels>?](repeating: nil, count: numSigs)
        // A step sample's labels are its source series', so the result metric of a pair is fixed
        // by the pair of sources: remember the last one per left source (a left series matches
        // one right series per step, nearly always the same one) instead of hashing label sets.
        let leftCount = oneToMany ? rhsSeries.count : lhsSeries.count
        var metricCache = [(right: Int, metric: Labels)?](repeating: nil, count: leftCount)

        func resultMetric(_ ls: StepSample, _ rs: StepSample) -> Labels {
            if let hit = metricCache[ls.source], hit.right == rs.source { return hit.metric }
            let l = ls.labels, r = rs.labels
            var res = l
            if Evaluator.changesMetricSchema(op) { res = res.droppingMetadata }
            if m.card == .oneToOne {
                res = m.on ? res.keeping(m.matchingLabels) : res.removing(m.matchingLabels)
            }
            for name in m.include {
                res = res.setting(name, r[name] ?? "")
            }
            metricCache[ls.source] = (rs.source, res)
            return res
        }

        return try rangeEval(values: [.series(lhsSeries), .series(rhsSeries)]) { _, _, inputs throws(PromQLError) in
            guard case .vector(var lhs) = inputs[0], case .vector(var rhs) = inputs[1] else { return [] }
            if lhs.isEmpty || rhs.isEmpty { return [] }
            var lsigOf = lsig, rsigOf = rsig
            if oneToMany {
                swap2(&lhs, &rhs)
                swap2(&lsigOf, &rsigOf)
            }
            for i in rightSigs.indices { rightSigs[i] = nil }
            for rs in rhs {
                let sig = rsigOf[rs.source]
                if let dupl = rightSigs[sig] {
                    let matched = rs.labels.matching(on: m.on, m.matchingLabels)
                    var d1 = rs.labels.promString, d2 = dupl.labels.promString
                    if d1 > d2 { swap2(&d1, &d2) }
                    throw Evaluator.error("found duplicate series for the match group \(matched.promString) on the \(oneToMany ? "left" : "right") hand-side of the operation: [\(d1), \(d2)];many-to-many matching not allowed: matching labels must be unique on one side")
                }
                rightSigs[sig] = rs
            }
            if m.card == .oneToOne {
                for i in matchedOne.indices { matchedOne[i] = false }
            } else {
                for i in matchedMany.indices { matchedMany[i] = nil }
            }
            var out: [StepSample] = []
            for ls in lhs {
                let sig = lsigOf[ls.source]
                guard let rs = rightSigs[sig] else { continue }
                var fl = ls.v, fr = rs.v
                if oneToMany { swap2(&fl, &fr) }
                var (value, keep) = Evaluator.vectorElemBinop(op, fl, fr)
                if returnBool {
                    value = keep ? 1 : 0
                }
                let metric = resultMetric(ls, rs)
                if m.card == .oneToOne {
                    if matchedOne[sig] {
                        throw Evaluator.error("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                    }
                    matchedOne[sig] = true
                } else {
                    if matchedMany[sig] == nil { matchedMany[sig] = [] }
                    if !matchedMany[sig]!.insert(metric).inserted {
                        throw Evaluator.error("multiple matches for labels: grouping labels must ensure unique matches")
                    }
                }
                if !keep && !returnBool { continue }
                out.append(StepSample(labels: metric, v: value, dropName: returnBool, source: ls.source))
            }
            return out
        }
    }
}

@inline(__always)
func swap2<T>(_ a: inout T, _ b: inout T) {
    let t = a
    a = b
    b = t
}

/// Go's `math.Pow` special cases where C's `pow` differs: `pow(-1, ±Inf)` is 1 in both, but Go
/// returns NaN for `pow(x, y)` with x < 0 and non-integer finite y, like C. The one difference:
/// Go's `Pow(1, NaN)` and `Pow(NaN, 0)` are 1 like C. So plain `pow` matches; kept as a seam.
@inline(__always)
func goPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
