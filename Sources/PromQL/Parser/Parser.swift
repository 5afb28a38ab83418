import TSDB

/// A recursive-descent PromQL parser that reproduces the behaviour of Prometheus's yacc grammar:
/// the same precedence and associativity, the same tree shapes, and the same error messages.
///
/// Parsing is two-phase like Prometheus's: syntax errors and the semantic errors Prometheus raises
/// while building nodes are thrown as soon as they are found; the type checks (`check`) run over the
/// finished tree and also normalise it (set operators become many-to-many, vector matching is
/// dropped unless both operands are instant vectors).
struct Parser {
    let input: [Unicode.Scalar]
    let options: PromQLParser.Options
    var tokens: [Token]
    var index = 0
    /// End offset of the last `)`, `]`, `}`, number or duration consumed (Prometheus's `lastClosing`).
    var lastClosing = 0
    /// How many aggregation bodies enclose the current position: syntax errors there say "in aggregation",
    /// as Prometheus's error recovery does.
    var aggregationDepth = 0

    init(_ query: String, options: PromQLParser.Options) {
        self.input = Array(query.unicodeScalars)
        self.options = options
        self.tokens = Lexer.tokenize(input)
    }

    // MARK: - Entry points

    mutating func parseQuery() throws(PromQLError) -> Expr {
        if peek.kind == .eof { throw error("no expression found in input", PositionRange(start: 0, end: 0)) }
        let e = try parseExpr()
        if peek.kind != .eof { throw unexpected() }
        return try check(e)
    }

    mutating func parseSeriesSelectorOnly() throws(PromQLError) -> [Matcher] {
        let t = peek
        let vs: VectorSelector
        if t.kind.canBeMetricName {
            advance()
            vs = try parseVectorSelector(name: t)
        } else if t.kind == .leftBrace {
            vs = try parseVectorSelector(name: nil)
        } else {
            throw unexpected()
        }
        if peek.kind != .eof { throw unexpected() }
        return vs.matchers
    }

    // MARK: - Tokens

    var peek: Token { tokens[index] }

    /// The token after the next one (never past the final `.eof`/`.error`).
    var peek2: Token { tokens[min(index + 1, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        switch t.kind {
        case .rightParen, .rightBrace, .rightBracket, .number, .duration: lastClosing = t.end
        default: break
        }
        return t
    }

    /// Consumes a token of `kind` or throws the matching "unexpected" error.
    @discardableResult
    mutating func expect(_ kind: TokenKind, context: String = "", expected: String = "") throws(PromQLError) -> Token {
        guard peek.kind == kind else { throw unexpected(context: context, expected: expected) }
        return advance()
    }

    // MARK: - Errors

    /// A parse error in Prometheus's format: `line:col: parse error: message`.
    func error(_ message: String, _ position: PositionRange) -> PromQLError {
        var line = 1
        var lastBreak = -1
        let pos = max(0, min(position.start, input.count))
        for i in 0..<pos where input[i] == "\n" {
            line += 1
            lastBreak = i
        }
        return PromQLError(.parse, "\(line):\(pos - lastBreak): parse error: \(message)", position: position.range)
    }

    /// "unexpected <token> [in context][, expected ...]" for the next token; a lexing error instead
    /// when the next token is one.
    func unexpected(context: String = "", expected: String = "") -> PromQLError {
        let t = peek
        if t.kind == .error { return error(t.text, t.position) }
        var msg = "unexpected " + t.errorDescription
        let ctx = context.isEmpty && aggregationDepth > 0 ? "aggregation" : context
        if !ctx.isEmpty { msg += " in " + ctx }
        if !expected.isEmpty { msg += ", expected " + expected }
        return error(msg, t.position)
    }
}
