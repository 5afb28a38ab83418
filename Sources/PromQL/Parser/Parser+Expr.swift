import TSDB

extension Parser {
    // MARK: - Binary and unary operators

    /// Precedence climbing over the binary operators; `minPrecedence` 0 accepts all of them.
    mutating func parseExpr(minPrecedence: Int = 0) throws(PromQLError) -> Expr {
        var lhs = try parseUnary()
        while let op = peek.kind.binaryOp, op.precedence >= minPrecedence {
            advance()
            let (returnBool, matching) = try parseBinaryModifiers()
            // `^` is right-associative: its right operand may hold further `^`.
            let rhs = try parseExpr(minPrecedence: op.isRightAssociative ? op.precedence : op.precedence + 1)
            lhs = .binary(BinaryExpr(op: op, lhs: lhs, rhs: rhs, returnBool: returnBool, matching: matching,
                                     position: PositionRange(start: lhs.position.start, end: rhs.position.end)))
        }
        return lhs
    }

    /// `[bool] [on|ignoring (labels) [group_left|group_right [(labels)]]]`.
    mutating func parseBinaryModifiers() throws(PromQLError) -> (Bool, VectorMatching) {
        var matching = VectorMatching(card: .oneToOne)
        var returnBool = false
        if peek.kind == .bool {
            advance()
            returnBool = true
        }
        guard peek.kind == .on || peek.kind == .ignoring else { return (returnBool, matching) }
        matching.on = advance().kind == .on
        matching.matchingLabels = try parseGroupingLabels()
        if peek.kind == .groupLeft || peek.kind == .groupRight {
            matching.card = advance().kind == .groupLeft ? .manyToOne : .oneToMany
            if peek.kind == .leftParen { matching.include = try parseGroupingLabels() }
        }
        return (returnBool, matching)
    }

    /// A unary `-`/`+` binds like `*`: looser than `^`, so `-2 ^ 2` is `-(2 ^ 2)`.
    /// On a number literal the sign folds into the literal, as in Prometheus.
    mutating func parseUnary() throws(PromQLError) -> Expr {
        guard peek.kind == .sub || peek.kind == .add else { return try parsePostfix(try parsePrimary()) }
        let opToken = advance()
        let operand = try parseExpr(minPrecedence: BinaryOp.pow.precedence)
        if case .number(var n) = operand {
            if opToken.kind == .sub { n.value = -n.value }
            n.position.start = opToken.start
            return .number(n)
        }
        return .unary(UnaryExpr(op: opToken.kind == .sub ? .minus : .plus, expr: operand,
                                position: PositionRange(start: opToken.start, end: operand.position.end)))
    }

    // MARK: - Primary expressions

    mutating func parsePrimary() throws(PromQLError) -> Expr {
        let t = peek
        switch t.kind {
        case .number:
            advance()
            return .number(NumberLiteral(value: try parseNumber(t), position: t.position))
        case .duration:
            advance()
            let ms = try parseDurationToken(t)
            return .number(NumberLiteral(value: Double(ms) / 1000, position: t.position, isDuration: true))
        case .string:
            advance()
            return .string(StringLiteral(value: try unquote(t), position: t.position))
        case .leftParen:
            advance()
            let inner = try parseExpr()
            let close = try expect(.rightParen)
            return .paren(ParenExpr(expr: inner, position: PositionRange(start: t.start, end: close.end)))
        case .leftBrace:
            return .vectorSelector(try parseVectorSelector(name: nil))
        case .aggregator(let op) where [.leftParen, .by, .without].contains(peek2.kind):
            advance()
            return try parseAggregation(op, opToken: t)
        case .identifier, .start, .end, .step, .range, .minOf, .maxOf:
            if peek2.kind == .leftParen {
                advance()
                return try parseCall(t)
            }
            advance()
            return .vectorSelector(try parseVectorSelector(name: t))
        default:
            guard t.kind.canBeMetricName else { throw unexpected() }
            advance()
            return .vectorSelector(try parseVectorSelector(name: t))
        }
    }

    /// `name(args)`; the function is looked up once its arguments are parsed, as Prometheus does.
    mutating func parseCall(_ nameToken: Token) throws(PromQLError) -> Expr {
        let args = try parseCallArguments()
        guard let fn = FunctionSignature.named(nameToken.text) else {
            throw error("unknown function with name \(goQuote(nameToken.text))", nameToken.position)
        }
        if fn.experimental && !options.enableExperimentalFunctions {
            throw error("function \(goQuote(nameToken.text)) is not enabled", nameToken.position)
        }
        return .call(Call(function: fn, args: args, position: PositionRange(start: nameToken.start, end: lastClosing)))
    }

