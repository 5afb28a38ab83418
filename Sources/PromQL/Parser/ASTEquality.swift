import TSDB

// Structural equality for the AST: positions are ignored, matchers compare as an unordered set,
// and NaN literals equal each other. See the note at the top of AST.swift.

extension Expr: Equatable {
    public static func == (a: Expr, b: Expr) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.vectorSelector(let x), .vectorSelector(let y)): return x == y
        case (.matrixSelector(let x), .matrixSelector(let y)): return x == y
        case (.subquery(let x), .subquery(let y)): return x == y
        case (.unary(let x), .unary(let y)): return x == y
        case (.paren(let x), .paren(let y)): return x == y
        case (.binary(let x), .binary(let y)): return x == y
        case (.aggregate(let x), .aggregate(let y)): return x == y
        case (.call(let x), .call(let y)): return x == y
        default: return false
        }
    }
}

extension NumberLiteral: Equatable {
    public static func == (a: NumberLiteral, b: NumberLiteral) -> Bool {
        a.value == b.value || (a.value.isNaN && b.value.isNaN)
    }
}

extension StringLiteral: Equatable {
    public static func == (a: StringLiteral, b: StringLiteral) -> Bool { a.value == b.value }
}

extension VectorSelector: Equatable {
    public static func == (a: VectorSelector, b: VectorSelector) -> Bool {
        guard a.name == b.name, a.offset == b.offset, a.at == b.at, a.matchers.count == b.matchers.count else {
            return false
        }
        func key(_ m: Matcher) -> String { "\(m.name)\u{0}\(m.kind.rawValue)\u{0}\(m.value)" }
        return a.matchers.map(key).sorted() == b.matchers.map(key).sorted()
    }
}

extension MatrixSelector: Equatable {
    public static func == (a: MatrixSelector, b: MatrixSelector) -> Bool {
        a.selector == b.selector && a.range == b.range
    }
}

extension SubqueryExpr: Equatable {
    public static func == (a: SubqueryExpr, b: SubqueryExpr) -> Bool {
        a.expr == b.expr && a.range == b.range && a.step == b.step && a.offset == b.offset && a.at == b.at
    }
}

extension UnaryExpr: Equatable {
    public static func == (a: UnaryExpr, b: UnaryExpr) -> Bool { a.op == b.op && a.expr == b.expr }
}

extension ParenExpr: Equatable {
    public static func == (a: ParenExpr, b: ParenExpr) -> Bool { a.expr == b.expr }
}

extension BinaryExpr: Equatable {
    public static func == (a: BinaryExpr, b: BinaryExpr) -> Bool {
        a.op == b.op && a.returnBool == b.returnBool && a.matching == b.matching && a.lhs == b.lhs && a.rhs == b.rhs
    }
}

extension AggregateExpr: Equatable {
    public static func == (a: AggregateExpr, b: AggregateExpr) -> Bool {
        a.op == b.op && a.grouping == b.grouping && a.without == b.without && a.param == b.param && a.expr == b.expr
    }
}

extension Call: Equatable {
    public static func == (a: Call, b: Call) -> Bool { a.function == b.function && a.args == b.args }
}
