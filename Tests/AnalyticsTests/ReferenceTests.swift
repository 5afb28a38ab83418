import Analytics
import EventStore
import Foundation
import Testing

/// Every analysis the DuckDB reference defines, on the same generated events, number for number.
/// Serialized: the first test builds the workload (Python, tens of seconds) and the others would
/// each hold a thread of the shared pool waiting for it, starving every other suite meanwhile.
@Suite(.serialized) struct ReferenceTests {
    @Test func dauIsUniqueUsersByDayAndPlatform() throws {
        guard let w = try ReferenceWorkload.get() else { return }
        let result = try Trends.run(Trends.Request(math: .uniqueUsers, interval: .day, breakdown: .column(.platform)), on: w.reader)
        var ours: [String: Int] = [:]
        for s in result.series {
            for p in s.points where p.value != 0 { ours["\(p.label) \(s.breakdown?.description ?? "null")"] = Int(p.value) }
        }
        var theirs: [String: Int] = [:]
        for r in w.rows("dau") { theirs["\(r.string(0)) \(r.string(1))"] = r.int(2) }
        #expect(!theirs.isEmpty)
        #expect(ours == theirs)
    }

    @Test func funnelSevenDays() throws {
        guard let w = try ReferenceWorkload.get() else { return }
        let steps = ["signup", "onboarding_completed", "workout_completed", "subscription_started"].map { Funnel.Step($0) }
        let result = try Funnel.run(Funnel.Request(steps: steps, windowSeconds: 7 * 86_400), on: w.reader)
        let theirs = w.rows("funnel")[0]
        #expect(result.steps.map(\.users) == (0..<4).map { theirs.int($0) })
    }

    @Test func weeklyRetentionFromFirstEvent() throws {
        guard let w = try ReferenceWorkload.get() else { return }
        let result = try Retention.run(Retention.Request(period: .week), on: w.reader)
        var ours: [String: Int] = [:]
        for c in result.cohorts {
            for (n, users) in c.users.enumerated() where users != 0 { ours["\(c.start) \(n)"] = users }
        }
        var theirs: [String: Int] = [:]
        for r in w.rows("retention") { theirs["\(r.string(0)) \(r.int(1))"] = r.int(2) }
        #expect(!theirs.isEmpty)
        #expect(ours == theirs)
    }

    @Test func aiOutcomesPerModelVersion() throws {
        guard let w = try ReferenceWorkload.get() else { return }
        let result = try AIRecommendations.run(AIRecommendations.Request(), on: w.reader)
        let theirs = w.rows("ai")
        #expect(result.models.count == theirs.count)
        for (m, r) in zip(result.models, theirs) {
            #expect(m.model == .string(r.string(0)))
            #expect([m.shown, m.accepted, m.modified, m.rejected] == (1...4).map { r.int($0) })
            #expect(abs((m.meanSatisfaction ?? .nan) - r.double(5)) < 1e-9)
            #expect(m.acceptanceRate == Double(r.int(2)) / Double(r.int(1)))
        }
    }

    @Test func revenuePerDayAndArpu() throws {
        guard let w = try ReferenceWorkload.get() else { return }
        let result = try Business.run(Business.Request(), on: w.reader)
        let rounded = { (x: Double) in (x * 100).rounded() / 100 }
        var ours: [String: Double] = [:]
        for p in result.periods where p.revenue != 0 { ours[p.start] = rounded(p.revenue) }
        var theirs: [String: Double] = [:]
        for r in w.rows("revenue") { theirs[r.string(0)] = r.double(1) }
        #expect(!theirs.isEmpty)
        #expect(ours == theirs)
        let arpu = w.rows("arpu")[0]
        #expect(rounded(result.totalRevenue) == arpu.double(0))
        #expect(result.activeUsers == arpu.int(1))
        #expect(rounded(result.arpu ?? 0) == rounded(arpu.double(0) / Double(arpu.int(1))))
    }

    @Test func experimentCountsAndZTest() throws {
        guard let w = try ReferenceWorkload.get() else { return }
        let result = try Experiment.run(Experiment.Request(experiment: "rec_model", conversionEvent: "recommendation_accepted"), on: w.reader)
        let theirs = w.rows("experiment")
        #expect(result.variants.map(\.variant) == theirs.map { .string($0.string(0)) })
        #expect(result.variants.map(\.exposed) == theirs.map { $0.int(1) })
        #expect(result.variants.map(\.converted) == theirs.map { $0.int(2) })
        let z = w.object("experiment_z_test")
        let test = try #require(result.variants.first { $0.variant == .string("test") })
        #expect(abs((test.z ?? .nan) - ((z["z"] as? Double) ?? .nan)) < 1e-9)
        #expect(abs((test.pValue ?? .nan) - ((z["p_value"] as? Double) ?? .nan)) < 1e-9)
    }
}
