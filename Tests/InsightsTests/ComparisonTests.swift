import Insights
import Statistics
import Testing

@Suite struct ComparisonTests {
    @Test func aSlowerCurrentSampleIsARegression() throws {
        let before = noise(count: 60, mean: 100, sd: 10, seed: 1)
        let after = noise(count: 60, mean: 115, sd: 10, seed: 2)
        let c = try Comparison(baseline: before, current: after)
        #expect(c.verdict == .regressed)
        #expect(c.reason.hasPrefix("regressed: Mann-Whitney p = "))
        #expect(c.reason.contains("lower is better"))
        #expect(c.changePercent.map { $0 > 10 && $0 < 20 } == true)
        #expect(c.cohensD.map { $0 > 1 } == true)
        // Tests as scipy reports them for (baseline, current): t < 0 when the current mean is higher.
        #expect(c.welch.map { $0.t < 0 && $0.pValue < 1e-6 } == true)
        #expect(try c.mannWhitney == mannWhitneyU(before, after))
        #expect(c.baseline.count == 60 && c.current.count == 60)
        #expect(abs(c.baseline.p50 - c.baseline.median) < 1e-12)
        #expect(c.baseline.p95 < c.baseline.p99)
    }

    @Test func directionFollowsHigherIsBetter() throws {
        let before = noise(count: 50, mean: 100, sd: 5, seed: 3)
        let after = noise(count: 50, mean: 90, sd: 5, seed: 4)
        #expect(try Comparison(baseline: before, current: after).verdict == .improved)
        let throughput = try Comparison(baseline: before, current: after, rule: VerdictRule(higherIsBetter: true))
        #expect(throughput.verdict == .regressed)
        #expect(throughput.reason.contains("higher is better"))
    }

    @Test func noiseAloneIsUnchanged() throws {
        let c = try Comparison(baseline: noise(count: 200, mean: 50, sd: 4, seed: 5), current: noise(count: 200, mean: 50, sd: 4, seed: 6))
        #expect(c.verdict == .unchanged)
        #expect(c.reason.contains(">= alpha 0.05"))
    }

    @Test func eachConditionOfTheRuleCanHoldTheVerdictBack() throws {
        // Significant but tiny against the noise: held back by the effect size.
        let big = noise(count: 20_000, mean: 100, sd: 10, seed: 7)
        let shifted = noise(count: 20_000, mean: 100.8, sd: 10, seed: 8)
        let small = try Comparison(baseline: big, current: shifted)
        #expect(small.mannWhitney.pValue < 0.05)
        #expect(small.verdict == .unchanged)
        #expect(small.reason.contains("< min effect 0.3"))
        // Large against the noise but a small change in percent.
        let tight = noise(count: 100, mean: 1000, sd: 0.5, seed: 9)
        let tight2 = noise(count: 100, mean: 1002, sd: 0.5, seed: 10)
        let percent = try Comparison(baseline: tight, current: tight2)
        #expect(percent.verdict == .unchanged)
        #expect(percent.reason.contains("< min change 1%"))
        let strict = try Comparison(baseline: tight, current: tight2, rule: VerdictRule(minChangePercent: 0.1))
        #expect(strict.verdict == .regressed)
    }

    @Test func constantSamples() throws {
        let same = try Comparison(baseline: [3, 3, 3], current: [3, 3, 3, 3])
        #expect(same.verdict == .unchanged)
        #expect(same.welch == nil && same.cohensD == nil)
        let stepped = try Comparison(baseline: Array(repeating: 1, count: 30), current: Array(repeating: 2, count: 30))
        #expect(stepped.verdict == .regressed)
        #expect(stepped.cohensD == nil)
        #expect(stepped.changePercent == 100)
        #expect(stepped.mannWhitney.u == 0)
    }

    @Test func zeroBaselineMeanHasNoPercent() throws {
        let c = try Comparison(baseline: Array(repeating: 0, count: 20) + [0.1, -0.1], current: noise(count: 22, mean: 5, sd: 1, seed: 11))
        #expect(c.changePercent == nil)
        #expect(c.verdict == .regressed)
        #expect(c.reason.contains("baseline mean 0"))
    }

    @Test(arguments: [
        ([1.0], [1.0, 2.0], "baseline has 1 values; at least 2 needed"),
        ([1.0, 2.0], [], "current has 0 values; at least 2 needed"),
        ([1.0, .nan, 3.0], [1.0, 2.0], "baseline[1] is nan; values must be finite numbers"),
        ([1.0, 2.0], [1.0, .infinity], "current[1] is inf; values must be finite numbers"),
    ])
    func badSamplesAreRefusedByName(_ a: [Double], _ b: [Double], _ message: String) {
        #expect(throws: InsightsError(.invalidInput, message)) { try Comparison(baseline: a, current: b) }
    }

    @Test func badRulesAreRefused() {
        #expect(throws: InsightsError.self) { try Comparison(baseline: [1, 2], current: [1, 2], rule: VerdictRule(alpha: 1.5)) }
        #expect(throws: InsightsError.self) { try Comparison(baseline: [1, 2], current: [1, 2], rule: VerdictRule(minEffect: -1)) }
    }

    @Test func textReportForCI() throws {
        let c = try Comparison(baseline: [10, 11, 10, 12, 11, 10, 11, 12], current: [20, 21, 22, 20, 21, 22, 20, 21])
        let text = c.report(baselineName: "a.txt", currentName: "b.txt")
        #expect(text.contains("a.txt"))
        #expect(text.contains("Mann-Whitney U = 0, p = "))
        #expect(text.hasSuffix(c.reason + "\n"))
        #expect(c.verdict == .regressed)
    }

    @Test func numberLists() throws {
        #expect(try NumberList.parse("# run 1\n1.5\n2 3\t4,5\n\n6 # trailing\n", name: "a.txt") == [1.5, 2, 3, 4, 5, 6])
        #expect(throws: InsightsError(.invalidInput, "a.txt:2: \"12ms\" is not a number")) {
            try NumberList.parse("1\n12ms\n", name: "a.txt")
        }
        #expect(throws: InsightsError(.invalidInput, "b.txt:1: nan is not a finite number")) { try NumberList.parse("nan", name: "b.txt") }
        #expect(throws: InsightsError(.invalidInput, "c.txt: no numbers found")) { try NumberList.parse("# nothing\n", name: "c.txt") }
    }
}
