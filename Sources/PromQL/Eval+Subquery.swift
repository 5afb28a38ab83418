import TSDB

extension Evaluator {
    /// Evaluates `expr[range:step] offset o @ t` for this evaluator's steps: the inner expression's
    /// series on the subquery's own step grid.
    ///
    /// As in Prometheus, the inner evaluation starts at the first multiple of the step after
    /// `start - offset - range` and ends at `end - offset` (the end aligned to this evaluator's
    /// grid first). With `@ t`, every outer step looks at the same window ending at `t - offset`,
    /// so only that window is evaluated.
    func evalSubquery(_ sq: SubqueryExpr) throws(PromQLError) -> [EvalSeries] {
        let step = sq.step ?? state.defaultSubqueryStep
        guard step > 0 else { throw Evaluator.error("subquery step must be positive") }
        let parentStart: Int64, parentEnd: Int64
        if let at = Evaluator.atTime(sq.at) {
            parentStart = at
            parentEnd = at
        } else {
            parentStart = start
            parentEnd = start + ((end - start) / interval) * interval
        }
        let from = parentStart - sq.offset - sq.range
        var subStart = step * (from / step)
        if subStart <= from { subStart += step }
        let subEnd = parentEnd - sq.offset
        let inner = child(start: subStart, end: subEnd, interval: step)
        let v = try inner.eval(sq.expr)
        switch v {
        case .series(let ss):
            return ss
        case .scalar(let xs):
            // A scalar inner expression becomes one unlabeled series.
            var pts: [Sample] = []
            pts.reserveCapacity(xs.count)
            for (i, x) in xs.enumerated() { pts.append(Sample(t: inner.stepTime(i), v: x)) }
            return pts.isEmpty ? [] : [EvalSeries(labels: Labels([Label]()), points: pts, dropName: false)]
        case .string:
            throw Evaluator.error("subqueries need an instant vector or scalar")
        }
    }
}
