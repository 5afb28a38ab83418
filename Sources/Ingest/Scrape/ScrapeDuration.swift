/// Prometheus configuration durations (`15s`, `1m30s`, `500ms`, `2w`, `1y`), in milliseconds.
///
/// Parsing follows Prometheus's `model.ParseDuration`: number-unit pairs, units from largest to
/// smallest and each at most once (y = 365d, w = 7d, d = 24h), or a bare `0`. Formatting follows
/// `model.Duration.String`: years and weeks only when they divide the duration exactly, so 8 days
/// is `8d`, not `1w1d`; this is the text of the `__scrape_interval__` label and of the targets API.
public enum ScrapeDuration {
    private static let units: [(name: String, ms: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000),
        ("m", 60_000), ("s", 1000), ("ms", 1),
    ]
    /// Prometheus keeps durations in nanoseconds, so the longest is about 292 years.
    static let maxMilliseconds = Int64.max / 1_000_000

    /// Milliseconds in `text`, or a message saying why it is not a duration.
    public static func parse(_ text: String) -> Result<Int64, IngestError> {
        if text == "0" { return .success(0) }
        let invalid = IngestError(.invalidConfig, "not a valid duration: \"\(text)\" (use e.g. 15s, 1m30s, 500ms)")
        if text.isEmpty { return .failure(IngestError(.invalidConfig, "empty duration")) }
        let bytes = Array(text.utf8)
        var i = 0
        var lastUnit = -1
        var total: Int64 = 0
        while i < bytes.count {
            let digitsStart = i
            var v: Int64 = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(bytes[i] - 0x30))
                if o1 || o2 { return .failure(invalid) }
                v = a
                i += 1
            }
            if i == digitsStart { return .failure(invalid) }
            let unitStart = i
            while i < bytes.count, !(bytes[i] >= 0x30 && bytes[i] <= 0x39) { i += 1 }
            let unit = String(decoding: bytes[unitStart..<i], as: UTF8.self)
            guard let idx = units.firstIndex(where: { $0.name == unit }) else {
                return .failure(unit.isEmpty ? invalid : IngestError(.invalidConfig, "unknown unit \"\(unit)\" in duration \"\(text)\""))
            }
            if idx <= lastUnit { return .failure(invalid) }
            lastUnit = idx
            if v > maxMilliseconds / units[idx].ms { return .failure(IngestError(.invalidConfig, "duration \"\(text)\" is too long")) }
            total += v * units[idx].ms
            if total > maxMilliseconds { return .failure(IngestError(.invalidConfig, "duration \"\(text)\" is too long")) }
        }
        return .success(total)
    }

    /// Prometheus's text for a duration: `15s`, `1m30s`, `8d`, `2w`, `0s`.
    public static func format(_ ms: Int64) -> String {
        if ms <= 0 { return "0s" }
        var rest = ms
        var out = ""
        for (k, (name, size)) in units.enumerated() {
            // Years and weeks only when exact: 90d reads better than 12w6d.
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
