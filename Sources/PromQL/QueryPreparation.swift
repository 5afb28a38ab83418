import TSDB

/// Rewrites a parsed expression for one evaluation and finds the time range it reads.
enum QueryPreparation {
    /// Folds `start()`, `end()`, `range()` and `step()` into numbers, resolves `@ start()` /
    /// `@ end()` to timestamps, and removes parentheses around function and aggregation arguments
    /// (so `timestamp((x))` and `topk((3), x)` behave as without them), as Prometheus does.
    static func prepare(_ e: Expr, start: Int64, end: Int64, step: Int64) -> Expr {
        func at(_ a: AtModifier) -> AtModifier {
            switch a {
            case .start: return .timestamp(start)
            case .end: return .timestamp(end)
            default: return a
            }
        }
        func go(_ e: Expr) -> Expr {
            switch e {
            case .number, .string:
                return e
            case .vectorSelector(var vs):
                vs.at = at(vs.at)
                return .vectorSelector(vs)
            case .matrixSelector(var ms):
                ms.selector.at = at(ms.selector.at)
                return .matrixSelector(ms)
            case .subquery(var sq):
                sq.expr = go(sq.expr)
                sq.at = at(sq.at)
                return .subquery(sq)
            case .unary(var u):
                u.expr = go(u.expr)
                return .unary(u)
            case .paren(var p):
                p.expr = go(p.expr)
                return .paren(p)
            case .binary(var b):
                b.lhs = go(b.lhs)
                b.rhs = go(b.rhs)
                return .binary(b)
            case .aggregate(var a):
                a.expr = go(a.expr.unwrappingParens)
                a.param = a.param.map { go($0.unwrappingParens) }
                return .aggregate(a)
            case .call(var c):
                let v: Double?
                switch c.function.name {
                case "start": v = Double(start) / 1000
                case "end": v = Double(end) / 1000
                case "range": v = Double(end - start) / 1000
                case "step": v = start == end ? 0 : Double(step) / 1000
                default: v = nil
                }
                if let v { return .number(NumberLiteral(value: v, position: c.position)) }
                c.args = c.args.map { go($0.unwrappingParens) }
                return .call(c)
            }
        }
        return go(e)
    }

    /// The inclusive `[mint, maxt]` (ms) the expression's selectors read, accounting for offsets,
    /// `@`, ranges, subqueries and the lookback delta; (0, 0) without selectors.
    static func timeRange(of e: Expr, start: Int64, end: Int64, lookback: Int64, defaultStep: Int64) -> (Int64, Int64) {
        var mint = Int64.max, maxt = Int64.min
        // `subOffset`/`subRange`: sums over enclosing subqueries since the last one with `@`.
        func visit(_ e: Expr, subOffset: Int64, subRange: Int64, subAt: Int64?) {
            func selector(_ vs: VectorSelector, range: Int64) {
                var s = start, en = end
                if let a = subAt { s = a; en = a }
                if case .timestamp(let t) = vs.at {
                    s = t
                    en = t
                } else {
                    s = s - subOffset - subRange
                    en -= subOffset
                }
                if range == 0 {
                    s -= lookback - 1
                } else {
                    s -= range - 1
                }
                s -= vs.offset
                en -= vs.offset
                mint = min(mint, s)
                maxt = max(maxt, en)
            }
            switch e {
            case .vectorSelector(let vs):
                selector(vs, range: 0)
            case .matrixSelector(let ms):
                selector(ms.selector, range: ms.range)
            case .subquery(let sq):
                if case .timestamp(let t) = sq.at {
                    visit(sq.expr, subOffset: sq.offset, subRange: sq.range, subAt: t)
                } else {
                    visit(sq.expr, subOffset: subOffset + sq.offset, subRange: subRange + sq.range, subAt: subAt)
                }
            default:
                for c in e.children { visit(c, subOffset: subOffset, subRange: subRange, subAt: subAt) }
            }
        }
        visit(e, subOffset: 0, subRange: 0, subAt: nil)
        if maxt == Int64.min { return (0, 0) }
        return (mint, maxt)
    }
}
