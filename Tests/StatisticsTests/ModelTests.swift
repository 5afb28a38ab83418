import Testing
import Statistics

/// PSI against numpy, OLS against statsmodels, the seeded generator and bootstrap against a
/// Python port of the same generator driving numpy's percentiles.
@Suite struct ModelTests {
    struct PSICase: Decodable { let name: String; let expected, actual: [Double]; let bins: Int; let value: Double; let edges, expectedShares, actualShares: [Double] }
    struct PSICounts: Decodable { let expected, actual: [Double]; let value: Double }
    struct PSIFile: Decodable { let cases: [PSICase]; let counts: PSICounts }

    @Test func psiMatchesDefinition() throws {
        let f: PSIFile = try Fixtures.load("psi")
        for c in f.cases {
            let r = try populationStabilityIndex(expected: c.expected, actual: c.actual, bins: c.bins)
            expectClose(r.value, c.value, relative: 1e-10, absolute: 1e-14, "\(c.name) PSI")
            expectClose(r.edges, c.edges, relative: 1e-14, "\(c.name) edges")
            expectClose(r.expectedShares, c.expectedShares, relative: 1e-14, "\(c.name) expected shares")
            expectClose(r.actualShares, c.actualShares, relative: 1e-14, "\(c.name) actual shares")
        }
        expectClose(try populationStabilityIndex(expectedCounts: f.counts.expected, actualCounts: f.counts.actual),
                    f.counts.value, relative: 1e-12, "PSI from counts")
        #expect(throws: StatisticsError.self) { try populationStabilityIndex(expected: [], actual: [1]) }
    }

    struct OLSCase: Decodable {
        let name: String
        let x: [[Double]]
        let y: [Double]
        let intercept: Bool
        let params, bse, tvalues, pvalues, ciLower, ciUpper, ci90Lower, ci90Upper: [Double]
        let rsquared, rsquaredAdj, scale, dfResid: Double
        let new: [[Double]]
        let predicted, meanLower, meanUpper, obsLower, obsUpper: [Double]
    }
    struct OLSFile: Decodable { let cases: [OLSCase] }

    @Test func olsMatchesStatsmodels() throws {
        let f: OLSFile = try Fixtures.load("ols")
        for c in f.cases {
            let fit = try LinearRegression(x: c.x, y: c.y, intercept: c.intercept)
            expectClose(fit.coefficients, c.params, relative: 1e-9, absolute: 1e-12, "\(c.name) params")
            expectClose(fit.standardErrors, c.bse, relative: 1e-9, "\(c.name) bse")
            expectClose(fit.tStatistics, c.tvalues, relative: 1e-9, absolute: 1e-12, "\(c.name) t")
            expectClose(fit.pValues, c.pvalues, relative: 1e-6, absolute: 1e-300, "\(c.name) p")
            let ci = fit.confidenceIntervals(level: 0.95), ci90 = fit.confidenceIntervals(level: 0.9)
            expectClose(ci.map(\.lower), c.ciLower, relative: 1e-9, absolute: 1e-12, "\(c.name) ci lower")
            expectClose(ci.map(\.upper), c.ciUpper, relative: 1e-9, absolute: 1e-12, "\(c.name) ci upper")
            expectClose(ci90.map(\.lower), c.ci90Lower, relative: 1e-9, absolute: 1e-12, "\(c.name) 90% ci lower")
            expectClose(ci90.map(\.upper), c.ci90Upper, relative: 1e-9, absolute: 1e-12, "\(c.name) 90% ci upper")
            expectClose(fit.rSquared, c.rsquared, relative: 1e-9, "\(c.name) R²")
            expectClose(fit.adjustedRSquared, c.rsquaredAdj, relative: 1e-9, "\(c.name) adjusted R²")
            expectClose(fit.residualVariance, c.scale, relative: 1e-9, "\(c.name) σ²")
            #expect(Double(fit.residualDegreesOfFreedom) == c.dfResid)
            for (i, point) in c.new.enumerated() {
                let p = try fit.predict(point)
                expectClose(p.value, c.predicted[i], relative: 1e-9, absolute: 1e-12, "\(c.name) prediction \(i)")
                expectClose(p.meanLower, c.meanLower[i], relative: 1e-9, absolute: 1e-12, "\(c.name) mean lower \(i)")
                expectClose(p.meanUpper, c.meanUpper[i], relative: 1e-9, absolute: 1e-12, "\(c.name) mean upper \(i)")
                expectClose(p.lower, c.obsLower[i], relative: 1e-9, absolute: 1e-12, "\(c.name) obs lower \(i)")
                expectClose(p.upper, c.obsUpper[i], relative: 1e-9, absolute: 1e-12, "\(c.name) obs upper \(i)")
            }
        }
        #expect(throws: StatisticsError.self) { try LinearRegression(x: [[1], [2]], y: [1, 2]) }
        #expect(throws: StatisticsError.self) { try LinearRegression(x: [[1, 2], [2, 4], [3, 6], [4, 8]], y: [1, 2, 3, 5]) }
    }

