import Testing
import TSDB
@testable import PromQL

/// Valid queries and Prometheus's canonical printed form (nil: printed unchanged).
let parserValidQueries: [(String, String?)] = [
    // Literals.
    ("1", nil), ("-1", nil), ("+1", "1"), ("1.5", nil), (".5", "0.5"), ("5.", "5"), ("1e3", "1000"),
    ("1e-7", "0.0000001"), ("1E+3", "1000"), ("0x1F", "31"), ("0X_ff", "255"), ("010", "8"), ("08", "8"),
    ("1_000", "1000"), ("Inf", "+Inf"), ("+inf", "+Inf"), ("-Inf", nil), ("NaN", nil), ("nan", "NaN"),
    ("1048576", nil), ("123456789012345678901234", "123456789012345690000000"), ("--1", "1"),
    ("5m", nil), ("-5m", nil), ("1h30m", nil), ("1s500ms", nil),
    ("\"abc\"", nil), ("'abc'", "\"abc\""), ("`a\\b`", "\"a\\\\b\""), ("\"a\\nb\\t\\\"\"", nil),
    ("\"\\u00e9\\x41\\101\"", "\"éAA\""), ("\"é\"", nil), ("'\"'", "\"\\\"\""), ("\"\\a\\b\\f\\v\\r\"", nil),
    // Selectors.
    ("foo", nil), ("foo:bar:rate5m", nil), ("foo{}", "foo"), ("foo{a=\"b\"}", nil),
    ("foo{a=\"b\",}", "foo{a=\"b\"}"), ("foo{ b = \"1\" , a != '2' }", "foo{a!=\"2\",b=\"1\"}"),
    ("{a=~\"x.*\", b!~\"y\"}", "{a=~\"x.*\",b!~\"y\"}"), ("{__name__=\"foo\"}", nil), ("{\"foo\"}", "{__name__=\"foo\"}"),
    ("{\"a.b\"=\"c\"}", nil), ("{\"_0\"=\"1\"}", "{_0=\"1\"}"), ("{``=\"0\"}", "{\"\"=\"0\"}"),
    ("{__name__=\"\",a=\"x\"}", nil), ("sum", nil), ("by{a=\"b\"}", nil), ("offset", nil), ("start", nil),
    ("foo # comment\n", "foo"), ("foo offset 5m", nil), ("foo offset -7m", nil), ("foo OFFSET 1h30m", "foo offset 1h30m"),
    ("foo offset 0s", "foo"), ("foo offset 90", "foo offset 1m30s"), ("foo offset 1.5", "foo offset 1s500ms"),
    ("foo @ 10", "foo @ 10.000"), ("foo @ -1.5", "foo @ -1.500"), ("foo @ 1m", "foo @ 60.000"),
    ("foo @ start()", nil), ("foo @ end()", nil), ("foo offset 1m @ 10", "foo @ 10.000 offset 1m"),
    ("foo[5m]", nil), ("foo[300]", "foo[5m]"), ("foo[1.5]", "foo[1s500ms]"), ("foo[ 5m ]", "foo[5m]"),
    ("foo{a=\"b\"}[5m] offset 1m", nil), ("foo[5m] @ end() offset -1m", nil), ("foo[1y]", nil), ("foo[2w]", nil),
    ("foo[5m:]", nil), ("foo[5m:1m]", nil), ("foo[5m:1m] offset 1m @ 100", "foo[5m:1m] @ 100.000 offset 1m"),
    ("foo offset 5m [10m:]", "foo offset 5m[10m:]"), ("(foo + bar)[5m:1m]", nil),
    ("rate(foo[5m])[30m:1m]", nil), ("min_over_time(rate(foo[5m])[30m:])", nil),
    // Operators.
    ("1 + 2", nil), ("1+2*3", "1 + 2 * 3"), ("(1 + 2) * 3", nil), ("2 ^ 3 ^ 2", nil), ("-2 ^ 2", nil),
    ("1 - -1", nil), ("a + b", nil), ("a and b", nil), ("a or b unless c", nil), ("a AND b", "a and b"),
    ("a atan2 b", nil), ("a > bool 1", nil), ("1 == bool 1", nil), ("a == b", nil), ("a != b", nil),
    ("a <= b", nil), ("a >= b", nil), ("a < b", nil), ("a % b", nil), ("a / b", nil),
    ("a - on() c", "a - on () c"), ("a - on(b) c", "a - on (b) c"), ("a - on(b) group_left(x) c", "a - on (b) group_left (x) c"),
    ("a - on(b) group_left(x, y) c", "a - on (b) group_left (x, y) c"), ("a - on(b) group_left c", "a - on (b) group_left () c"),
    ("a - on(b) group_left() (c)", "a - on (b) group_left () (c)"), ("a - ignoring(b) c", "a - ignoring (b) c"),
    ("a - ignoring() c", "a - c"), ("a - ignoring() group_left(__metric__) c", "a - ignoring () group_left (__metric__) c"),
    ("a * ignoring(b) group_right(c, \"d.e\") f", "a * ignoring (b) group_right (c, \"d.e\") f"),
    ("a and on(x) b", "a and on (x) b"), ("a > bool on(x) b", "a > bool on (x) b"), ("1 + on() a", "1 + a"), ("Inf ^ 2", nil), ("-Inf ^ 2", nil), ("1 - Inf ^ 2", nil),
    ("-foo", nil), ("+foo", nil), ("- (foo)", "-(foo)"), ("-foo offset 5m", nil), ("-a * b", nil),
    ("foo * -1", nil),
    // Aggregations.
    ("sum(foo)", nil), ("SUM(foo)", "sum(foo)"), ("sum by(code) (task:errors:rate10s{job=\"s\"})", "sum by (code) (task:errors:rate10s{job=\"s\"})"),
    ("sum by() (x)", "sum(x)"), ("sum without() (x)", "sum without () (x)"), ("sum without(instance) (x)", "sum without (instance) (x)"),
    ("sum(x) by (a, b)", "sum by (a, b) (x)"), ("sum by (a,) (x)", "sum by (a) (x)"),
    ("sum by(\"foo.bar\") (x)", "sum by (\"foo.bar\") (x)"), ("count by(\"ööö\", job) (foo)", "count by (\"ööö\", job) (foo)"),
    ("sum by (sum, on, offset, bool) (x)", nil), ("sum by (a:b) (x)", "sum by (\"a:b\") (x)"),
    ("topk(5, x)", nil), ("bottomk(1, x)", nil), ("quantile(0.9, x)", nil), ("count_values(\"value\", x)", nil),
    ("stddev(x)", nil), ("stdvar(x)", nil), ("group(x)", nil), ("avg(x)", nil), ("min(x)", nil), ("max(x)", nil),
    ("count(x)", nil), ("sum(sum(x))", nil), ("sum(rate(x[5m]) * 2)", nil),
    // Functions.
    ("rate(foo[5m])", nil), ("rate (foo[5m])", "rate(foo[5m])"), ("time()", nil), ("pi()", nil),
    ("round(x)", nil), ("round(x, 5)", nil), ("hour()", nil), ("label_join(x, \"a\", \",\", \"b\", \"c\")", nil),
    ("label_replace(x, \"a\", \"$1\", \"b\", \"(.*)\")", nil), ("histogram_quantile(0.9, rate(x_bucket[5m]))", nil),
    ("predict_linear(foo[1h], 3000)", nil), ("clamp(x, 0, 1)", nil), ("vector(1)", nil), ("scalar(x)", nil),
    ("absent(nonexistent{job=\"x\"})", nil), ("sum by (job) (rate(http_requests_total{job=\"a\"}[5m]))", nil),
    ("histogram_fraction(0, 1, x)", nil), ("histogram_count(x)", nil),
]

