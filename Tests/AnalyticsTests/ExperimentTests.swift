import Analytics
import EventStore
import Foundation
import Statistics
import Testing

@Suite struct ExperimentTests {
    /// `n` users per variant; the first `k` of each convert (at `convertAt` minutes from their exposure).
    func events(_ plan: [(variant: String, users: Int, converted: Int)], convertAt minutes: Int64 = 5) -> Events {
        var e = Events()
        for (variant, n, k) in plan {
            for i in 0..<n {
                let user = "\(variant)-\(i)"
                e.add(user, T.at(hour: 1), "$experiment_exposure", props: ["experiment": .string("exp"), "variant": .string(variant)])
                if i < k { e.add(user, T.at(hour: 1, minute: minutes), "buy") }
            }
        }
        return e
    }

    @Test func countsTestsAndPosteriors() throws {
        let e = events([("control", 200, 40), ("test", 200, 60)])
        let r = try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy"), on: e.reader)
        #expect(r.variants.map(\.variant) == [.string("control"), .string("test")])
        #expect(r.variants.map(\.exposed) == [200, 200])
        #expect(r.variants.map(\.converted) == [40, 60])
        let expected = try #require(twoProportionZTest(successesA: 40, trialsA: 200, successesB: 60, trialsB: 200))
        #expect(r.variants[1].z == expected.z)
        #expect(r.variants[1].pValue == expected.pValue)
        #expect(abs((r.variants[1].lift ?? 0) - 0.5) < 1e-12)
        #expect(r.variants[0].z == nil)
        let bayes = bayesianProportions(successes: [40, 60], trials: [200, 200])
        #expect(r.variants.map(\.chanceToBeBest) == bayes.map(\.chanceToBeBest))
        #expect(r.variants[1].credibleInterval == [bayes[1].credibleLower, bayes[1].credibleUpper])
        #expect(r.verdict == .significant)
        #expect(r.reason.contains("variant test"))
    }

    @Test func notEnoughData() throws {
        let small = try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy"),
                                       on: events([("control", 50, 10), ("test", 50, 20)]).reader)
        #expect(small.verdict == .notEnoughData)
        #expect(small.reason.contains("50 exposed users; a verdict needs at least 100"))
        #expect(small.variants[1].pValue != nil)  // the numbers are still there
        let few = try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy"),
                                     on: events([("control", 150, 3), ("test", 150, 30)]).reader)
        #expect(few.verdict == .notEnoughData)
        let one = try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy"), on: events([("control", 150, 3)]).reader)
        #expect(one.verdict == .notEnoughData)
        #expect(one.variants.count == 1)
        let same = try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy"),
                                      on: events([("control", 300, 60), ("test", 300, 61)]).reader)
        #expect(same.verdict == .notSignificant)
    }

    @Test func conversionsBeforeExposureCountOnlyByDefault() throws {
        let e = events([("control", 120, 30), ("test", 120, 30)], convertAt: -30)
        let anyTime = try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy"), on: e.reader)
        #expect(anyTime.variants.map(\.converted) == [30, 30])
        let after = try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy", conversionAfterExposure: true), on: e.reader)
        #expect(after.variants.map(\.converted) == [0, 0])
    }

    @Test func usersInSeveralVariantsCountInEach() throws {
        var e = events([("control", 2, 1), ("test", 1, 0)])
        e.add("control-0", T.at(hour: 2), "$experiment_exposure", props: ["experiment": .string("exp"), "variant": .string("test")])
        e.add("control-0", T.at(hour: 2), "$experiment_exposure", props: ["experiment": .string("other"), "variant": .string("x")])
        let r = try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy"), on: e.reader)
        #expect(r.variants.map(\.exposed) == [2, 2])
        #expect(r.variants.map(\.converted) == [1, 1])
        #expect(r.usersInSeveralVariants == 1)
    }

    @Test func sampleRatioMismatch() throws {
        let even = try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy"),
                                      on: events([("control", 200, 40), ("test", 200, 60)]).reader)
        #expect(even.sampleRatio == Experiment.SampleRatio(chiSquare: 0, degreesOfFreedom: 1, pValue: 1, mismatch: false))
        let skewed = events([("control", 300, 60), ("test", 200, 60)])
        let r = try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy"), on: skewed.reader)
        // chi-square (300 - 250)^2 / 250 * 2 = 20 on 1 degree of freedom: p = erfc(sqrt(10))
        #expect(r.sampleRatio?.chiSquare == 20)
        #expect(abs((r.sampleRatio?.pValue ?? 0) / erfc(10.0.squareRoot()) - 1) < 1e-10)
        #expect(r.verdict == .sampleRatioMismatch)
        let planned = try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy", expectedSplit: ["control": 3, "test": 2]),
                                         on: skewed.reader)
        #expect(planned.sampleRatio?.mismatch == false)
        #expect(planned.verdict != .sampleRatioMismatch)
        let stray = try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy", expectedSplit: ["control": 1, "other": 1]),
                                       on: skewed.reader)
        #expect(stray.sampleRatio?.chiSquare == nil)
        #expect(stray.sampleRatio?.degreesOfFreedom == 2)
        #expect(stray.sampleRatio?.mismatch == true)
    }

    @Test func badRequests() throws {
        let reader = events([("control", 1, 0)]).reader
        let alpha = #expect(throws: AnalyticsError.self) {
            try Experiment.run(Experiment.Request(experiment: "exp", conversionEvent: "buy", alpha: 1.5), on: reader)
        }
        #expect(alpha?.says("alpha: 1.5 must lie strictly between 0 and 1") == true)
        let missing = #expect(throws: AnalyticsError.self) { try decode(Experiment.Request.self, #"{"experiment": "exp"}"#) }
        #expect(missing?.says("conversion_event: required") == true)
    }
}
