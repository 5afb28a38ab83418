import Analytics
import EventStore
import Testing

@Suite struct RetentionTests {
    var events: Events {
        var e = Events()
        let w = 7 * T.day
        e.add("u1", T.at(hour: 1), "open")
        e.add("u1", T.at(hour: 2), "view")
        e.add("u1", w + T.at(day: 2), "open")
        e.add("u1", 3 * w + T.at(day: 6), "view")
        e.add("u2", T.at(day: 6), "open")
        e.add("u2", 2 * w + T.at(), "view")
        e.add("u3", w + T.at(day: 4), "open")
        e.add("u3", 2 * w + T.at(day: 1), "view")
        return e
    }

    func table(_ r: Retention.Result) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: r.cohorts.map { ($0.start, $0.users) })
    }

    @Test func firstTimeWeekly() throws {
        let r = try Retention.run(Retention.Request(period: .week), on: events.reader)
        #expect(r.cohorts.map(\.start) == ["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"])
        #expect(table(r) == ["2026-01-05": [2, 1, 1, 1], "2026-01-12": [1, 1, 0], "2026-01-19": [0, 0], "2026-01-26": [0]])
    }

    @Test func onOrAfter() throws {
        let r = try Retention.run(Retention.Request(period: .week, retained: .onOrAfter), on: events.reader)
        #expect(table(r)["2026-01-05"] == [2, 2, 2, 1])
        #expect(table(r)["2026-01-12"] == [1, 1, 0])
    }

    @Test func recurringCohortsEveryStartPeriod() throws {
        let r = try Retention.run(Retention.Request(period: .week, mode: .recurring, startEvent: "open"), on: events.reader)
        // week 0: u1, u2 opened; week 1: u1 and u3 opened
        #expect(table(r)["2026-01-05"] == [2, 1, 1, 1])
        #expect(table(r)["2026-01-12"] == [2, 1, 1])
    }

    @Test func firstTimeLooksBeforeTheRange() throws {
        // u1 and u2 opened first in week 0, before `from`: only u3 starts in range.
        let r = try Retention.run(Retention.Request(period: .week, startEvent: "open", returnEvent: "view",
                                                    from: T.at(day: 7)), on: events.reader)
        #expect(r.cohorts.first?.start == "2026-01-12")
        #expect(table(r)["2026-01-12"] == [1, 1, 0])
    }

    @Test func dailyAndMonthly() throws {
        let daily = try Retention.run(Retention.Request(period: .day, to: T.at(day: 3)), on: events.reader)
        #expect(daily.cohorts.map(\.start) == ["2026-01-05", "2026-01-06", "2026-01-07"])
        #expect(daily.cohorts[0].users == [1, 0, 0])
        let monthly = try Retention.run(Retention.Request(period: .month), on: events.reader)
        #expect(monthly.cohorts.map(\.start) == ["2026-01-01", "2026-02-01"])  // u1's last view is on 1 February
        #expect(monthly.cohorts[0].users == [3, 1])
    }

    @Test func unknownPeriod() throws {
        let e = #expect(throws: AnalyticsError.self) { try decode(Retention.Request.self, #"{"period": "hour"}"#) }
        #expect(e?.says(#"period: unknown value "hour"; expected one of "day", "week", "month""#) == true)
    }
}
