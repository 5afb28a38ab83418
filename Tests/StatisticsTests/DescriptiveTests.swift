import Testing
import Statistics

/// Means, variances, quantiles and MAD against numpy/scipy; Prometheus's quantile against its
/// documented rules.
@Suite struct DescriptiveTests {
    struct Entry: Decodable {
        let name: String
        let mean, median, madNormal, mad, populationVariance: Double
        let quantiles: [Double]
        let variance, std: Double?
    }
    struct Prom: Decodable { let values: [Double]; let q, value: Double }
    struct File: Decodable { let samples: [String: [Double]]; let quantileLevels: [Double]; let descriptive: [Entry]; let prometheus: [Prom] }

    let fixture: File
    init() throws { fixture = try Fixtures.load("descriptive") }

    @Test func matchesNumpy() throws {
        for e in fixture.descriptive {
            let x = try #require(fixture.samples[e.name])
            expectClose(try mean(x), e.mean, relative: 1e-14, "\(e.name) mean")
            expectClose(try median(x), e.median, relative: 1e-14, "\(e.name) median")
            expectClose(try quantiles(x, fixture.quantileLevels), e.quantiles, relative: 1e-14, "\(e.name) quantiles")
            expectClose(try medianAbsoluteDeviation(x, scale: madNormalScale), e.madNormal, relative: 1e-12, "\(e.name) MAD normal")
            expectClose(try medianAbsoluteDeviation(x), e.mad, relative: 1e-12, "\(e.name) MAD")
            expectClose(try variance(x, ddof: 0), e.populationVariance, relative: 1e-10, absolute: 1e-300, "\(e.name) population variance")
            if let v = e.variance, let s = e.std {
                expectClose(try variance(x), v, relative: 1e-10, absolute: 1e-300, "\(e.name) variance")
                expectClose(try standardDeviation(x), s, relative: 1e-10, absolute: 1e-300, "\(e.name) std")
                let summary = try summarize(x)
                expectClose(summary.variance, v, relative: 1e-10, absolute: 1e-300, "\(e.name) summary variance")
                #expect(summary.count == x.count && summary.minimum == x.min() && summary.maximum == x.max())
            } else {
                #expect(throws: StatisticsError.self) { try variance(x) }
            }
        }
    }

    @Test func badInputThrowsWithAMessage() {
        #expect(throws: StatisticsError.self) { try mean([]) }
        do {
            _ = try mean([1, .nan, 3])
            Issue.record("expected nonFinite")
        } catch {
            #expect(error.code == .nonFinite)
            #expect(error.message.contains("values[1]"))
        }
        #expect(throws: StatisticsError.self) { try quantile([1, 2], 1.5) }
    }

    @Test func prometheusQuantileFollowsPrometheus() {
        for p in fixture.prometheus {
            let got = prometheusQuantile(p.q, p.values)
            #expect(got.isNaN ? p.value.isNaN : got == p.value, "quantile(\(p.q), \(p.values)) = \(got), expected \(p.value)")
        }
    }
}
