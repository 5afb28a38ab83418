import UTCTime

/// PromQL's calendar functions, in UTC on the proleptic Gregorian calendar.
public enum DateFunction: String, Sendable, CaseIterable {
    case dayOfMonth = "day_of_month"
    case dayOfWeek = "day_of_week"
    case dayOfYear = "day_of_year"
    case daysInMonth = "days_in_month"
    case hour
    case minute
    case month
    case year
}

/// Civil-date arithmetic for the date functions.
///
/// With an argument, Prometheus truncates each sample value (seconds) to an integer the way Go
/// converts float64 to int64 on amd64 (toward zero; NaN, ±Inf and out-of-range values become
/// Int64.min) and reads the date of that second; without an argument it uses the evaluation
/// time `ts / 1000` (ms, truncated). Use `evaluate(_:value:)` and `evaluate(_:unixSeconds:)`
/// respectively. The evaluator drops histogram samples and the metric name, as for math functions.
public enum DateFunctions {
    /// The function applied to a sample value in seconds since the epoch.
    public static func evaluate(_ function: DateFunction, value: Double) -> Double {
        evaluate(function, unixSeconds: goInt64(value))
    }

    /// The function applied to whole seconds since the epoch (e.g. evaluation time ms / 1000).
    public static func evaluate(_ function: DateFunction, unixSeconds: Int64) -> Double {
        let c = civil(unixSeconds)
        switch function {
        case .dayOfMonth: return Double(c.day)
        case .dayOfWeek: return Double(c.weekday)
        case .dayOfYear: return Double(c.yearDay)
        case .daysInMonth: return Double(CivilTime.daysIn(month: c.month, year: c.year))
        case .hour: return Double(c.secondOfDay / 3600)
        case .minute: return Double(c.secondOfDay % 3600 / 60)
        case .month: return Double(c.month)
        case .year: return Double(c.year)
        }
    }

    /// Go's `int64(f)` on amd64: truncation toward zero, and Int64.min for NaN, ±Inf and values
    /// outside Int64's range (the CPU's "integer indefinite" value).
    @inlinable
    public static func goInt64(_ f: Double) -> Int64 {
        // 2^63 is exactly representable; anything at or beyond it (or NaN) is out of range.
        if f.isNaN || f >= 9_223_372_036_854_775_808.0 || f < -9_223_372_036_854_775_808.0 {
            return Int64.min
        }
        return Int64(f)
    }

    /// "2006-01-02T15:04:05Z" for a millisecond timestamp (seconds truncated toward zero),
    /// as Go's time.Unix(ms/1000, 0).UTC().Format(time.RFC3339).
    public static func rfc3339(milliseconds: Int64) -> String {
        let c = civil(milliseconds / 1000)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v.magnitude)
            return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2) + "T"
            + pad(c.secondOfDay / 3600, 2) + ":" + pad(c.secondOfDay % 3600 / 60, 2) + ":"
            + pad(c.secondOfDay % 60, 2) + "Z"
    }

    // MARK: - Calendar

    struct Civil {
        var year: Int64
        var month: Int64
        var day: Int64
        var yearDay: Int64
        var weekday: Int64
        var secondOfDay: Int64
    }

    /// Go adds a fixed offset to Unix seconds in wrapping int64 arithmetic and reads the result
    /// as unsigned seconds since its "absolute" epoch (year −292277022399). For ordinary inputs
    /// this is plain Unix time; near Int64.min it wraps into the far future, as Go's does.
    private static let unixToAbsolute: Int64 = 62_135_596_800 + 9_223_371_966_579_724_800

    static func civil(_ unixSeconds: Int64) -> Civil {
        let absolute = UInt64(bitPattern: unixSeconds &+ unixToAbsolute)
        let effective = Int128(absolute) - Int128(unixToAbsolute)
        let (dayQuotient, dayRemainder) = effective.quotientAndRemainder(dividingBy: 86_400)
        var days = Int64(dayQuotient)
        var secondOfDay = Int64(dayRemainder)
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }

        let (year, month, day) = CivilTime.date(days: days)

        var yearDay = day
        var m: Int64 = 1
        while m < month { yearDay += CivilTime.daysIn(month: m, year: year); m += 1 }
        let weekday = CivilTime.floorMod(days + 4, 7) // 1970-01-01 was a Thursday.
        return Civil(year: year, month: month, day: day, yearDay: yearDay, weekday: weekday, secondOfDay: secondOfDay)
    }
}