    /// `( [expr {, expr}] )`; a trailing comma is an error.
    mutating func parseCallArguments() throws(PromQLError) -> [Expr] {
        try expect(.leftParen)
        var args: [Expr] = []
        if peek.kind == .rightParen {
            advance()
            return args
        }
        while true {
            args.append(try parseExpr())
            if peek.kind == .rightParen {
                advance()
                return args
            }
            guard peek.kind == .comma else { throw unexpected() }
            let comma = advance()
            if peek.kind == .rightParen {
                throw error("trailing commas not allowed in function call args", comma.position)
            }
        }
    }

    /// `op [by|without (labels)] ([param,] expr) [by|without (labels)]`.
    mutating func parseAggregation(_ op: AggregationOp, opToken: Token) throws(PromQLError) -> Expr {
        aggregationDepth += 1
        defer { aggregationDepth -= 1 }
        var grouping: [String] = []
        var without = false
        var hasModifier = false
        if peek.kind == .by || peek.kind == .without {
            without = advance().kind == .without
            grouping = try parseGroupingLabels()
            hasModifier = true
        }
        guard peek.kind == .leftParen else { throw unexpected() }
        let args = try parseCallArguments()
        if !hasModifier && (peek.kind == .by || peek.kind == .without) {
            without = advance().kind == .without
            grouping = try parseGroupingLabels()
        }
        let position = PositionRange(start: opToken.start, end: lastClosing)
        if args.isEmpty { throw error("no arguments for aggregate expression provided", position) }
        var desired = 1
        var param: Expr?
        if op.hasParam {
            if op.isExperimental && !options.enableExperimentalFunctions {
                throw error("\(op.name)() is experimental and must be enabled with --enable-feature=promql-experimental-functions",
                            position)
            }
            desired = 2
            param = args[0]
        }
        if args.count != desired {
            throw error("wrong number of arguments for aggregate expression provided, expected \(desired), got \(args.count)",
                        position)
        }
        return .aggregate(AggregateExpr(op: op, expr: args[desired - 1], param: param, grouping: grouping,
                                        without: without, position: position))
    }

    // MARK: - Postfix modifiers: [range], [range:step], offset, @

    mutating func parsePostfix(_ base: Expr) throws(PromQLError) -> Expr {
        var e = base
        while true {
            switch peek.kind {
            case .leftBracket: e = try parseRangeOrSubquery(e)
            case .offset: e = try parseOffset(e)
            case .at: e = try parseAt(e)
            default: return e
            }
        }
    }

    mutating func parseRangeOrSubquery(_ e: Expr) throws(PromQLError) -> Expr {
        let open = advance()
        guard let range = try parseBracketDuration(signed: true) else {
            throw unexpected(context: "subquery or range selector", expected: "number, duration, step(), or range()")
        }
        if peek.kind == .rightBracket {
            let close = advance()
            var errorMessage: String?
            guard case .vectorSelector(let vs) = e else {
                throw error("ranges only allowed for vector selectors", PositionRange(start: open.start, end: close.end))
            }
            if vs.offset != 0 {
                errorMessage = "no offset modifiers allowed before range"
            } else if vs.at != .none {
                errorMessage = "no @ modifiers allowed before range"
            }
            if let errorMessage { throw error(errorMessage, PositionRange(start: open.start, end: close.end)) }
            return .matrixSelector(MatrixSelector(selector: vs, range: range,
                                                  position: PositionRange(start: e.position.start, end: close.end)))
        }
        guard peek.kind == .colon else { throw unexpected(context: "subquery or range", expected: "\":\" or \"]\"") }
        advance()
        var step: Int64?
        if peek.kind != .rightBracket {
            guard let s = try parseBracketDuration(signed: true) else {
                throw unexpected(context: "subquery selector", expected: "number, duration, step(), range(), or \"]\"")
            }
            step = s
        }
        let close = try expect(.rightBracket, context: "subquery selector", expected: "\"]\"")
        return .subquery(SubqueryExpr(expr: e, range: range, step: step,
                                      position: PositionRange(start: e.position.start, end: close.end)))
    }

    /// A range or step inside brackets: `[+|-] number|duration`, which must be positive.
    /// Nil (nothing consumed) when the next token does not start one.
    mutating func parseBracketDuration(signed: Bool) throws(PromQLError) -> Int64? {
        guard let (seconds, ms, position) = try parseSignedDurationLiteral() else { return nil }
        if seconds <= 0 { throw error("duration must be greater than 0", position) }
        return ms
    }

