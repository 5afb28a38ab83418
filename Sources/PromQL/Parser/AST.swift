import TSDB

// The PromQL abstract syntax tree, shaped after Prometheus's `promql/parser` AST.
//
// Design: `Expr` is an indirect enum whose cases each carry a small struct, so the evaluator can
// `switch` exhaustively while each node keeps named fields and its own source position.
// All times and durations are Int64 milliseconds.
//
// Equality (`==`) is structural: it ignores source positions, compares label matchers as an
// unordered set (kind, name, value), and treats two NaN literals as equal. That is what
// "parsing the printed form gives the same tree" needs.

/// A half-open range of character offsets (unicode scalars, 0-based) in the query text.
public struct PositionRange: Sendable, Hashable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    public var range: Range<Int> { start..<max(start, end) }
    public var description: String { "\(start)..<\(end)" }
}

/// The type an expression evaluates to, as Prometheus's type checker sees it.
public enum ValueType: String, Sendable, Hashable {
    case scalar, vector, matrix, string

    /// The name Prometheus uses in error messages ("instant vector", "range vector", ...).
    public var documentedName: String {
        switch self {
        case .scalar: return "scalar"
        case .vector: return "instant vector"
        case .matrix: return "range vector"
        case .string: return "string"
        }
    }
}

/// Binary operators. Precedence (high to low): `^` (right-assoc); `* / % atan2`; `+ -`;
/// comparisons; `and unless`; `or`.
public enum BinaryOp: String, Sendable, Hashable, CaseIterable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^", atan2 = "atan2"
    case eql = "==", neq = "!=", gtr = ">", lss = "<", gte = ">=", lte = "<="
    case and = "and", or = "or", unless = "unless"

    /// `== != > < >= <=`: filter (or return 0/1 with `bool`).
    public var isComparison: Bool {
        switch self {
        case .eql, .neq, .gtr, .lss, .gte, .lte: return true
        default: return false
        }
    }

    /// `and or unless`: only between instant vectors, always many-to-many.
    public var isSetOperator: Bool {
        self == .and || self == .or || self == .unless
    }

    /// Larger binds tighter.
    public var precedence: Int {
        switch self {
        case .or: return 1
        case .and, .unless: return 2
        case .eql, .neq, .gtr, .lss, .gte, .lte: return 3
        case .add, .sub: return 4
        case .mul, .div, .mod, .atan2: return 5
        case .pow: return 6
        }
    }

    public var isRightAssociative: Bool { self == .pow }
}

/// Unary operators; `+x` is kept (except on number literals, which absorb the sign like Prometheus).
public enum UnaryOp: String, Sendable, Hashable {
    case minus = "-", plus = "+"
}

/// Aggregation operators.
public enum AggregationOp: String, Sendable, Hashable, CaseIterable {
    case sum, min, max, avg, group, stddev, stdvar, count
    case countValues = "count_values"
    case bottomk, topk, quantile, limitk
    case limitRatio = "limit_ratio"

    /// Whether the operator takes a parameter before the vector (`topk(3, x)`).
    public var hasParam: Bool {
        switch self {
        case .countValues, .bottomk, .topk, .quantile, .limitk, .limitRatio: return true
        default: return false
        }
    }

    /// `limitk` and `limit_ratio` are experimental in Prometheus.
    public var isExperimental: Bool { self == .limitk || self == .limitRatio }

    /// The spelling in queries.
    public var name: String { rawValue }
}

/// The `@` modifier of a selector or subquery.
public enum AtModifier: Sendable, Hashable {
    case none
    /// `@ <seconds>`, stored in milliseconds.
    case timestamp(Int64)
    /// `@ start()`: the query's start time.
    case start
    /// `@ end()`: the query's end time.
    case end
}

/// How the two sides of a vector/vector binary operation are matched.
public enum VectorMatchCardinality: String, Sendable, Hashable {
    case oneToOne = "one-to-one"
    case manyToOne = "many-to-one"
    case oneToMany = "one-to-many"
    case manyToMany = "many-to-many"
}

