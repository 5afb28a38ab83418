import Testing
import TSDB

@Suite struct PrometheusDurationTests {
    static let valid: [(String, Int64)] = [
        ("15s", 15_000), ("1m30s", 90_000), ("500ms", 500), ("2w", 1_209_600_000), ("0", 0),
        ("1y", 31_536_000_000), ("1w2d3h4m5s6ms", 788_645_006),
    ]
    static let invalid: [(String, String)] = [
        ("", "empty duration string"),
        ("5", #"not a valid duration string: "5""#),
        ("1.5s", #"unknown unit "." in duration "1.5s""#),   // prometheus/common model.ParseDuration
        ("1s1m", #"not a valid duration string: "1s1m""#),
        ("5m5m", #"not a valid duration string: "5m5m""#),
        ("-1s", #"not a valid duration string: "-1s""#),
        ("s", #"not a valid duration string: "s""#),
        ("5x", #"unknown unit "x" in duration "5x""#),
        ("5 m", #"unknown unit " m" in duration "5 m""#),
        ("300y", "duration out of range"),
    ]
    /// Prometheus's `model.Duration.String`: years and weeks only when exact.
    static let printed: [(Int64, String)] = [
        (0, "0s"), (90_000, "1m30s"), (1500, "1s500ms"), (5_400_000, "1h30m"), (8 * 86_400_000, "8d"),
        (14 * 86_400_000, "2w"), (15 * 86_400_000, "15d"), (365 * 86_400_000, "1y"), (366 * 86_400_000, "366d"),
        (-90_000, "-1m30s"),
    ]

    @Test(arguments: valid)
    func parses(_ text: String, _ ms: Int64) throws {
        #expect(try PrometheusDuration.parse(text) == ms)
    }

    @Test(arguments: invalid)
    func refuses(_ text: String, _ message: String) {
        let error = #expect(throws: TSDBError.self) { try PrometheusDuration.parse(text) }
        #expect(error?.message == message)
    }

    @Test(arguments: printed)
    func formats(_ ms: Int64, _ text: String) {
        #expect(PrometheusDuration.format(ms) == text)
    }
}
