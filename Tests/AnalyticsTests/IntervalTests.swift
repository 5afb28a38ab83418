@testable import Analytics
import Testing

@Suite struct IntervalTests {
    @Test(arguments: [
        // (timestamp, interval, label of its bucket, label of the next bucket)
        (T.at(day: 2, hour: 13, minute: 7), Interval.week, "2026-01-05", "2026-01-12"),
        (T.at(day: -1), Interval.week, "2025-12-29", "2026-01-05"),       // a Sunday belongs to the week before
        (T.at(day: 26, hour: 23), Interval.month, "2026-01-01", "2026-02-01"),
        (T.at(day: 27), Interval.month, "2026-02-01", "2026-03-01"),
        (T.at(day: -5), Interval.month, "2025-12-01", "2026-01-01"),
        (T.at(day: 1, hour: 23, minute: 59), Interval.day, "2026-01-06", "2026-01-07"),
        (T.at(hour: 5, minute: 30), Interval.hour, "2026-01-05T05:00:00Z", "2026-01-05T06:00:00Z"),
        (T.at(minute: 90, ms: 59_999), Interval.minute, "2026-01-05T01:30:00Z", "2026-01-05T01:31:00Z"),
    ])
    func bucketsAndLabels(t: Int64, interval: Interval, label: String, next: String) {
        let start = interval.floor(t)
        #expect(interval.label(start) == label)
        #expect(interval.label(interval.next(start)) == next)
        #expect(start <= t && t < interval.next(start))
    }

    @Test func leapYearsAndTimesBeforeTheEpoch() {
        let feb29 = CivilTime.days(year: 2024, month: 2, day: 29) * CivilTime.msPerDay
        #expect(CivilTime.dateLabel(feb29) == "2024-02-29")
        #expect(Interval.month.label(Interval.month.next(Interval.month.floor(feb29))) == "2024-03-01")
        #expect(CivilTime.dateLabel(-1) == "1969-12-31")
        #expect(CivilTime.timestampLabel(-1) == "1969-12-31T23:59:59Z")
        #expect(Interval.week.label(Interval.week.floor(-1)) == "1969-12-29")
        for days in [-800_000, -1, 0, 59, 11_016, 20_454, 2_932_896] as [Int64] {
            let (y, m, d) = CivilTime.date(days: days)
            #expect(CivilTime.days(year: y, month: m, day: d) == days)
        }
    }

    @Test func bucketCountsMatchTheBuckets() throws {
        for interval in Interval.allCases where interval != .minute {
            let buckets = try TimeBuckets(interval, from: T.at(day: -40), through: T.at(day: 70, hour: 3), limit: 10_000)
            #expect(Int64(buckets.count) == interval.bucketCount(from: T.at(day: -40), through: T.at(day: 70, hour: 3)))
            #expect(buckets.index(of: T.at(day: 70, hour: 3)) == buckets.count - 1)
            #expect(buckets.index(of: T.at(day: -40)) == 0)
        }
        #expect(throws: AnalyticsError.self) { try TimeBuckets(.minute, from: 0, through: T.day * 365, limit: 50_000) }
    }
}
