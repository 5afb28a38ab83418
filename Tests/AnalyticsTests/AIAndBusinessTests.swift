import Analytics
import EventStore
import Foundation
import Testing

@Suite struct AIAndBusinessTests {
    @Test func recommendationOutcomesAndDrift() throws {
        var e = Events()
        let m1: [String: PropertyValue] = ["model_version": .string("m1")], m2: [String: PropertyValue] = ["model_version": .string("m2")]
        for h in 0..<4 as Range<Int64> { e.add("u", T.at(hour: h), "recommendation_shown", props: m1) }
        e.add("u", T.at(hour: 5), "recommendation_accepted", props: m1)
        e.add("u", T.at(hour: 6), "recommendation_accepted", props: m1)
        e.add("u", T.at(day: 1, hour: 1), "recommendation_modified", props: m1)
        e.add("u", T.at(day: 1, hour: 2), "recommendation_rejected", props: m1)
        e.add("u", T.at(day: 1, hour: 3), "satisfaction_rated", props: m1, value: 4)
        e.add("u", T.at(day: 1, hour: 4), "satisfaction_rated", props: m1, value: 2)
        e.add("u", T.at(day: 1, hour: 5), "satisfaction_rated", props: m1)
        e.add("v", T.at(hour: 1), "recommendation_shown", props: m2)
        e.add("v", T.at(hour: 1), "recommendation_shown", props: m2)
        e.add("v", T.at(hour: 2), "recommendation_accepted", props: m2)
        e.add("v", T.at(day: 1), "recommendation_accepted", props: m2)
        let r = try AIRecommendations.run(AIRecommendations.Request(baseline: TimeRange(from: T.at(), to: T.at(day: 1)),
                                                                    comparison: TimeRange(from: T.at(day: 1), to: T.at(day: 2))), on: e.reader)
        #expect(r.models.map(\.model) == [.string("m1"), .string("m2")])
        let first = r.models[0]
        #expect([first.shown, first.accepted, first.modified, first.rejected] as [Int] == [4, 2, 1, 1])
        #expect(first.acceptanceRate == 0.5)
        #expect(first.meanSatisfaction == 3)
        #expect(first.ratings == 2)
        #expect(first.acceptanceOverTime.map(\.acceptanceRate) == [0.5, nil])
        // All accepted, then half modified and half rejected: disjoint mixes.
        #expect(first.drift.jensenShannon == 1)
        let psi = try #require(first.drift.psi)
        #expect(abs(psi - 1.5474575) < 1e-6)
        #expect(r.models[1].acceptanceRate == 1)
        #expect(r.models[1].drift.jensenShannon == 0)
    }

    @Test func revenueSubscriptionsChurnAndLTV() throws {
        var e = Events()
        e.add("u1", T.at(hour: 1), "subscription_started")
        e.add("u1", T.at(hour: 2), "payment", value: 10)
        e.add("u1", T.at(day: 1, hour: 2), "payment", value: 10)
        e.add("u1", T.at(day: 2, hour: 2), "subscription_canceled")
        e.add("u2", T.at(day: 1, hour: 1), "subscription_started")
        e.add("u2", T.at(day: 1, hour: 5), "subscription_canceled")
        e.add("u3", T.at(day: 1, hour: 1), "subscription_started")
        e.add("u3", T.at(day: 1, hour: 1), "payment", value: 20)
        e.add("u4", T.at(day: 3, hour: 1), "open")
        let r = try Business.run(Business.Request(from: T.at(day: 1), to: T.at(day: 4)), on: e.reader)
        #expect(r.periods.map(\.start) == ["2026-01-06", "2026-01-07", "2026-01-08"])
        #expect(r.periods.map(\.revenue) == [30, 0, 0])
        #expect(r.periods.map(\.payingUsers) == [2, 0, 0])
        #expect(r.periods.map(\.newSubscriptions) == [2, 0, 0])
        #expect(r.periods.map(\.canceledSubscriptions) == [1, 1, 0])
        #expect(r.periods.map(\.subscribersAtStart) == [1, 2, 1])
        #expect(r.periods.map(\.churned) == [0, 1, 0])  // u2 started and left within the day: not churn
        #expect(r.periods.map(\.churnRate) == [0, 0.5, 0])
        #expect(r.totalRevenue == 30)
        #expect(r.activeUsers == 4)
        #expect(r.arpu == 7.5)
        #expect(r.arppu == 15)
        #expect(r.churnRate == 0.25)
        #expect(r.ltv == 60)
    }
}
