import Testing
import UTCTime

@Suite struct CivilTimeTests {
    /// Every day from 1600 to 2400 converts to its date and back, and consecutive days are
    /// consecutive dates (the calendar is walked by hand next to the closed form).
    @Test func daysAndDatesRoundTripAcrossFourCenturies() {
        var (year, month, day): (Int64, Int64, Int64) = (1600, 1, 1)
        let first = CivilTime.days(year: 1600, month: 1, day: 1)
        #expect(first == -135_140)
        for n in first...CivilTime.days(year: 2400, month: 12, day: 31) {
            let date = CivilTime.date(days: n)
            guard date == (year, month, day), CivilTime.days(year: year, month: month, day: day) == n else {
                Issue.record("day \(n): \(date) is not \(year)-\(month)-\(day)")
                return
            }
            day += 1
            if day > CivilTime.daysIn(month: month, year: year) { day = 1; month += 1 }
            if month > 12 { month = 1; year += 1 }
        }
    }

    @Test func leapYears() {
        #expect(CivilTime.isLeap(2000) && CivilTime.isLeap(2024) && CivilTime.isLeap(1600))
        #expect(!CivilTime.isLeap(1900) && !CivilTime.isLeap(2100) && !CivilTime.isLeap(2026))
        #expect(CivilTime.daysIn(month: 2, year: 2028) == 29 && CivilTime.daysIn(month: 2, year: 2100) == 28)
    }

    @Test func floorDivisionAndRemainder() {
        #expect(CivilTime.floorDiv(-1, CivilTime.msPerDay) == -1)
        #expect(CivilTime.floorMod(-1, CivilTime.msPerDay) == CivilTime.msPerDay - 1)
        #expect(CivilTime.floorDiv(7, 7) == 1 && CivilTime.floorMod(7, 7) == 0)
        #expect(CivilTime.floorMod(-14, 7) == 0)
    }

    @Test func labels() {
        let ms: Int64 = 1_767_607_200_123 // 2026-01-05T10:00:00.123Z
        #expect(CivilTime.dateLabel(ms) == "2026-01-05")
        #expect(CivilTime.timestampLabel(ms) == "2026-01-05T10:00:00Z")
        #expect(CivilTime.millisecondLabel(ms) == "2026-01-05T10:00:00.123Z")
        #expect(CivilTime.millisecondLabel(-1) == "1969-12-31T23:59:59.999Z")
        #expect(CivilTime.compactDateLabel(days: 20_468) == "20260115")
    }
}
