#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// RFC 3339 timestamps in UTC with milliseconds, `2026-01-31T09:05:00.123Z`: the form of every
/// time in Sextant's event format. Written by hand so it needs no formatter object, locale or
/// lock; years outside 0...9999 are clamped.
enum RFC3339 {
    static func string(from date: Date) -> String {
        let millis = (date.timeIntervalSince1970 * 1000).rounded(.down)
        return string(unixMillis: millis.isFinite ? Int64(max(min(millis, 1e15), -1e15)) : 0)
    }

    static func string(unixMillis: Int64) -> String {
        let clamped = max(min(unixMillis, 253_402_300_799_999), -62_167_219_200_000)
        let (days, msOfDay) = floorDivide(clamped, 86_400_000)
        let (year, month, day) = civil(fromDays: days)
        let seconds = msOfDay / 1000
        // "YYYY-MM-DDTHH:MM:SS.mmmZ", written digit by digit into a fixed buffer.
        return String(unsafeUninitializedCapacity: 24) { out in
            func put(_ value: Int64, _ width: Int, at offset: Int) {
                var value = value
                for i in stride(from: offset + width - 1, through: offset, by: -1) {
                    out[i] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0)
            put(month, 2, at: 5)
            put(day, 2, at: 8)
            put(seconds / 3600, 2, at: 11)
            put(seconds / 60 % 60, 2, at: 14)
            put(seconds % 60, 2, at: 17)
            put(msOfDay % 1000, 3, at: 20)
            (out[4], out[7], out[10], out[13], out[16], out[19], out[23]) =
                (UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"), UInt8(ascii: ":"), UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "Z"))
            return 24
        }
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