/// Vector matching of a binary expression; present only when both operands are instant vectors.
public struct VectorMatching: Sendable, Hashable {
    /// `.manyToOne` for `group_left`, `.oneToMany` for `group_right`, `.manyToMany` for set operators.
    public var card: VectorMatchCardinality
    /// The labels of `on(...)` / `ignoring(...)`.
    public var matchingLabels: [String]
    /// True for `on`, false for `ignoring` (or no clause: ignoring nothing).
    public var on: Bool
    /// The extra labels of `group_left(...)` / `group_right(...)`.
    public var include: [String]

    public init(card: VectorMatchCardinality = .oneToOne, matchingLabels: [String] = [], on: Bool = false,
                include: [String] = []) {
        self.card = card
        self.matchingLabels = matchingLabels
        self.on = on
        self.include = include
    }
}

/// A number literal (`1`, `-2.5e3`, `0x1F`, `Inf`, `NaN`, or a bare duration like `5m` = 300).
public struct NumberLiteral: Sendable {
    public var value: Double
    public var position: PositionRange
    /// Written as a duration (`5m`): `value` is in seconds and the printer writes it back as a duration.
    /// Not part of equality.
    public var isDuration: Bool

    public init(value: Double, position: PositionRange, isDuration: Bool = false) {
        self.value = value
        self.position = position
        self.isDuration = isDuration
    }
}

/// A string literal, already unquoted.
public struct StringLiteral: Sendable {
    public var value: String
    public var position: PositionRange

    public init(value: String, position: PositionRange) {
        self.value = value
        self.position = position
    }
}

/// An instant vector selector: `name{matchers} @ t offset d`.
public struct VectorSelector: Sendable {
    /// The metric name written before the braces, or nil (`{job="a"}`).
    public var name: String?
    /// All matchers, including the implicit `__name__="name"` matcher when `name` is set.
    public var matchers: [Matcher]
    /// `offset` in milliseconds; negative offsets look into the future.
    public var offset: Int64
    public var at: AtModifier
    public var position: PositionRange

    public init(name: String?, matchers: [Matcher], offset: Int64 = 0, at: AtModifier = .none,
                position: PositionRange) {
        self.name = name
        self.matchers = matchers
        self.offset = offset
        self.at = at
        self.position = position
    }
}

/// A range vector selector `sel[range]`. Its offset and `@` live in `selector`.
public struct MatrixSelector: Sendable {
    public var selector: VectorSelector
    /// Milliseconds, > 0.
    public var range: Int64
    public var position: PositionRange

    public init(selector: VectorSelector, range: Int64, position: PositionRange) {
        self.selector = selector
        self.range = range
        self.position = position
    }
}

/// A subquery `expr[range:step] @ t offset d`.
public struct SubqueryExpr: Sendable {
    public var expr: Expr
    /// Milliseconds, > 0.
    public var range: Int64
    /// Milliseconds; nil means the default (the global evaluation interval).
    public var step: Int64?
    public var offset: Int64
    public var at: AtModifier
    public var position: PositionRange

    public init(expr: Expr, range: Int64, step: Int64?, offset: Int64 = 0, at: AtModifier = .none,
                position: PositionRange) {
        self.expr = expr
        self.range = range
        self.step = step
        self.offset = offset
        self.at = at
        self.position = position
    }
}

/// `-expr` or `+expr` (not on number literals: those fold the sign into the literal).
public struct UnaryExpr: Sendable {
    public var op: UnaryOp
    public var expr: Expr
    public var position: PositionRange

    public init(op: UnaryOp, expr: Expr, position: PositionRange) {
        self.op = op
        self.expr = expr
        self.position = position
    }
}

/// `(expr)`, kept so the printer reproduces the grouping.
public struct ParenExpr: Sendable {
    public var expr: Expr
    public var position: PositionRange

    public init(expr: Expr, position: PositionRange) {
        self.expr = expr
        self.position = position
    }
}

