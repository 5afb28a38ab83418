import Testing
import Statistics

/// The normal and beta distributions against scipy.stats.
@Suite struct DistributionTests {
    struct NormalPoint: Decodable { let x, cdf, sf: Double }
    struct QuantilePoint: Decodable { let p, x: Double }
    struct BetaPoint: Decodable { let x, cdf, sf, pdf: Double }
    struct BetaCase: Decodable { let alpha, beta: Double; let points: [BetaPoint]; let quantiles: [QuantilePoint] }
    struct File: Decodable { let normal: [NormalPoint]; let normalQuantile: [QuantilePoint]; let beta: [BetaCase] }

    let fixture: File

    init() throws { fixture = try Fixtures.load("distributions") }

    @Test func normalMatchesScipy() {
        let n = NormalDistribution.standard
        for point in fixture.normal {
            expectClose(n.cdf(point.x), point.cdf, relative: 1e-13, "norm.cdf(\(point.x))")
            expectClose(n.sf(point.x), point.sf, relative: 1e-13, "norm.sf(\(point.x))")
        }
        for point in fixture.normalQuantile {
            expectClose(n.quantile(point.p), point.x, relative: 1e-14, absolute: 1e-15, "norm.ppf(\(point.p))")
        }
    }

    @Test func normalEdges() throws {
        let n = NormalDistribution.standard
        #expect(n.quantile(0) == -.infinity)
        #expect(n.quantile(1) == .infinity)
        #expect(n.quantile(1.5).isNaN && n.quantile(.nan).isNaN)
        #expect(n.cdf(.nan).isNaN)
        let shifted = try NormalDistribution(mean: 10, standardDeviation: 2)
        expectClose(shifted.quantile(0.975), 10 + 2 * 1.959963984540054, relative: 1e-15, "shifted quantile")
        #expect(throws: StatisticsError.self) { try NormalDistribution(mean: 0, standardDeviation: 0) }
        #expect(throws: StatisticsError.self) { try NormalDistribution(mean: .nan, standardDeviation: 1) }
    }

    @Test func betaMatchesScipy() throws {
        for c in fixture.beta {
            let d = try BetaDistribution(alpha: c.alpha, beta: c.beta)
            let name = "beta(\(c.alpha), \(c.beta))"
            // The continued fraction loses digits as max(α, β) grows: ~1e-10 relative at 10⁶.
            let tolerance = max(c.alpha, c.beta) >= 1e6 ? 1e-9 : 1e-11
            for p in c.points {
                expectClose(d.cdf(p.x), p.cdf, relative: tolerance, absolute: 1e-300, "\(name).cdf(\(p.x))")
                expectClose(d.sf(p.x), p.sf, relative: tolerance, absolute: 1e-300, "\(name).sf(\(p.x))")
                expectClose(d.pdf(p.x), p.pdf, relative: 1e-10, "\(name).pdf(\(p.x))")
            }
            for q in c.quantiles {
                expectClose(d.quantile(q.p), q.x, relative: tolerance, absolute: 1e-300, "\(name).ppf(\(q.p))")
            }
        }
        #expect(throws: StatisticsError.self) { try BetaDistribution(alpha: -1, beta: 1) }
    }
}
