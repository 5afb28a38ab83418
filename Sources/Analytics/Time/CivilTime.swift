/// UTC calendar arithmetic on milliseconds since the Unix epoch (proleptic Gregorian calendar).
///
/// Days are counted from 1970-01-01; the conversions are the closed-form ones from Howard
/// Hinnant's "chrono-compatible low-level date algorithms", valid for every Int64 day in range.
enum CivilTime {
    static let msPerMinute: Int64 = 60_000
    static let msPerHour: Int64 = 3_600_000
    static let msPerDay: Int64 = 86_400_000

    /// The day number (days since 1970-01-01) of a civil date; `month` is 1...12.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number.
    static func date(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day)
    }

    /// Division rounding toward negative infinity.
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// `YYYY-MM-DD` of the day holding `ms`.
    static func dateLabel(_ ms: Int64) -> String {
        let (y, m, d) = date(days: floorDiv(ms, msPerDay))
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// RFC 3339 in UTC to the second, `YYYY-MM-DDTHH:MM:SSZ`.
    static func timestampLabel(_ ms: Int64) -> String {
        let second = floorDiv(ms, 1000) - floorDiv(ms, msPerDay) * 86_400
        return "\(dateLabel(ms))T\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):\(pad(second % 60, 2))Z"
    }

    private static func pad(_ n: Int64, _ width: Int) -> String {
        let digits = String(n.magnitude)
        let padded = digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
        return n < 0 ? "-" + padded : padded
    }
}