/// `lhs op [bool] [on/ignoring(...)] [group_left/right(...)] rhs`.
public struct BinaryExpr: Sendable {
    public var op: BinaryOp
    public var lhs: Expr
    public var rhs: Expr
    /// `bool` modifier (comparisons only): return 0/1 instead of filtering.
    public var returnBool: Bool
    /// Non-nil exactly when both operands are instant vectors.
    public var matching: VectorMatching?
    public var position: PositionRange

    public init(op: BinaryOp, lhs: Expr, rhs: Expr, returnBool: Bool = false, matching: VectorMatching? = nil,
                position: PositionRange) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.returnBool = returnBool
        self.matching = matching
        self.position = position
    }
}

/// `op [by/without (labels)] ([param,] expr)`.
public struct AggregateExpr: Sendable {
    public var op: AggregationOp
    public var expr: Expr
    /// The parameter of topk/bottomk/quantile/count_values/limitk/limit_ratio, else nil.
    public var param: Expr?
    public var grouping: [String]
    /// True for `without (...)`, false for `by (...)` or no clause.
    public var without: Bool
    public var position: PositionRange

    public init(op: AggregationOp, expr: Expr, param: Expr? = nil, grouping: [String] = [], without: Bool = false,
                position: PositionRange) {
        self.op = op
        self.expr = expr
        self.param = param
        self.grouping = grouping
        self.without = without
        self.position = position
    }
}

/// A function call; `function` is the entry from `FunctionSignature.all`.
public struct Call: Sendable {
    public var function: FunctionSignature
    public var args: [Expr]
    public var position: PositionRange

    public init(function: FunctionSignature, args: [Expr], position: PositionRange) {
        self.function = function
        self.args = args
        self.position = position
    }
}

/// A PromQL expression.
public indirect enum Expr: Sendable {
    case number(NumberLiteral)
    case string(StringLiteral)
    case vectorSelector(VectorSelector)
    case matrixSelector(MatrixSelector)
    case subquery(SubqueryExpr)
    case unary(UnaryExpr)
    case paren(ParenExpr)
    case binary(BinaryExpr)
    case aggregate(AggregateExpr)
    case call(Call)

    /// Where the expression is in the query text.
    public var position: PositionRange {
        switch self {
        case .number(let n): return n.position
        case .string(let n): return n.position
        case .vectorSelector(let n): return n.position
        case .matrixSelector(let n): return n.position
        case .subquery(let n): return n.position
        case .unary(let n): return n.position
        case .paren(let n): return n.position
        case .binary(let n): return n.position
        case .aggregate(let n): return n.position
        case .call(let n): return n.position
        }
    }

    /// The value type, as Prometheus computes it (no deep checks: the parser has done those).
    public var type: ValueType {
        switch self {
        case .number: return .scalar
        case .string: return .string
        case .vectorSelector: return .vector
        case .matrixSelector, .subquery: return .matrix
        case .unary(let n): return n.expr.type
        case .paren(let n): return n.expr.type
        case .binary(let n): return n.lhs.type == .scalar && n.rhs.type == .scalar ? .scalar : .vector
        case .aggregate: return .vector
        case .call(let n): return n.function.returnType
        }
    }

    /// The direct sub-expressions, in source order.
    public var children: [Expr] {
        switch self {
        case .number, .string, .vectorSelector: return []
        case .matrixSelector(let n): return [.vectorSelector(n.selector)]
        case .subquery(let n): return [n.expr]
        case .unary(let n): return [n.expr]
        case .paren(let n): return [n.expr]
        case .binary(let n): return [n.lhs, n.rhs]
        case .aggregate(let n): return n.param.map { [$0, n.expr] } ?? [n.expr]
        case .call(let n): return n.args
        }
    }

    /// The expression with any enclosing parentheses removed.
    public var unwrappingParens: Expr {
        var e = self
        while case .paren(let p) = e { e = p.expr }
        return e
    }
}