    /// `[+|-] (number | duration)` as seconds and milliseconds, with Prometheus's range check.
    mutating func parseSignedDurationLiteral() throws(PromQLError) -> (Double, Int64, PositionRange)? {
        var negative = false
        var start = peek.start
        if (peek.kind == .sub || peek.kind == .add) && (peek2.kind == .number || peek2.kind == .duration) {
            negative = advance().kind == .sub
        } else {
            start = peek.start
        }
        let t = peek
        var seconds: Double
        var ms: Int64
        switch t.kind {
        case .number:
            advance()
            seconds = try parseNumber(t)
            if negative { seconds = -seconds }
            let position = PositionRange(start: start, end: t.end)
            if seconds.isNaN || seconds > 9_223_372_036.854_775 || seconds < -9_223_372_036.854_775 {
                throw error("duration out of range", position)
            }
            // Prometheus rounds to nanoseconds, then truncates to milliseconds.
            ms = Int64((seconds * 1e9).rounded()) / 1_000_000
            return (seconds, ms, position)
        case .duration:
            advance()
            ms = try parseDurationToken(t)
            if negative { ms = -ms }
            seconds = Double(ms) / 1000
            return (seconds, ms, PositionRange(start: start, end: t.end))
        default:
            return nil
        }
    }

    mutating func parseOffset(_ e: Expr) throws(PromQLError) -> Expr {
        advance()
        guard let (_, ms, _) = try parseSignedDurationLiteral() else {
            throw unexpected(context: "offset", expected: "number, duration, step(), or range()")
        }
        let end = lastClosing
        func alreadySet() -> PromQLError { error("offset may not be set multiple times", e.position) }
        switch e {
        case .vectorSelector(var vs):
            if vs.offset != 0 { throw alreadySet() }
            vs.offset = ms
            vs.position.end = end
            return .vectorSelector(vs)
        case .matrixSelector(var m):
            if m.selector.offset != 0 { throw alreadySet() }
            m.selector.offset = ms
            m.position.end = end
            return .matrixSelector(m)
        case .subquery(var s):
            if s.offset != 0 { throw alreadySet() }
            s.offset = ms
            s.position.end = end
            return .subquery(s)
        default:
            throw error("offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                        e.position)
        }
    }

    mutating func parseAt(_ e: Expr) throws(PromQLError) -> Expr {
        advance()
        let at: AtModifier
        if (peek.kind == .start || peek.kind == .end) && peek2.kind == .leftParen {
            let which = advance().kind
            advance()
            try expect(.rightParen, context: "@", expected: "timestamp")
            at = which == .start ? .start : .end
        } else {
            var negative = false
            if (peek.kind == .sub || peek.kind == .add) && (peek2.kind == .number || peek2.kind == .duration) {
                negative = advance().kind == .sub
            }
            let t = peek
            var seconds: Double
            switch t.kind {
            case .number: seconds = try parseNumber(t)
            case .duration: seconds = Double(try parseDurationToken(t)) / 1000
            default: throw unexpected(context: "@", expected: "timestamp")
            }
            advance()
            if negative { seconds = -seconds }
            if !seconds.isFinite || seconds >= 9.223372036854775807e18 || seconds <= -9.223372036854775808e18 {
                throw error("timestamp out of bounds for @ modifier: \(goFormatFixed6(seconds))", e.position)
            }
            let ms = (seconds * 1000).rounded()
            // Prometheus's conversion overflows silently here; clamp instead of trapping.
            at = .timestamp(ms >= 9.2e18 ? Int64.max : (ms <= -9.2e18 ? Int64.min : Int64(ms)))
        }
        let end = lastClosing
        func alreadySet() -> PromQLError { error("@ <timestamp> may not be set multiple times", e.position) }
        switch e {
        case .vectorSelector(var vs):
            if vs.at != .none { throw alreadySet() }
            vs.at = at
            vs.position.end = end
            return .vectorSelector(vs)
        case .matrixSelector(var m):
            if m.selector.at != .none { throw alreadySet() }
            m.selector.at = at
            m.position.end = end
            return .matrixSelector(m)
        case .subquery(var s):
            if s.at != .none { throw alreadySet() }
            s.at = at
            s.position.end = end
            return .subquery(s)
        default:
            throw error("@ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                        e.position)
        }
    }

    // MARK: - Literals

    /// Prometheus reads numbers as Go integers first (so `0x1F` is hex and `010` octal), then as floats.
    func parseNumber(_ t: Token) throws(PromQLError) -> Double {
        switch parseGoNumber(t.text) {
        case .success(let v): return v
        case .failure(let reason):
            throw error("error parsing number: strconv.ParseFloat: parsing \(goQuote(t.text)): \(reason.message)", t.position)
        }
    }

    func parseDurationToken(_ t: Token) throws(PromQLError) -> Int64 {
        do {
            return try PrometheusDuration.parse(t.text)
        } catch let e {
            throw error(e.message, t.position)
        }
    }

    func unquote(_ t: Token) throws(PromQLError) -> String {
        do {
            return try goUnquote(t.text)
        } catch {
            throw self.error("error unquoting string \(goQuote(t.text)): invalid syntax", t.position)
        }
    }
}
