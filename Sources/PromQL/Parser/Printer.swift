import TSDB

/// Prometheus's canonical text of an expression (its `String()`), as `/api/v1/format_query`
/// returns it for simple queries, e.g. `sum by (job) (rate(http_requests_total{job="a"}[5m]))`.
/// Parsing the result gives an equal `Expr`.
public func format(_ expr: Expr) -> String {
    var out = ""
    Printer.write(expr, to: &out)
    return out
}

/// Writes expressions in Prometheus's `String()` form.
enum Printer {
    static func write(_ e: Expr, to out: inout String) {
        switch e {
        case .number(let n):
            if n.isDuration {
                let ms = Int64((n.value.magnitude * 1000).rounded(.towardZero).clamped(to: 0...9.2e18))
                out += (n.value < 0 ? "-" : "") + PrometheusDuration.format(ms)
            } else {
                out += GoFloatFormat.formatF(n.value)
            }
        case .string(let s):
            out += goQuote(s.value)
        case .vectorSelector(let vs):
            writeSelector(vs, to: &out)
            writeModifiers(at: vs.at, offset: vs.offset, to: &out)
        case .matrixSelector(let m):
            writeSelector(m.selector, to: &out)
            out += "[" + PrometheusDuration.format(m.range) + "]"
            writeModifiers(at: m.selector.at, offset: m.selector.offset, to: &out)
        case .subquery(let s):
            write(s.expr, to: &out)
            out += "[" + PrometheusDuration.format(s.range) + ":"
            if let step = s.step, step != 0 { out += PrometheusDuration.format(step) }
            out += "]"
            writeModifiers(at: s.at, offset: s.offset, to: &out)
        case .unary(let u):
            out += u.op.rawValue
            write(u.expr, to: &out)
        case .paren(let p):
            out += "("
            write(p.expr, to: &out)
            out += ")"
        case .binary(let b):
            if b.op == .pow, case .number(let n) = b.lhs, n.value == .infinity, !n.isDuration {
                // Prometheus prints `+Inf`, which would re-parse as a unary plus over the whole power.
                out += "Inf"
            } else {
                write(b.lhs, to: &out)
            }
            out += " " + b.op.rawValue
            if b.returnBool { out += " bool" }
            if let m = b.matching {
                let grouped = m.card == .manyToOne || m.card == .oneToMany
                if !m.matchingLabels.isEmpty || m.on || grouped {
                    out += m.on ? " on (" : " ignoring ("
                    writeLabels(m.matchingLabels, to: &out)
                    out += ")"
                }
                if grouped {
                    out += m.card == .manyToOne ? " group_left (" : " group_right ("
                    writeLabels(m.include, to: &out)
                    out += ")"
                }
            }
            out += " "
            write(b.rhs, to: &out)
        case .aggregate(let a):
            out += a.op.name
            if a.without {
                out += " without ("
                writeLabels(a.grouping, to: &out)
                out += ") "
            } else if !a.grouping.isEmpty {
                out += " by ("
                writeLabels(a.grouping, to: &out)
                out += ") "
            }
            out += "("
            if let p = a.param {
                write(p, to: &out)
                out += ", "
            }
            write(a.expr, to: &out)
            out += ")"
        case .call(let c):
            out += c.function.name + "("
            for (i, arg) in c.args.enumerated() {
                if i > 0 { out += ", " }
                write(arg, to: &out)
            }
            out += ")"
        }
    }

    /// `name{matchers}` without the implicit name matcher; matchers sorted by their text.
    static func writeSelector(_ vs: VectorSelector, to out: inout String) {
        var parts: [String] = []
        parts.reserveCapacity(vs.matchers.count)
        for m in vs.matchers {
            if m.name == Labels.metricName && m.kind == .equal && m.value == vs.name && !m.value.isEmpty { continue }
            parts.append(matcherText(m))
        }
        out += vs.name ?? ""
        if !parts.isEmpty || vs.name == nil {
            // (Prometheus prints nothing for a bare `{}`, as allowed in info()'s second argument;
            // we keep the braces so the text parses back.)
            parts.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            out += "{" + parts.joined(separator: ",") + "}"
        }
    }

    static func matcherText(_ m: Matcher) -> String {
        (isLegacyName(m.name) ? m.name : goQuote(m.name)) + m.kind.rawValue + goQuote(m.value)
    }

    /// ` @ t` (seconds with 3 decimals) or ` @ start()`/` @ end()`, then ` offset d`.
    static func writeModifiers(at: AtModifier, offset: Int64, to out: inout String) {
        switch at {
        case .none: break
        case .timestamp(let ms): out += " @ " + formatMillisAsSeconds(ms)
        case .start: out += " @ start()"
        case .end: out += " @ end()"
        }
        if offset > 0 {
            out += " offset " + PrometheusDuration.format(offset)
        } else if offset < 0 {
            out += " offset -" + PrometheusDuration.format(offset == Int64.min ? Int64.max : -offset)
        }
    }

    /// Exactly `%.3f` of ms/1000, without going through floating point.
    static func formatMillisAsSeconds(_ ms: Int64) -> String {
        let negative = ms < 0
        let mag = ms.magnitude
        let frac = String(mag % 1000)
        return (negative ? "-" : "") + String(mag / 1000) + "." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    static func writeLabels(_ labels: [String], to out: inout String) {
        for (i, l) in labels.enumerated() {
            if i > 0 { out += ", " }
            out += isLegacyName(l) ? l : goQuote(l)
        }
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`: names printed without quotes.
    static func isLegacyName(_ s: String) -> Bool {
        guard !s.isEmpty else { return false }
        for (i, c) in s.unicodeScalars.enumerated() {
            if isAlpha(c) || (i > 0 && isDigit(c)) { continue }
            return false
        }
        return true
    }
}

extension Double {
    fileprivate func clamped(to r: ClosedRange<Double>) -> Double { Swift.min(Swift.max(self, r.lowerBound), r.upperBound) }
}
