import Analytics
import EventStore
import Testing

/// Stickiness, lifecycle, paths and segments.
@Suite struct EngagementTests {
    @Test func stickinessCountsActiveDays() throws {
        var e = Events()
        for d in [0, 1, 2] as [Int64] { e.add("u1", T.at(day: d, hour: 3), "open") }
        e.add("u1", T.at(day: 2, hour: 5), "open")
        e.add("u2", T.at(hour: 1), "open")
        e.add("u3", T.at(day: 1), "open")
        e.add("u3", T.at(day: 2), "open")
        e.add("u3", T.at(day: 2), "other")
        let r = try Stickiness.run(Stickiness.Request(action: "open"), on: e.reader)
        #expect(r.periods == 3)
        #expect(r.users == [1, 1, 1])
        #expect(r.totalUsers == 3)
    }

    @Test func lifecycleAsPostHogDefinesIt() throws {
        var e = Events()
        e.add("u1", T.at(day: -3), "open")
        for d in [0, 1, 3] as [Int64] { e.add("u1", T.at(day: d, hour: 2), "open") }
        e.add("u2", T.at(day: 2, hour: 1), "open")
        e.add("u2", T.at(day: 3, hour: 1), "open")
        e.add("u3", T.at(hour: 5), "signup")
        e.add("u3", T.at(day: 1, hour: 5), "open")
        let r = try Lifecycle.run(Lifecycle.Request(action: "open", from: T.at(day: 1), to: T.at(day: 5)), on: e.reader)
        #expect(r.periods.map(\.start) == ["2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09"])
        #expect(r.periods.map(\.new) == [0, 1, 0, 0])
        #expect(r.periods.map(\.returning) == [1, 0, 1, 0])
        #expect(r.periods.map(\.resurrecting) == [1, 0, 1, 0])  // u3 (created the day before), then u1
        #expect(r.periods.map(\.dormant) == [0, 2, 0, 2])
    }

    @Test func pathsNextAndPrevious() throws {
        var e = Events()
        let m = T.minute
        e.add("u1", T.at(), "open")
        e.add("u1", T.at() + m, "view")
        e.add("u1", T.at() + 2 * m, "buy")
        e.add("u1", T.at() + 3 * m, "view")
        e.add("u2", T.at(), "view")
        e.add("u2", T.at() + 40 * m, "open")  // past the 30-minute gap
        let r = try Paths.run(Paths.Request(action: "view"), on: e.reader)
        #expect(r.occurrences == 3)
        #expect(r.next == [Paths.Step(action: "buy", count: 1)])
        #expect(r.nextNone == 2)
        #expect(r.previous == [Paths.Step(action: "buy", count: 1), Paths.Step(action: "open", count: 1)])
        #expect(r.previousNone == 1)
        let limited = try Paths.run(Paths.Request(action: "view", limit: 1), on: e.reader)
        #expect(limited.previous.count == 1)
        #expect(limited.warnings.count == 1)
    }

    @Test func segmentsByRule() throws {
        var e = Events()
        e.add("u1", T.at(), "open")
        for d in 4...9 as ClosedRange<Int64> { e.add("u1", T.at(day: d, hour: 12), "open") }
        e.add("u2", T.at(day: 8), "open")
        e.add("u3", T.at(), "open")
        e.add("u3", T.at(day: 1), "open")
        let r = try Segments.run(Segments.Request(asOf: T.at(day: 10), includeUsers: true), on: e.reader)
        #expect(r.active.users == 2)
        #expect(r.new.members == ["u2"])
        #expect(r.returning.members == ["u1"])
        #expect(r.power.members == ["u1"])
        #expect(r.dormant.members == ["u3"])
        let strict = try Segments.run(Segments.Request(asOf: T.at(day: 10), powerMinDays: 7), on: e.reader)
        #expect(strict.power.users == 0)
        #expect(strict.power.members == nil)
        let bad = #expect(throws: AnalyticsError.self) { try Segments.run(Segments.Request(powerDays: 7, powerMinDays: 8), on: e.reader) }
        #expect(bad?.says("power_min_days") == true)
    }
}
