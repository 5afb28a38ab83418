import TSDB

/// Prometheus's `checkAST`: type checks over a syntactically valid tree, in Prometheus's order
/// (children first), so the first error reported is the one Prometheus reports. Returns the tree
/// normalised as Prometheus leaves it.
extension Parser {
    func check(_ e: Expr) throws(PromQLError) -> Expr {
        try check(e, bypassEmptyMatcherCheck: false)
    }

    private func expectType(_ e: Expr, _ want: ValueType, _ context: String) throws(PromQLError) -> Expr {
        let checked = try check(e)
        if checked.type != want {
            throw error("expected type \(want.documentedName) in \(context), got \(checked.type.documentedName)",
                        e.position)
        }
        return checked
    }

    private func check(_ e: Expr, bypassEmptyMatcherCheck: Bool) throws(PromQLError) -> Expr {
        switch e {
        case .number, .string:
            return e

        case .aggregate(var n):
            n.expr = try expectType(n.expr, .vector, "aggregation expression")
            if let param = n.param {
                switch n.op {
                case .topk, .bottomk, .quantile, .limitk, .limitRatio:
                    n.param = try expectType(param, .scalar, "aggregation parameter")
                case .countValues:
                    n.param = try expectType(param, .string, "aggregation parameter")
                default:
                    break
                }
            }
            return .aggregate(n)

        case .binary(var n):
            n.lhs = try check(n.lhs)
            n.rhs = try check(n.rhs)
            return .binary(try checkBinary(n))

        case .call(var n):
            try checkCallArity(n)
            let fn = n.function
            var bypassSecond = false
            if fn.name == "info" && n.args.count > 1 {
                if n.args[1].type != .vector {
                    throw error("expected type instant vector in call to function \"info\", got \(n.args[1].type.documentedName)",
                                n.position)
                }
                if case .vectorSelector(let vs) = n.args[1] {
                    if vs.name != nil {
                        throw error("expected label selectors only, got vector selector instead", n.args[1].position)
                    }
                    bypassSecond = true
                } else {
                    throw error("expected label selectors only", n.args[1].position)
                }
            }
            for i in n.args.indices {
                var typeIndex = i
                if i >= fn.argTypes.count {
                    if fn.variadic == 0 { break }
                    typeIndex = fn.argTypes.count - 1
                }
                let arg = try check(n.args[i], bypassEmptyMatcherCheck: bypassSecond && i == 1)
                n.args[i] = arg
                let want = fn.argTypes[typeIndex]
                if arg.type != want {
                    throw error("expected type \(want.documentedName) in call to function \(goQuote(fn.name)), got \(arg.type.documentedName)",
                                arg.position)
                }
            }
            return .call(n)

        case .paren(var n):
            n.expr = try check(n.expr)
            return .paren(n)

        case .unary(var n):
            n.expr = try check(n.expr)
            let t = n.expr.type
            if t != .scalar && t != .vector {
                throw error("unary expression only allowed on expressions of type scalar or instant vector, got \(goQuote(t.documentedName))",
                            n.position)
            }
            return .unary(n)

        case .subquery(var n):
            n.expr = try check(n.expr)
            if n.expr.type != .vector {
                throw error("subquery is only allowed on instant vector, got \(n.expr.type.rawValue) instead", n.position)
            }
            return .subquery(n)

        case .matrixSelector(let n):
            _ = try check(.vectorSelector(n.selector))
            return e

        case .vectorSelector(let n):
            if let name = n.name {
                for m in n.matchers.dropLast() where m.name == Labels.metricName {
                    throw error("metric name must not be set twice: \(goQuote(name)) or \(goQuote(m.value))", n.position)
                }
            } else if !bypassEmptyMatcherCheck && n.matchers.allSatisfy({ $0.matchesEmpty }) {
                throw error("vector selector must contain at least one non-empty matcher", n.position)
            }
            return e
        }
    }

    private func checkCallArity(_ n: Call) throws(PromQLError) {
        let fn = n.function
        let declared = fn.argTypes.count
        var name: String { goQuote(fn.name) }
        if fn.variadic == 0 {
            if declared != n.args.count {
                throw error("expected \(declared) argument(s) in call to \(name), got \(n.args.count)", n.position)
            }
            return
        }
        let minimum = declared - 1
        if minimum > n.args.count {
            throw error("expected at least \(minimum) argument(s) in call to \(name), got \(n.args.count)", n.position)
        }
        if fn.variadic > 0 && minimum + fn.variadic < n.args.count {
            throw error("expected at most \(minimum + fn.variadic) argument(s) in call to \(name), got \(n.args.count)",
                        n.position)
        }
    }

    /// The operator's own range, from the first non-space after the left operand to the last
    /// non-space before the right one (used for modifier errors).
    private func operatorRange(_ n: BinaryExpr) -> PositionRange {
        var s = n.lhs.position.end
        while s < input.count && isSpace(input[s]) { s += 1 }
        var e = n.rhs.position.start - 1
        while e > s && e < input.count && isSpace(input[e]) { e -= 1 }
        return PositionRange(start: s, end: max(s, e))
    }

    private func checkBinary(_ original: BinaryExpr) throws(PromQLError) -> BinaryExpr {
        var n = original
        let lt = n.lhs.type, rt = n.rhs.type
        var opName: String { goQuote(original.op.rawValue) }
        if n.returnBool && !n.op.isComparison {
            throw error("bool modifier can only be used on comparison operators", operatorRange(n))
        }
        if n.op.isComparison && !n.returnBool && lt == .scalar && rt == .scalar {
            throw error("comparisons between scalars must use BOOL modifier", operatorRange(n))
        }
        if var m = n.matching {
            if n.op.isSetOperator && m.card == .oneToOne { m.card = .manyToMany }
            if m.on {
                for l in m.matchingLabels where m.include.contains(l) {
                    throw error("label \(goQuote(l)) must not occur in ON and GROUP clause at once", operatorRange(n))
                }
            }
            n.matching = m
        }
        if lt != .scalar && lt != .vector {
            throw error("binary expression must contain only scalar and instant vector types", n.lhs.position)
        }
        if rt != .scalar && rt != .vector {
            throw error("binary expression must contain only scalar and instant vector types", n.rhs.position)
        }
        if let m = n.matching {
            if lt != .vector || rt != .vector {
                if !m.matchingLabels.isEmpty {
                    throw error("vector matching only allowed between instant vectors", n.position)
                }
                n.matching = nil
            } else if n.op.isSetOperator {
                if m.card == .oneToMany || m.card == .manyToOne {
                    throw error("no grouping allowed for \(opName) operation", n.position)
                }
                if m.card != .manyToMany {
                    throw error("set operations must always be many-to-many", n.position)
                }
            }
        }
        if (lt == .scalar || rt == .scalar) && n.op.isSetOperator {
            throw error("set operator \(opName) not allowed in binary scalar expression", n.position)
        }
        return n
    }
}