/// Queries that need experimental functions enabled.
let parserExperimentalQueries: [(String, String?)] = [
    ("limitk(2, x)", nil), ("limit_ratio(0.5, x)", nil), ("sort_by_label(x, \"a\", \"b\")", nil),
    ("mad_over_time(x[5m])", nil), ("double_exponential_smoothing(x[5m], 0.5, 0.5)", nil),
    ("info(x, {a=\"b\"})", nil), ("info(x, {})", "info(x, {})"), ("step()", nil), ("start() + end()", nil),
    ("range()", nil), ("histogram_quantiles(x, \"q\", 0.5, 0.9)", nil),
]

let parserExperimentalOptions = PromQLParser.Options(enableExperimentalFunctions: true)

@Suite struct ParserTests {
    @Test(arguments: parserValidQueries)
    func validQueryPrintsCanonically(_ query: String, _ printed: String?) throws {
        let e = try PromQLParser.parse(query)
        #expect(format(e) == (printed ?? query))
        // Round trip: the printed form parses back to the same tree and prints identically.
        let again = try PromQLParser.parse(format(e))
        #expect(again == e)
        #expect(format(again) == format(e))
    }

    @Test(arguments: parserExperimentalQueries)
    func experimentalQueriesNeedTheOption(_ query: String, _ printed: String?) throws {
        let e = try PromQLParser.parse(query, options: parserExperimentalOptions)
        #expect(format(e) == (printed ?? query))
        #expect(try PromQLParser.parse(format(e), options: parserExperimentalOptions) == e)
        #expect(throws: PromQLError.self) { try PromQLParser.parse(query) }
    }

