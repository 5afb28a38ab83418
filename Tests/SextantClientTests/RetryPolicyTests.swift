import Foundation
@testable import SextantClient
import Testing

@Suite struct RetryPolicyTests {
    @Test func delaysGrowExponentiallyUpToTheCap() {
        let policy = RetryPolicy(maxAttempts: 10, initialDelay: .milliseconds(100), multiplier: 2, maxDelay: .seconds(1), jitter: 0)
        let delays = (1...6).map { policy.delay(afterAttempt: $0, random: 0.7) }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
    }

    @Test(arguments: [0.0, 0.25, 0.5, 0.999])
    func jitterTakesAwayAtMostItsFraction(random: Double) {
        let policy = RetryPolicy(initialDelay: .seconds(1), multiplier: 3, maxDelay: .seconds(60), jitter: 0.5)
        for attempt in 1...5 {
            let full = min(pow(3.0, Double(attempt - 1)), 60)
            let delay = policy.delay(afterAttempt: attempt, random: random)
            let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
            #expect(abs(seconds - full * (1 - 0.5 * random)) < 1e-6)
        }
    }

    @Test func nonsenseSettingsAreRefused() {
        for bad in [RetryPolicy(maxAttempts: 0), RetryPolicy(multiplier: 0.5), RetryPolicy(jitter: 2),
                    RetryPolicy(initialDelay: .seconds(10), maxDelay: .seconds(1))] {
            #expect(throws: SextantClientError.self) { try bad.validated() }
        }
    }
}

@Suite struct RFC3339Tests {
    /// Checked against Foundation's own ISO 8601 formatter, which is the outside reference.
    @Test func matchesFoundationsFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        var millis: [Int64] = [0, 86_399_999, 951_782_400_000, 4_107_542_399_999, 1_767_225_600_123, -1]
        for _ in 0..<2000 { millis.append(Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &generator)) }
        for ms in millis {
            // A quarter millisecond in, so that truncating and rounding formatters agree.
            let date = Date(timeIntervalSince1970: (Double(ms) + 0.25) / 1000)
            let reference = formatter.string(from: date)
            #expect(RFC3339.string(unixMillis: ms) == reference, "at \(ms) ms")
            #expect(RFC3339.string(from: date) == reference, "at \(ms) ms")
        }
    }

    @Test func datesRoundDownToTheMillisecond() {
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1_767_225_600.1239)) == "2026-01-01T00:00:00.123Z")
    }
}
