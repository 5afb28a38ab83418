/// Prometheus durations (`1h30m`, `5m`, `1y`, `100ms`): number-unit pairs with units from largest
/// to smallest, each at most once. y = 365d, w = 7d, d = 24h. Values are milliseconds.
enum DurationParser {
    private static let units: [(name: String, ms: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000),
        ("m", 60_000), ("s", 1000), ("ms", 1),
    ]
    /// Prometheus keeps durations in nanoseconds, so the largest is about 292 years.
    static let maxMilliseconds = Int64.max / 1_000_000

    /// Parses a duration; the error messages are Prometheus's (without position).
    static func parseMessage(_ text: String) -> Result<Int64, DurationError> {
        if text == "0" { return .success(0) }
        if text.isEmpty { return .failure(DurationError(message: "empty duration string")) }
        var invalid: DurationError { DurationError(message: "not a valid duration string: \(goQuote(text))") }
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var lastUnit = -1
        var total: Int64 = 0
        while i < scalars.count {
            guard isDigit(scalars[i]) else { return .failure(invalid) }
            var v: Int64 = 0
            while i < scalars.count, isDigit(scalars[i]) {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(scalars[i].value - 48))
                if o1 || o2 { return .failure(invalid) }
                v = a
                i += 1
            }
            let unitStart = i
            while i < scalars.count, !isDigit(scalars[i]) { i += 1 }
            if unitStart == i { return .failure(invalid) }
            var u = String.UnicodeScalarView()
            u.append(contentsOf: scalars[unitStart..<i])
            let unit = String(u)
            guard let idx = units.firstIndex(where: { $0.name == unit }) else {
                return .failure(DurationError(message: "unknown unit \(goQuote(unit)) in duration \(goQuote(text))"))
            }
            if idx <= lastUnit { return .failure(invalid) }
            lastUnit = idx
            var outOfRange: DurationError { DurationError(message: "duration out of range") }
            if v > maxMilliseconds / units[idx].ms { return .failure(outOfRange) }
            total += v * units[idx].ms
            if total > maxMilliseconds { return .failure(outOfRange) }
        }
        return .success(total)
    }

    static func parse(_ text: String) throws(PromQLError) -> Int64 {
        switch parseMessage(text) {
        case .success(let ms): return ms
        case .failure(let e): throw PromQLError(.parse, e.message)
        }
    }

    /// Prometheus's duration text: `1h30m`, `5m`, `1y2w`, `1s500ms`, `0s`. Negative values get a `-`.
    static func format(_ ms: Int64) -> String {
        if ms == 0 { return "0s" }
        if ms < 0 { return "-" + format(ms == Int64.min ? Int64.max : -ms) }
        var rest = ms
        var out = ""
        for (name, size) in units {
            let v = rest / size
            if v > 0 {
                out += "\(v)\(name)"
                rest -= v * size
            }
        }
        return out
    }
}

struct DurationError: Error {
    var message: String
}