    @Test(arguments: prometheusErrorCases)
    func errorsMatchPrometheus(_ c: ParseErrorCase) {
        do {
            let e = try PromQLParser.parse(c.query, options: parserExperimentalOptions)
            Issue.record("parsed \(c.query) as \(format(e))")
        } catch {
            #expect(error.kind == .parse)
            let parts = error.message.split(separator: ": parse error: ", maxSplits: 1)
            #expect(parts.count == 2)
            #expect(parts.last.map(String.init) == c.message)
            #expect(error.position?.lowerBound == c.start)
        }
    }

    @Test func experimentalFeaturesAreOffByDefault() {
        let cases = [
            ("limitk(1, x)", "1:1: parse error: limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions"),
            ("sort_by_label(x, \"a\")", "1:1: parse error: function \"sort_by_label\" is not enabled"),
            ("1 + step()", "1:5: parse error: function \"step\" is not enabled"),
        ]
        for (q, message) in cases {
            do {
                _ = try PromQLParser.parse(q)
                Issue.record("\(q) parsed")
            } catch {
                #expect(error.message == message)
            }
            #expect(throws: Never.self) { try PromQLParser.parse(q, options: parserExperimentalOptions) }
        }
    }

    @Test func errorPrefixHasLineAndColumn() {
        #expect(throws: PromQLError(.parse, "1:3: parse error: unexpected end of input", position: 2..<2)) {
            try PromQLParser.parse("1+")
        }
        do {
            _ = try PromQLParser.parse("sum(x)\n  foo")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "2:3: parse error: unexpected identifier \"foo\"")
        }
    }

    // MARK: - Tree shapes

    @Test func powerIsRightAssociative() throws {
        guard case .binary(let top) = try PromQLParser.parse("2 ^ 3 ^ 2") else { Issue.record("not binary"); return }
        #expect(top.op == .pow)
        guard case .number(let l) = top.lhs, case .binary(let r) = top.rhs else { Issue.record("wrong shape"); return }
        #expect(l.value == 2)
        #expect(r.op == .pow)
    }

    @Test func unaryMinusBindsLooserThanPower() throws {
        guard case .unary(let u) = try PromQLParser.parse("-2 ^ 2") else { Issue.record("not unary"); return }
        #expect(u.op == .minus)
        guard case .binary(let b) = u.expr else { Issue.record("wrong shape"); return }
        #expect(b.op == .pow)
        // But tighter than `*`: -a * b is (-a) * b.
        guard case .binary(let m) = try PromQLParser.parse("-a * b"), case .unary = m.lhs else {
            Issue.record("wrong shape for -a * b")
            return
        }
        // And a literal absorbs the sign.
        guard case .binary(let n) = try PromQLParser.parse("-1 * 2"), case .number(let lit) = n.lhs else {
            Issue.record("wrong shape for -1 * 2")
            return
        }
        #expect(lit.value == -1)
    }

    @Test(arguments: [
        ("a + b * c", "+"), ("a * b + c", "+"), ("a - b - c", "-"), ("a or b and c", "or"),
        ("a and b or c", "or"), ("a unless b and c", "and"), ("a == b + c", "=="), ("a + b > c", ">"),
        ("a > b and c", "and"), ("a * b ^ c", "*"), ("a atan2 b + c", "+"), ("a / b % c", "%"),
    ])
    func precedence(_ query: String, _ topOp: String) throws {
        guard case .binary(let b) = try PromQLParser.parse(query) else { Issue.record("not binary"); return }
        #expect(b.op.rawValue == topOp)
    }

    @Test func leftAssociativity() throws {
        guard case .binary(let b) = try PromQLParser.parse("a - b - c"), case .binary(let inner) = b.lhs else {
            Issue.record("a - b - c is not (a - b) - c")
            return
        }
        #expect(inner.op == .sub)
    }

    @Test func postfixModifiersBindToTheNearestOperand() throws {
        guard case .binary(let b) = try PromQLParser.parse("a + b offset 5m"), case .vectorSelector(let vs) = b.rhs else {
            Issue.record("wrong shape")
            return
        }
        #expect(vs.offset == 300_000)
    }

    @Test func selectorFields() throws {
        guard case .matrixSelector(let m) = try PromQLParser.parse("foo{a=~\"b|c\"}[5m] @ 1.5 offset -1m") else {
            Issue.record("not a matrix selector")
            return
        }
        #expect(m.range == 300_000)
        #expect(m.selector.name == "foo")
        #expect(m.selector.offset == -60_000)
        #expect(m.selector.at == .timestamp(1500))
        #expect(m.selector.matchers.map(\.name) == ["a", "__name__"])
        #expect(m.selector.matchers.map(\.kind) == [.regexMatch, .equal])
        #expect(m.selector.matchers.first?.matches("c") == true)
        #expect(m.position == PositionRange(start: 0, end: 34))
    }

    @Test func subqueryFields() throws {
        guard case .subquery(let s) = try PromQLParser.parse("rate(x[1m])[1h:] @ end()") else {
            Issue.record("not a subquery")
            return
        }
        #expect(s.range == 3_600_000)
        #expect(s.step == nil)
        #expect(s.at == .end)
        #expect(s.expr.type == .vector)
    }

    @Test func vectorMatchingIsNormalised() throws {
        guard case .binary(let set) = try PromQLParser.parse("a and b") else { Issue.record("not binary"); return }
        #expect(set.matching?.card == .manyToMany)
        guard case .binary(let scalar) = try PromQLParser.parse("a * 2") else { Issue.record("not binary"); return }
        #expect(scalar.matching == nil)
        guard case .binary(let g) = try PromQLParser.parse("a / on(x) group_left(y) b") else { Issue.record("not binary"); return }
        #expect(g.matching == VectorMatching(card: .manyToOne, matchingLabels: ["x"], on: true, include: ["y"]))
    }

    @Test(arguments: [
        ("1", ValueType.scalar), ("\"a\"", .string), ("x", .vector), ("x[5m]", .matrix), ("x[5m:]", .matrix),
        ("1 + 1", .scalar), ("x + 1", .vector), ("-1", .scalar), ("-x", .vector), ("(x)", .vector),
        ("time()", .scalar), ("rate(x[1m])", .vector), ("sum(x)", .vector), ("scalar(x) * 2", .scalar),
    ])
    func types(_ query: String, _ type: ValueType) throws {
        #expect(try PromQLParser.parse(query).type == type)
    }

    @Test func functionTableIsComplete() {
        #expect(FunctionSignature.all.count == FunctionSignature.byName.count)
        for name in ["rate", "irate", "increase", "delta", "idelta", "deriv", "predict_linear", "holt_winters",
                     "histogram_quantile", "histogram_avg", "label_replace", "timestamp", "sort_desc",
                     "present_over_time", "quantile_over_time", "days_in_month", "info"] where name != "holt_winters" {
            #expect(FunctionSignature.named(name) != nil, "missing \(name)")
        }
        #expect(FunctionSignature.named("holt_winters") == nil)
        #expect(FunctionSignature.named("round")?.variadic == 1)
        #expect(FunctionSignature.named("label_join")?.variadic == -1)
    }

    @Test func seriesSelectors() throws {
        let m = try PromQLParser.parseSeriesSelector("up{job=~\"a|b\", env!=\"\"}")
        #expect(m.map(\.name) == ["job", "env", "__name__"])
        #expect(try PromQLParser.parseSeriesSelector("{a=\"b\"}").count == 1)
        #expect(throws: PromQLError.self) { try PromQLParser.parseSeriesSelector("up offset 5m") }
        #expect(throws: PromQLError.self) { try PromQLParser.parseSeriesSelector("rate(x[5m])") }
        #expect(throws: PromQLError.self) { try PromQLParser.parseSeriesSelector("") }
    }

    @Test func durations() throws {
        #expect(try PromQLParser.parseDuration("1h30m") == 5_400_000)
        #expect(try PromQLParser.parseDuration("1y") == 31_536_000_000)
        #expect(try PromQLParser.parseDuration("100ms") == 100)
        #expect(try PromQLParser.parseDuration("0") == 0)
        #expect(try PromQLParser.parseDuration("1w2d3h4m5s6ms") == 788_645_006)
        for bad in ["", "1", "1.5h", "5m1h", "5m5m", "h", "-5m", "5 m", "1hs"] {
            #expect(throws: PromQLError.self) { try PromQLParser.parseDuration(bad) }
        }
    }

    @Test func numberFormatting() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "-0"), (1, "1"), (-2.5, "-2.5"), (1e21, "1000000000000000000000"), (1e-7, "0.0000001"),
            (0.1, "0.1"), (123.456, "123.456"), (.infinity, "+Inf"), (-.infinity, "-Inf"), (.nan, "NaN"),
            (5e-324, "0." + String(repeating: "0", count: 323) + "5"), (1.7976931348623157e308, "17976931348623157" + String(repeating: "0", count: 292)),
        ]
        for (v, s) in cases { #expect(GoFloatFormat.formatF(v) == s) }
    }
}