    struct RNGValues: Decodable { let next: [String]; let below10: [Int]; let double: [Double] }
    struct BootCase: Decodable { let sample, statistic: String; let seed: UInt64; let resamples: Int; let lower, upper, lower90, upper90: Double }
    struct TwoSample: Decodable { let seed: UInt64; let resamples: Int; let lower, upper: Double }
    struct Interval: Decodable { let lower, upper: Double }
    struct BootFile: Decodable { let rng: [String: RNGValues]; let oneSample: [BootCase]; let twoSample: TwoSample; let scipyMean: Interval }

    @Test func seededGeneratorIsXoshiro() throws {
        let f: BootFile = try Fixtures.load("bootstrap")
        for (seedText, values) in f.rng {
            var g = SeededGenerator(seed: try #require(UInt64(seedText)))
            #expect(values.next.map { UInt64($0) } == (0..<5).map { _ in g.next() }, "seed \(seedText) words")
            #expect(values.below10 == (0..<10).map { _ in g.next(below: 10) }, "seed \(seedText) below")
            #expect(values.double == (0..<3).map { _ in g.nextDouble() }, "seed \(seedText) doubles")
        }
    }

    @Test func bootstrapMatchesPercentileMethod() throws {
        let f: BootFile = try Fixtures.load("bootstrap")
        let samples: [String: [Double]] = try Fixtures.load("tests", as: HypothesisTests.File.self).samples
        let meanOf: ([Double]) -> Double = { $0.reduce(0, +) / Double($0.count) }
        for c in f.oneSample {
            let x = try #require(samples[c.sample])
            let statistic: ([Double]) -> Double = c.statistic == "mean" ? meanOf : { (try? median($0)) ?? .nan }
            let r = try bootstrapConfidenceInterval(x, resamples: c.resamples, seed: c.seed, statistic: statistic)
            expectClose(r.lower, c.lower, relative: 1e-12, "\(c.sample) lower")
            expectClose(r.upper, c.upper, relative: 1e-12, "\(c.sample) upper")
            let r90 = try bootstrapConfidenceInterval(x, level: 0.9, resamples: c.resamples, seed: c.seed, statistic: statistic)
            expectClose(r90.lower, c.lower90, relative: 1e-12, "\(c.sample) lower 90%")
            expectClose(r90.upper, c.upper90, relative: 1e-12, "\(c.sample) upper 90%")
        }
        let a = try #require(samples["normal30"]), b = try #require(samples["normal40"])
        let two = try bootstrapConfidenceInterval(a, b, resamples: f.twoSample.resamples, seed: f.twoSample.seed) { meanOf($0) - meanOf($1) }
        expectClose(two.lower, f.twoSample.lower, relative: 1e-12, "two-sample lower")
        expectClose(two.upper, f.twoSample.upper, relative: 1e-12, "two-sample upper")
        // scipy's own resamples differ; with 9999 of them both intervals agree to Monte Carlo error.
        let ours = try bootstrapConfidenceInterval(a, seed: 0, statistic: meanOf)
        expectClose(ours.lower, f.scipyMean.lower, relative: 0.01, "vs scipy lower")
        expectClose(ours.upper, f.scipyMean.upper, relative: 0.01, "vs scipy upper")
    }
}
