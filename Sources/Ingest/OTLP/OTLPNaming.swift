import Foundation

/// Metric and label names as Prometheus 3's OTLP receiver builds them by default
/// (`otlp.translation_strategy: UnderscoreEscapingWithSuffixes`, with its default
/// `label_name_underscore_sanitization: true` and `label_name_preserve_multiple_underscores: true`).
///
/// Metric names: the name is split into words at every character other than `[a-zA-Z0-9:]`
/// (so runs of `_`, `.`, `-` collapse into one `_`), the unit's words are added unless already
/// there (`s` -> `seconds`, `By` -> `bytes`, `By/s` -> `bytes_per_second`, `{packets}` -> nothing),
/// monotonic sums end in `_total`, gauges with unit `1` in `_ratio`; a leading digit gets `_`.
/// Label names: every character other than `[a-zA-Z0-9]` becomes `_` (runs kept), a leading
/// digit gets `key_`, a single leading `_` gets `key`; names of underscores only are refused.
enum OTLPNaming {
    enum MetricType {
        case gauge, monotonicCounter, nonMonotonicCounter, histogram, summary
    }

    /// Prometheus's unit words for UCUM units (a unit not listed is used as written).
    static let units: [String: String] = [
        "d": "days", "h": "hours", "min": "minutes", "s": "seconds", "ms": "milliseconds",
        "us": "microseconds", "ns": "nanoseconds",
        "By": "bytes", "KiBy": "kibibytes", "MiBy": "mebibytes", "GiBy": "gibibytes", "TiBy": "tibibytes",
        "KBy": "kilobytes", "MBy": "megabytes", "GBy": "gigabytes", "TBy": "terabytes",
        "m": "meters", "V": "volts", "A": "amperes", "J": "joules", "W": "watts", "g": "grams",
        "Cel": "celsius", "Hz": "hertz", "1": "", "%": "percent",
    ]

    /// The words after `per_` for the denominator of a unit such as `By/s`.
    static let perUnits: [String: String] = [
        "s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year",
    ]

    @inline(__always)
    static func isMetricChar(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x3a
    }

    @inline(__always)
    static func isLabelChar(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
    }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// The Prometheus metric name (without `_bucket`/`_sum`/`_count`), or nil when nothing of
    /// the name is left.
    static func metricName(_ name: ArraySlice<UInt8>, unit: ArraySlice<UInt8>, type: MetricType) -> String? {
        var words = name.split(omittingEmptySubsequences: true) { !isMetricChar($0) }.map { String(decoding: $0, as: UTF8.self) }
        let unitText = String(decoding: unit, as: UTF8.self)
        let (main, per) = unitWords(unitText)
        addUnitWords(&words, main: cleanUnit(main), per: cleanUnit(per))
        if type == .monotonicCounter {
            words.removeAll { $0 == "total" }
            words.append("total")
        }
        if unitText == "1" && type == .gauge {
            words.removeAll { $0 == "ratio" }
            words.append("ratio")
        }
        var out = words.joined(separator: "_")
        if let first = out.utf8.first, isDigit(first) { out = "_" + out }
        return out.isEmpty ? nil : out
    }

    /// The unit's main and `per_` words before clean-up; annotations in braces give none.
    static func unitWords(_ unit: String) -> (main: String, per: String) {
        let parts = unit.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        var main = "", per = ""
        if let first = parts.first {
            let m = first.trimmingCharacters(in: .whitespacesAndNewlines)
            if !m.isEmpty && !m.contains(where: { $0 == "{" || $0 == "}" }) { main = units[m] ?? m }
        }
        if parts.count > 1, !parts[1].isEmpty {
            let p = parts[1].trimmingCharacters(in: .whitespacesAndNewlines)
            if !p.isEmpty && !p.contains(where: { $0 == "{" || $0 == "}" }) { per = perUnits[p] ?? p }
            if !per.isEmpty { per = "per_" + per }
        }
        return (main, per)
    }

    /// Invalid characters to `_`, runs of `_` to one, a leading `_` dropped.
    static func cleanUnit(_ unit: String) -> String {
        var out: [UInt8] = []
        for c in unit.utf8 {
            let mapped = isMetricChar(c) ? c : UInt8(ascii: "_")
            if mapped == UInt8(ascii: "_") && out.last == UInt8(ascii: "_") { continue }
            out.append(mapped)
        }
        if out.first == UInt8(ascii: "_") { out.removeFirst() }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the unit words unless the name already has them.
    static func addUnitWords(_ words: inout [String], main: String, per: String) {
        var main = main, per = per
        if words.contains(main) { main = "" }
        if per == "per_" {
            per = ""
        } else {
            if per.hasSuffix("_") { per.removeLast() }
            if words.contains(per) { per = "" }
        }
        if !per.isEmpty && main.hasSuffix("_") { main.removeLast() }
        if !main.isEmpty { words.append(main) }
        if !per.isEmpty { words.append(per) }
    }

    /// The label name for an attribute key, or nil for an empty key or one that becomes
    /// underscores only.
    static func labelName(_ key: UnsafeRawBufferPointer) -> String? {
        guard let first = key.first else { return nil }
        if isPlainLabel(key) { return String(decoding: key, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(key.count + 4)
        var i = 0
        while i < key.count {
            let c = key[i]
            if isLabelChar(c) {
                out.append(c)
                i += 1
            } else {
                // One `_` per character, as Go's range over a string yields runes (an invalid
                // byte is a rune of its own).
                out.append(UInt8(ascii: "_"))
                i += c < 0x80 ? 1 : utf8SequenceLength(key, at: i)
            }
        }
        if isDigit(first) {
            out.insert(contentsOf: "key_".utf8, at: 0)
        } else if out.first == UInt8(ascii: "_") && (out.count < 2 || out[1] != UInt8(ascii: "_")) {
            out.insert(contentsOf: "key".utf8, at: 0)
        }
        if out.allSatisfy({ $0 == UInt8(ascii: "_") }) { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether the key is already a label name this translation leaves as it is.
    @inline(__always)
    static func isPlainLabel(_ key: UnsafeRawBufferPointer) -> Bool {
        guard let first = key.first, !isDigit(first) else { return false }
        if first == UInt8(ascii: "_") && (key.count < 2 || key[1] != UInt8(ascii: "_")) { return false }
        var sawOther = false
        for c in key {
            if isLabelChar(c) { sawOther = true } else if c != UInt8(ascii: "_") { return false }
        }
        return sawOther
    }

    /// Length of the well-formed UTF-8 sequence starting at `i`, or 1 for an invalid byte.
    static func utf8SequenceLength(_ b: UnsafeRawBufferPointer, at i: Int) -> Int {
        let c = b[i]
        let n: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: n = 2
        case 0xE0: n = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: n = 3
        case 0xED: n = 3; hi = 0x9F
        case 0xF0: n = 4; lo = 0x90
        case 0xF1...0xF3: n = 4
        case 0xF4: n = 4; hi = 0x8F
        default: return 1
        }
        guard i + n <= b.count, b[i + 1] >= lo, b[i + 1] <= hi else { return 1 }
        for k in 2..<max(n, 2) where !(b[i + k] >= 0x80 && b[i + k] <= 0xBF) { return 1 }
        return n
    }
}
