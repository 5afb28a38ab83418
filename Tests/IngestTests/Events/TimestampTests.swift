import Foundation
@testable import Ingest
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-01-05T10:00:00.123Z", Int64(1_767_607_200_123)),
        ("2026-01-05T10:00:00Z", 1_767_607_200_000),
        ("2026-01-05t10:00:00z", 1_767_607_200_000),
        ("2026-01-05 10:00:00Z", 1_767_607_200_000),
        ("2026-01-05T12:30:00+02:30", 1_767_607_200_000),
        ("2026-01-05T05:00:00.5-05:00", 1_767_607_200_500),
        ("2026-01-05T10:00:00.123456789Z", 1_767_607_200_123),
        ("2000-02-29T00:00:00Z", 951_782_400_000),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2016-12-31T23:59:60Z", 1_483_228_799_000),
    ])
    func parsesRFC3339(text: String, ms: Int64) {
        #expect(Timestamp.parseRFC3339(text) == ms)
    }

    @Test(arguments: ["2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-01-05T24:00:00Z", "2026-01-05T10:00:00",
                      "2026-01-05", "2026-01-05T10:00Z", "2026-01-05T10:00:00.Z", "2026-01-05T10:00:00+0200", "yesterday",
                      "2026-01-05T10:00:00Zjunk", ""])
    func refusesWhatIsNotRFC3339(text: String) {
        #expect(Timestamp.parseRFC3339(text) == nil)
    }

    @Test func iso8601IsMoreLenient() {
        #expect(Timestamp.parseISO8601("2026-01-05T10:00:00") == 1_767_607_200_000)
        #expect(Timestamp.parseISO8601("2026-01-05") == 1_767_571_200_000)
        #expect(Timestamp.parseISO8601("2026-01-05T13:00:00+03") == 1_767_607_200_000)
        #expect(Timestamp.parseISO8601("2026-01-05T13:00:00.000+0300") == 1_767_607_200_000)
        // What Python's datetime.isoformat() writes.
        #expect(Timestamp.parseISO8601("2026-01-05T10:00:00.123456+00:00") == 1_767_607_200_123)
    }

    @Test func agreesWithFoundationAndFormatsBack() {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var rng = RemoteWriteTestRandom(seed: 7)
        for _ in 0..<2000 {
            let ms = Int64(rng.next() % 8_000_000_000_000) - 1_000_000_000_000
            let text = Timestamp.format(ms)
            #expect(Timestamp.parseRFC3339(text) == ms, "\(text)")
            let date = f.date(from: text)
            #expect(date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == ms, "\(text)")
        }
    }
}
