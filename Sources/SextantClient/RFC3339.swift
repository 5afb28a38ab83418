#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import UTCTime

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
        let msOfDay = CivilTime.floorMod(clamped, CivilTime.msPerDay)
        let (year, month, day) = CivilTime.date(days: CivilTime.floorDiv(clamped, CivilTime.msPerDay))
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
}
