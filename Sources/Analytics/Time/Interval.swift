/// The width of a time bucket, in UTC: weeks start on Monday (ISO), months on the 1st.
public enum Interval: String, RequestEnum {
    case minute, hour, day, week, month

    /// The start (ms) of the bucket holding `t`.
    func floor(_ t: Int64) -> Int64 {
        switch self {
        case .minute: return CivilTime.floorDiv(t, CivilTime.msPerMinute) * CivilTime.msPerMinute
        case .hour: return CivilTime.floorDiv(t, CivilTime.msPerHour) * CivilTime.msPerHour
        case .day: return CivilTime.floorDiv(t, CivilTime.msPerDay) * CivilTime.msPerDay
        case .week:
            // Day 0 (1970-01-01) was a Thursday: Monday-based weeks are offset by 3 days.
            let day = CivilTime.floorDiv(t, CivilTime.msPerDay)
            return (CivilTime.floorDiv(day + 3, 7) * 7 - 3) * CivilTime.msPerDay
        case .month:
            let (y, m, _) = CivilTime.date(days: CivilTime.floorDiv(t, CivilTime.msPerDay))
            return CivilTime.days(year: y, month: m, day: 1) * CivilTime.msPerDay
        }
    }

    /// The start of the bucket after the one starting at `start`.
    func next(_ start: Int64) -> Int64 {
        switch self {
        case .minute: return start + CivilTime.msPerMinute
        case .hour: return start + CivilTime.msPerHour
        case .day: return start + CivilTime.msPerDay
        case .week: return start + 7 * CivilTime.msPerDay
        case .month:
            let (y, m, _) = CivilTime.date(days: CivilTime.floorDiv(start, CivilTime.msPerDay))
            return CivilTime.days(year: m == 12 ? y + 1 : y, month: m == 12 ? 1 : m + 1, day: 1) * CivilTime.msPerDay
        }
    }

    /// How many buckets lie from the one holding `first` through the one holding `last`
    /// (`first <= last`), without building them.
    func bucketCount(from first: Int64, through last: Int64) -> Int64 {
        let a = floor(first), b = floor(last)
        switch self {
        case .minute: return (b - a) / CivilTime.msPerMinute + 1
        case .hour: return (b - a) / CivilTime.msPerHour + 1
        case .day: return (b - a) / CivilTime.msPerDay + 1
        case .week: return (b - a) / (7 * CivilTime.msPerDay) + 1
        case .month:
            let (ya, ma, _) = CivilTime.date(days: CivilTime.floorDiv(a, CivilTime.msPerDay))
            let (yb, mb, _) = CivilTime.date(days: CivilTime.floorDiv(b, CivilTime.msPerDay))
            return (yb - ya) * 12 + (mb - ma) + 1
        }
    }

    /// The label of the bucket starting at `start`: `YYYY-MM-DD` for day, week and month,
    /// RFC 3339 (`YYYY-MM-DDTHH:MM:SSZ`) for hour and minute.
    func label(_ start: Int64) -> String {
        switch self {
        case .minute, .hour: CivilTime.timestampLabel(start)
        case .day, .week, .month: CivilTime.dateLabel(start)
        }
    }
}
