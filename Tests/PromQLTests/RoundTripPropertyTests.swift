import Testing
import TSDB
@testable import PromQL

/// A tiny seeded generator so property tests are reproducible.
struct ParserTestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds random, type-correct query text.
struct RandomQueryText {
    var rng: ParserTestRNG

    mutating func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    mutating func labelValue() -> String { pick(["a", "", "x.y", "é", "q\"t", "new\nline", "\\", "😀", "tab\t"]) }
    mutating func labelName() -> String { pick(["job", "instance", "le", "a_b", "by", "on"]) }
    mutating func duration() -> String { pick(["5m", "1h", "30s", "1h30m", "1d", "90", "1.5", "2w", "100ms"]) }

    mutating func quoted(_ s: String) -> String { goQuote(s) }

    mutating func selector() -> String {
        var s = pick(["up", "http_requests_total", "a:b:c", "sum", "offset", ""])
        var matchers: [String] = []
        if s.isEmpty || chance(0.5) {
            for _ in 0..<Int.random(in: (s.isEmpty ? 1 : 0)...3, using: &rng) {
                let op = pick(["=", "!=", "=~", "!~"])
                matchers.append(labelName() + op + quoted(op.contains("~") ? pick(["a|b", ".+", "x.*"]) : labelValue()))
            }
            if s.isEmpty { matchers.append("job=\"nonempty\"") }
            s += "{" + matchers.joined(separator: pick([",", ", "])) + "}"
        }
        return s
    }

    mutating func modifiers() -> String {
        var s = ""
        if chance(0.2) { s += " @ " + pick(["100", "1.5", "-3", "start()", "end()"]) }
        if chance(0.2) { s += " offset " + pick(["", "-"]) + duration() }
        return s
    }

    mutating func range() -> String {
        if chance(0.5) { return selector() + "[" + duration() + "]" + modifiers() }
        return "(" + vector(depth: 2) + ")[" + duration() + ":" + (chance(0.5) ? duration() : "") + "]" + modifiers()
    }

    mutating func scalar(depth: Int) -> String {
        if depth <= 0 { return pick(["1", "-2.5", "0x10", "1e3", "Inf", "NaN", "time()", "pi()"]) }
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return scalar(depth: depth - 1) + " " + pick(["+", "-", "*", "/", "%", "^", "atan2", "== bool", "> bool"]) + " " + scalar(depth: depth - 1)
        case 1: return "(" + scalar(depth: depth - 1) + ")"
        case 2: return "scalar(" + vector(depth: depth - 1) + ")"
        default: return "-" + scalar(depth: depth - 1)
        }
    }

    mutating func grouping() -> String {
        let labels = (0..<Int.random(in: 0...2, using: &rng)).map { _ in labelName() }.joined(separator: ", ")
        return "(" + labels + ")"
    }

    mutating func vector(depth: Int) -> String {
        if depth <= 0 { return selector() + modifiers() }
        switch Int.random(in: 0..<9, using: &rng) {
        case 0: return selector() + modifiers()
        case 1:
            let op = pick(["+", "-", "*", "/", "==", "!=", ">", "<=", "and", "or", "unless", "^"])
            var mod = ""
            if chance(0.5) {
                mod = " " + pick(["on", "ignoring"]) + grouping()
                if !["and", "or", "unless"].contains(op) && chance(0.5) {
                    mod += " " + pick(["group_left", "group_right"]) + (chance(0.5) ? grouping() : "")
                }
            }
            if ["==", "!=", ">", "<="].contains(op) && chance(0.5) { mod = " bool" + mod }
            return vector(depth: depth - 1) + " " + op + mod + " " + vector(depth: depth - 1)
        case 2: return vector(depth: depth - 1) + " " + pick(["+", "*", ">", "/"]) + " " + scalar(depth: depth - 1)
        case 3:
            let agg = pick(["sum", "avg", "min", "max", "count", "group", "stddev", "stdvar"])
            let g = chance(0.5) ? " " + pick(["by", "without"]) + " " + grouping() + " " : ""
            return chance(0.5) ? agg + g + "(" + vector(depth: depth - 1) + ")" : agg + "(" + vector(depth: depth - 1) + ")" + g
        case 4: return pick(["topk", "bottomk", "quantile"]) + "(" + scalar(depth: 0) + ", " + vector(depth: depth - 1) + ")"
        case 5: return pick(["rate", "increase", "avg_over_time", "changes"]) + "(" + range() + ")"
        case 6: return pick(["abs", "ceil", "sort", "timestamp"]) + "(" + vector(depth: depth - 1) + ")"
        case 7: return "(" + vector(depth: depth - 1) + ")"
        default: return pick(["-", "+"]) + vector(depth: depth - 1)
        }
    }
}

@Suite struct RoundTripPropertyTests {
    @Test func randomQueriesRoundTrip() throws {
        var g = RandomQueryText(rng: ParserTestRNG(seed: 0x5EED))
        var parsed = 0
        for _ in 0..<3000 {
            let q = g.vector(depth: Int.random(in: 0...4, using: &g.rng))
            let e: Expr
            do {
                e = try PromQLParser.parse(q)
            } catch {
                // Some generated combinations are legitimately invalid (e.g. grouping on a set operator
                // against a scalar); they must still fail cleanly, as parse errors.
                #expect(error.kind == .parse)
                continue
            }
            parsed += 1
            let printed = format(e)
            let again = try PromQLParser.parse(printed)
            #expect(again == e, "\(q) -> \(printed)")
            #expect(format(again) == printed)
        }
        #expect(parsed > 2000)
    }

    @Test func randomBytesNeverCrash() {
        var rng = ParserTestRNG(seed: 42)
        let alphabet = Array("abcxyz019_:.{}[]()\"'`\\=!~<>+-*/%^@,# \n\toffsetbysumonrateInfNaN5m".unicodeScalars)
        for _ in 0..<5000 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...30, using: &rng) { s.append(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]) }
            let q = String(s)
            do {
                let e = try PromQLParser.parse(q)
                #expect(try PromQLParser.parse(format(e)) == e, "\(q)")
            } catch {
                #expect(error.kind == .parse)
                #expect(error.message.contains("parse error: "))
            }
            _ = try? PromQLParser.parseSeriesDescription(q)
            _ = try? PromQLParser.parseSeriesSelector(q)
        }
    }
}
