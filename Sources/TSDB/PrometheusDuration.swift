/// Prometheus durations (`15s`, `1h30m`, `500ms`, `2w`, `1y`) as milliseconds, read and written as
/// Prometheus's `model.Duration` does. One implementation for PromQL literals, configuration
/// files, command-line flags and every API that prints a duration.
public enum PrometheusDuration {
    private static let units: [(name: String, ms: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000),
        ("m", 60_000), ("s", 1000), ("ms", 1),
    ]
    /// Prometheus keeps durations in nanoseconds, so the longest is about 292 years.
    public static let maxMilliseconds = Int64.max / 1_000_000

    /// Milliseconds in `text`: number-unit pairs with units from largest to smallest, each at most
    /// once (y = 365d, w = 7d, d = 24h), or a bare `0`. Throws `.invalidArgument` with
    /// Prometheus's message (`not a valid duration string: "5x"`), without position.
    public static func parse(_ text: String) throws(TSDBError) -> Int64 {
        if text == "0" { return 0 }
        if text.isEmpty { throw TSDBError(.invalidArgument, "empty duration string") }
        var invalid: TSDBError { TSDBError(.invalidArgument, "not a valid duration string: \(goQuote(text))") }
        let scalars = Array(text.unicodeScalars)
        func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
        var i = 0
        var lastUnit = -1
        var total: Int64 = 0
        while i < scalars.count {
            guard isDigit(scalars[i]) else { throw invalid }
            var v: Int64 = 0
            while i < scalars.count, isDigit(scalars[i]) {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(scalars[i].value - 48))
                if o1 || o2 { throw invalid }
                v = a
                i += 1
            }
            let unitStart = i
            while i < scalars.count, !isDigit(scalars[i]) { i += 1 }
            if unitStart == i { throw invalid }
            var u = String.UnicodeScalarView()
            u.append(contentsOf: scalars[unitStart..<i])
            let unit = String(u)
            guard let idx = units.firstIndex(where: { $0.name == unit }) else {
                throw TSDBError(.invalidArgument, "unknown unit \(goQuote(unit)) in duration \(goQuote(text))")
            }
            if idx <= lastUnit { throw invalid }
            lastUnit = idx
            var outOfRange: TSDBError { TSDBError(.invalidArgument, "duration out of range") }
            if v > maxMilliseconds / units[idx].ms { throw outOfRange }
            total += v * units[idx].ms
            if total > maxMilliseconds { throw outOfRange }
        }
        return total
    }

    /// Prometheus's text for a duration: `1h30m`, `1s500ms`, `0s`; years and weeks only when they
    /// divide it exactly (90d reads better than 12w6d, so 8 days is `8d` and 14 days `2w`).
    /// Negative durations get a `-`.
    public static func format(_ ms: Int64) -> String {
        if ms == 0 { return "0s" }
        if ms < 0 { return "-" + format(ms == Int64.min ? Int64.max : -ms) }
        var rest = ms
        var out = ""
        for (k, (name, size)) in units.enumerated() {
            if k < 2 && rest % size != 0 { continue }
            let v = rest / size
            if v > 0 {
                out += "\(v)\(name)"
                rest -= v * size
            }
        }
        return out
    }
}
