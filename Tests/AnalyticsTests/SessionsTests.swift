import Analytics
import EventStore
import Testing

@Suite struct SessionsTests {
    @Test func sessionsByIdInactivityAndTheDayCut() throws {
        var e = Events()
        let t = T.at(hour: 1), m = T.minute
        // By id: a 40-minute gap stays in the session.
        e.add("u1", t, "open", session: "s1")
        e.add("u1", t + 10 * m, "view", session: "s1")
        e.add("u1", t + 70 * m, "view", session: "s1")
        // No id: the 40-minute gap starts a new session.
        e.add("u2", t, "open")
        e.add("u2", t + 10 * m, "view")
        e.add("u2", t + 50 * m, "view")
        e.add("u2", t + 55 * m, "view")
        // Cut after 24 hours.
        e.add("u1", t + 2 * m, "open", session: "s2")
        e.add("u1", t + 2 * m + 23 * T.hour, "view", session: "s2")
        e.add("u1", t + 2 * m + 25 * T.hour, "view", session: "s2")
        e.add(nil, t, "ping")

        let r = try Sessions.run(Sessions.Request(), on: e.reader)
        #expect(r.sessions == 5)
        #expect(r.users == 2)
        #expect(r.unsessionedEvents == 1)
        // durations 4200, 600, 300, 82800, 0 s
        let d = try #require(r.durationSeconds)
        #expect(d.mean == 17_580 && d.median == 600 && abs(d.p90 - 51_360) < 1e-6)
        #expect(r.eventsPerSession == Sessions.Summary(mean: 2, median: 2, p90: 2.6))
        #expect(r.sessionsPerUser == Sessions.Summary(mean: 2.5, median: 2.5, p90: 2.9))
        #expect(r.periods.map(\.start) == ["2026-01-05", "2026-01-06"])
        #expect(r.periods.map(\.sessions) == [4, 1])
        #expect(r.periods[1].durationSeconds?.median == 0)
    }

    @Test func shorterInactivity() throws {
        var e = Events()
        e.add("u", T.at(), "a")
        e.add("u", T.at(minute: 4), "b")
        e.add("u", T.at(minute: 10), "c")
        let r = try Sessions.run(Sessions.Request(inactivitySeconds: 300), on: e.reader)
        #expect(r.sessions == 2)
        let bad = #expect(throws: AnalyticsError.self) { try Sessions.run(Sessions.Request(inactivitySeconds: 0), on: e.reader) }
        #expect(bad?.says("inactivity_seconds") == true)
    }
}
