import Testing
@testable import Statistics

/// Student's t, chi-squared and the one-sample Kolmogorov distribution against scipy.stats.
@Suite struct TDistributionTests {
    struct Point: Decodable { let x, cdf, sf: Double; let pdf: Double? }
    struct QuantilePoint: Decodable { let p, x: Double }
    struct TCase: Decodable { let df: Double; let points: [Point]; let quantiles: [QuantilePoint] }
    struct ChiCase: Decodable { let df: Double; let points: [Point] }
    struct KSCase: Decodable { let n: Int; let d, sf: Double }
    struct File: Decodable { let t: [TCase]; let chi2: [ChiCase]; let kstwo: [KSCase] }

    let fixture: File
    init() throws { fixture = try Fixtures.load("tdist") }

    /// The brief's bar: the t CDF to 1e-10 absolute, tails to 1e-6 relative (we do better).
    @Test func studentTMatchesScipy() throws {
        for c in fixture.t {
            let d = try StudentTDistribution(degreesOfFreedom: c.df)
            for p in c.points {
                let name = "t(\(c.df)) at \(p.x)"
                expectClose(d.cdf(p.x), p.cdf, relative: 1e-9, absolute: 1e-12, "\(name) cdf")
                expectClose(d.sf(p.x), p.sf, relative: 1e-9, absolute: 1e-12, "\(name) sf")
                #expect(abs(d.cdf(p.x) - p.cdf) <= 1e-10, "\(name) cdf absolute")
                if let pdf = p.pdf { expectClose(d.pdf(p.x), pdf, relative: 1e-9, absolute: 1e-300, "\(name) pdf") }
            }
            for q in c.quantiles {
                expectClose(d.quantile(q.p), q.x, relative: 1e-9, absolute: 1e-12, "t(\(c.df)).ppf(\(q.p))")
            }
        }
        #expect(throws: StatisticsError.self) { try StudentTDistribution(degreesOfFreedom: 0) }
    }

    @Test func chiSquaredMatchesScipy() throws {
        for c in fixture.chi2 {
            let d = try ChiSquaredDistribution(degreesOfFreedom: c.df)
            for p in c.points {
                expectClose(d.cdf(p.x), p.cdf, relative: 1e-10, absolute: 1e-300, "chi2(\(c.df)).cdf(\(p.x))")
                expectClose(d.sf(p.x), p.sf, relative: 1e-10, absolute: 1e-300, "chi2(\(c.df)).sf(\(p.x))")
            }
        }
    }

    /// scipy's kstwo uses exact methods in some regimes and series in others; we follow the
    /// same regimes, so p-values agree to 1e-6 relative (1e-12 absolute for tiny ones).
    @Test func kolmogorovMatchesScipy() {
        for c in fixture.kstwo {
            expectClose(KolmogorovDistribution.survival(c.d, n: c.n), c.sf, relative: 1e-6, absolute: 1e-12, "kstwo.sf(\(c.d), \(c.n))")
        }
    }
}
