import Testing
import Statistics

/// The two-proportion z-test against statsmodels, the Bayesian comparison against the closed
/// form (two variants, 40-digit mpmath) and scipy's quadrature (more variants).
@Suite struct ProportionTests {
    struct ZCase: Decodable { let successesA, trialsA, successesB, trialsB: Int; let z, p: Double }
    struct Variant: Decodable { let mean, lower, upper, lower90, upper90, chanceToBeBest: Double }
    struct BayesCase: Decodable { let successes, trials: [Int]; let priorAlpha, priorBeta: Double; let variants: [Variant] }
    struct File: Decodable { let ztest: [ZCase]; let undefined: [[Int]]; let bayes: [BayesCase] }

    let fixture: File

    init() throws { fixture = try Fixtures.load("proportions") }

    @Test func zTestMatchesStatsmodels() throws {
        for c in fixture.ztest {
            let result = try #require(twoProportionZTest(successesA: c.successesA, trialsA: c.trialsA, successesB: c.successesB, trialsB: c.trialsB))
            expectClose(result.z, c.z, relative: 1e-12, "z for \(c)")
            expectClose(result.pValue, c.p, relative: 1e-10, "p for \(c)")
        }
    }

    @Test func zTestUndefinedIsNil() {
        for c in fixture.undefined {
            #expect(twoProportionZTest(successesA: c[0], trialsA: c[1], successesB: c[2], trialsB: c[3]) == nil, "\(c)")
        }
    }

    @Test func bayesianMatchesReference() {
        for c in fixture.bayes {
            let result = bayesianProportions(successes: c.successes, trials: c.trials, priorAlpha: c.priorAlpha, priorBeta: c.priorBeta)
            #expect(result.count == c.variants.count)
            let ninety = bayesianProportions(successes: c.successes, trials: c.trials, priorAlpha: c.priorAlpha, priorBeta: c.priorBeta, credibleMass: 0.9)
            for (i, (ours, theirs)) in zip(result, c.variants).enumerated() {
                let name = "\(c.successes)/\(c.trials) variant \(i)"
                expectClose(ours.posteriorMean, theirs.mean, relative: 1e-14, "\(name) mean")
                expectClose(ours.credibleLower, theirs.lower, relative: 1e-11, "\(name) lower")
                expectClose(ours.credibleUpper, theirs.upper, relative: 1e-11, "\(name) upper")
                expectClose(ninety[i].credibleLower, theirs.lower90, relative: 1e-11, "\(name) lower 90%")
                expectClose(ninety[i].credibleUpper, theirs.upper90, relative: 1e-11, "\(name) upper 90%")
                expectClose(ours.chanceToBeBest, theirs.chanceToBeBest, relative: 0, absolute: 1e-9, "\(name) chance to be best")
            }
            let total = result.reduce(0) { $0 + $1.chanceToBeBest }
            expectClose(total, 1, relative: 0, absolute: 1e-10, "chances sum for \(c.successes)")
        }
    }

    @Test func bayesianRejectsImpossibleInput() {
        #expect(bayesianProportions(successes: [1], trials: [2]).isEmpty)
        #expect(bayesianProportions(successes: [1, 2], trials: [2]).isEmpty)
        #expect(bayesianProportions(successes: [3, 2], trials: [2, 5]).isEmpty)
        #expect(bayesianProportions(successes: [-1, 2], trials: [2, 5]).isEmpty)
        #expect(bayesianProportions(successes: [1, 2], trials: [2, 5], priorAlpha: 0).isEmpty)
        #expect(bayesianProportions(successes: [1, 2], trials: [2, 5], credibleMass: 1).isEmpty)
    }
}
