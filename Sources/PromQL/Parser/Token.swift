import TSDB

/// The kinds of lexical items in PromQL (and in promqltest series descriptions).
enum TokenKind: Equatable, Sendable {
    case eof
    /// A lexing error; the token's `text` is the message.
    case error
    case identifier
    /// An identifier containing a colon (`job:rate:5m`), only valid as a metric name.
    case metricIdentifier
    case number
    case duration
    /// A quoted string; `text` includes the quotes.
    case string

    case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
    case comma, colon
    /// `=` (only meaningful inside braces).
    case assign

    // Operators.
    case add, sub, mul, div, mod, pow, eqlc, neq, lte, lss, gte, gtr, eqlRegex, neqRegex, at
    case land, lor, lunless, atan2

    /// An aggregation keyword (`sum`, `topk`, ...).
    case aggregator(AggregationOp)

    // Keywords.
    case bool, by, groupLeft, groupRight, ignoring, offset, on, without

    // `@` modifier preprocessors and the experimental duration keywords.
    case start, end, step, range, minOf, maxOf

    // Series description extras.
    case space, blank, times, openHist, closeHist

    /// Operators print as `<op:+>` in error messages.
    var isOperator: Bool {
        switch self {
        case .add, .sub, .mul, .div, .mod, .pow, .eqlc, .neq, .lte, .lss, .gte, .gtr, .eqlRegex, .neqRegex, .at,
             .land, .lor, .lunless, .atan2:
            return true
        default:
            return false
        }
    }

    /// Keywords print as `<by>` in error messages.
    var isKeyword: Bool {
        switch self {
        case .bool, .by, .groupLeft, .groupRight, .ignoring, .offset, .on, .without: return true
        default: return false
        }
    }

    /// The binary operator this token stands for, if any.
    var binaryOp: BinaryOp? {
        switch self {
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        case .mod: return .mod
        case .pow: return .pow
        case .atan2: return .atan2
        case .eqlc: return .eql
        case .neq: return .neq
        case .gtr: return .gtr
        case .lss: return .lss
        case .gte: return .gte
        case .lte: return .lte
        case .land: return .and
        case .lor: return .or
        case .lunless: return .unless
        default: return nil
        }
    }

    /// Words the lexer turns into keyword tokens (matched case-insensitively).
    static func keyword(_ lowercased: String) -> TokenKind? { keywords[lowercased] }

    private static let keywords: [String: TokenKind] = {
        var d: [String: TokenKind] = [
            "and": .land, "or": .lor, "unless": .lunless, "atan2": .atan2, "bool": .bool, "by": .by,
            "group_left": .groupLeft, "group_right": .groupRight, "ignoring": .ignoring, "offset": .offset,
            "on": .on, "without": .without, "start": .start, "end": .end, "step": .step, "range": .range,
            "min_of": .minOf, "max_of": .maxOf, "inf": .number, "nan": .number,
        ]
        for op in AggregationOp.allCases { d[op.rawValue] = .aggregator(op) }
        return d
    }()

    /// Whether a token of this kind may name a metric (Prometheus's `metric_identifier`).
    var canBeMetricName: Bool {
        switch self {
        case .identifier, .metricIdentifier, .aggregator, .by, .without, .offset, .land, .lor, .lunless,
             .start, .end, .step, .range, .minOf, .maxOf:
            return true
        default:
            return false
        }
    }

    /// Whether a token of this kind may be a label name in `by (...)` / `on (...)` (Prometheus's `maybe_label`).
    var canBeGroupingLabel: Bool {
        switch self {
        case .identifier, .metricIdentifier, .aggregator, .bool, .by, .groupLeft, .groupRight, .ignoring,
             .land, .lor, .lunless, .offset, .on, .without, .start, .end, .atan2, .step, .range, .minOf, .maxOf:
            return true
        default:
            return false
        }
    }
}

/// One lexical item. Offsets count unicode scalars; `end` is exclusive.
struct Token: Sendable {
    var kind: TokenKind
    var start: Int
    var end: Int
    /// The source text, or the message for `.error` tokens.
    var text: String

    var position: PositionRange { PositionRange(start: start, end: end) }

    /// How Prometheus names the token in "unexpected ..." messages.
    var errorDescription: String {
        switch kind {
        case .eof: return "end of input"
        case .error: return text
        case .identifier: return "identifier \(goQuote(text))"
        case .metricIdentifier: return "metric identifier \(goQuote(text))"
        case .number: return "number \(truncatedQuote(text))"
        case .duration: return "duration \(truncatedQuote(text))"
        case .string: return "string \(truncatedQuote(text))"
        case .aggregator: return "<aggr:\(text)>"
        default:
            if kind.isOperator { return "<op:\(text)>" }
            if kind.isKeyword { return "<\(text)>" }
            return truncatedQuote(text)
        }
    }

    /// Go's `%.10q...` for long values, `%q` otherwise.
    private func truncatedQuote(_ s: String) -> String {
        let scalars = s.unicodeScalars
        if s.utf8.count > 10 {
            var head = String.UnicodeScalarView()
            head.append(contentsOf: scalars.prefix(10))
            return goQuote(String(head)) + "..."
        }
        return goQuote(s)
    }
}
