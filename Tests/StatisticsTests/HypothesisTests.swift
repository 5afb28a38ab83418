import Testing
import Statistics

/// t-tests, Mann-Whitney U, effect sizes, chi-square, correlation and two-sample KS against
/// scipy. Tolerances: statistics 1e-9 relative, p-values 1e-6 relative (as the module promises).
@Suite struct HypothesisTests {
    struct TPart: Decodable { let t, df, p: Double; let ciLower, ciUpper: Double? }
    struct TCase: Decodable { let a, b, alternative: String; let welch, student: TPart }
    struct MWCase: Decodable { let a, b, alternative, method: String; let u, p: Double }
    struct Effect: Decodable { let a, b: String; let d, g: Double }
    struct Chi: Decodable { let table: [[Double]]; let statistic, p: Double; let dof: Int; let expected: [[Double]] }
    struct Corr: Decodable { let name: String; let x, y: [Double]; let pearson, pearsonP: Double; let spearman, spearmanP: Double? }
    struct KS: Decodable { let a, b: String; let statistic, p: Double }
    struct KSLarge: Decodable { let n1, mul1, mod1, n2, mul2, mod2: Int; let scale2, statistic, p: Double }
    struct File: Decodable {
        let samples: [String: [Double]]
        let ttests: [TCase]
        let mannWhitney: [MWCase]
        let effectSizes: [Effect]
        let chiSquare: [Chi]
        let correlation: [Corr]
        let ks: [KS]
        let ksLarge: [KSLarge]
    }

    let fixture: File
    init() throws { fixture = try Fixtures.load("tests") }

    func sample(_ name: String) -> [Double] { fixture.samples[name] ?? [] }

    static func alternative(_ s: String) -> Alternative { s == "less" ? .less : s == "greater" ? .greater : .twoSided }

    @Test func tTestsMatchScipy() throws {
        for c in fixture.ttests {
            let a = sample(c.a), b = sample(c.b)
            let name = "\(c.a) vs \(c.b) \(c.alternative)"
            if a.count < 2 || b.count < 2 {
                #expect(throws: StatisticsError.self) { try welchTTest(a, b) }
                continue
            }
            let w = try welchTTest(a, b, alternative: Self.alternative(c.alternative))
            expectClose(w.t, c.welch.t, relative: 1e-9, "\(name) welch t")
            expectClose(w.degreesOfFreedom, c.welch.df, relative: 1e-9, "\(name) welch df")
            expectClose(w.pValue, c.welch.p, relative: 1e-6, absolute: 1e-300, "\(name) welch p")
            let ci = w.confidenceInterval(level: 0.95)
            if let lower = c.welch.ciLower, let upper = c.welch.ciUpper {
                expectClose(ci.lower, lower, relative: 1e-9, absolute: 1e-9, "\(name) ci lower")
                expectClose(ci.upper, upper, relative: 1e-9, absolute: 1e-9, "\(name) ci upper")
            }
            let s = try studentTTest(a, b, alternative: Self.alternative(c.alternative))
            expectClose(s.t, c.student.t, relative: 1e-9, "\(name) student t")
            expectClose(s.pValue, c.student.p, relative: 1e-6, absolute: 1e-300, "\(name) student p")
        }
        #expect(throws: StatisticsError.self) { try welchTTest([1, 1, 1], [2, 2]) }
    }

    @Test func mannWhitneyMatchesScipy() throws {
        for c in fixture.mannWhitney {
            let r = try mannWhitneyU(sample(c.a), sample(c.b), alternative: Self.alternative(c.alternative))
            let name = "\(c.a) vs \(c.b) \(c.alternative)"
            expectClose(r.u, c.u, relative: 1e-12, "\(name) U")
            expectClose(r.pValue, c.p, relative: 1e-6, absolute: 1e-300, "\(name) p")
            #expect(r.method == (c.method == "exact" ? .exact : .asymptotic), "\(name) method")
        }
    }

    @Test func effectSizesMatchFormula() throws {
        for c in fixture.effectSizes {
            expectClose(try cohensD(sample(c.a), sample(c.b)), c.d, relative: 1e-9, "\(c.a) vs \(c.b) d")
            expectClose(try hedgesG(sample(c.a), sample(c.b)), c.g, relative: 1e-9, "\(c.a) vs \(c.b) g")
        }
    }

    @Test func chiSquareMatchesScipy() throws {
        for c in fixture.chiSquare {
            let r = try chiSquareIndependence(c.table)
            expectClose(r.statistic, c.statistic, relative: 1e-9, absolute: 1e-12, "\(c.table) statistic")
            expectClose(r.pValue, c.p, relative: 1e-6, "\(c.table) p")
            #expect(r.degreesOfFreedom == c.dof)
            expectClose(r.expected.flatMap { $0 }, c.expected.flatMap { $0 }, relative: 1e-12, "\(c.table) expected")
        }
        #expect(throws: StatisticsError.self) { try chiSquareIndependence([[1, 0], [2, 0]]) }
        #expect(throws: StatisticsError.self) { try chiSquareIndependence([[1, 2]]) }
        #expect(throws: StatisticsError.self) { try chiSquareIndependence([[1, -2], [3, 4]]) }
    }

    @Test func correlationMatchesScipy() throws {
        for c in fixture.correlation {
            let p = try pearsonCorrelation(c.x, c.y)
            expectClose(p.coefficient, c.pearson, relative: 1e-9, absolute: 1e-15, "\(c.name) pearson r")
            expectClose(p.pValue, c.pearsonP, relative: 1e-6, absolute: 1e-300, "\(c.name) pearson p")
            if let rho = c.spearman, let sp = c.spearmanP {
                let s = try spearmanCorrelation(c.x, c.y)
                expectClose(s.coefficient, rho, relative: 1e-9, absolute: 1e-15, "\(c.name) spearman rho")
                expectClose(s.pValue, sp, relative: 1e-6, absolute: 1e-300, "\(c.name) spearman p")
            }
        }
        #expect(throws: StatisticsError.self) { try pearsonCorrelation([1, 1, 1], [1, 2, 3]) }
        #expect(throws: StatisticsError.self) { try pearsonCorrelation([1, 2], [1, 2, 3]) }
    }

    @Test func kolmogorovSmirnovMatchesScipy() throws {
        for c in fixture.ks {
            let r = try kolmogorovSmirnov(sample(c.a), sample(c.b))
            expectClose(r.statistic, c.statistic, relative: 1e-12, "\(c.a) vs \(c.b) D")
            expectClose(r.pValue, c.p, relative: 1e-6, absolute: 1e-14, "\(c.a) vs \(c.b) p")
            #expect(r.method == .exact)
        }
        for c in fixture.ksLarge {
            let x = (0..<c.n1).map { Double(($0 * c.mul1) % c.mod1) }
            let y = (0..<c.n2).map { Double(($0 * c.mul2) % c.mod2) * c.scale2 + 0.5 }
            let r = try kolmogorovSmirnov(x, y)
            #expect(r.method == .asymptotic)
            expectClose(r.statistic, c.statistic, relative: 1e-12, "large \(c.n1) vs \(c.n2) D")
            expectClose(r.pValue, c.p, relative: 1e-6, absolute: 1e-14, "large \(c.n1) vs \(c.n2) p")
        }
    }
}
