import TSDB

/// Checks the labels of a series a server has not seen before, as Prometheus 3's remote-write
/// receiver does, plus Sextant's size limits.
///
/// Rules, in the order they are checked:
/// 1. Names and values are valid UTF-8 (raw entry point only: a Swift `String` always is).
/// 2. No label name is empty.
/// 3. No label name appears twice (checked before empty values are dropped, as Prometheus does,
///    so `job=""` next to `job="a"` is a duplicate).
/// 4. `__name__` is present and non-empty.
/// 5. Labels with empty values are dropped: Prometheus treats them as absent.
/// 6. At most `maxLabelsPerSeries` labels remain; names and values fit their byte limits.
///
/// Like Prometheus 3 (UTF-8 name validation), any non-empty UTF-8 string is a valid metric or
/// label name, and names starting with `__` are accepted: the remote-write spec reserves them
/// but Prometheus's receiver does not reject them, and senders do use e.g. `__tenant__`-style
/// labels.
///
/// Every failure is `IngestError(.invalidSeries)` whose message names the problem and the series
/// as Prometheus prints it (`up{job="a", job="b"}`). The caller skips that series and keeps the
/// rest of the request, reporting the errors in its 400 response.
public enum SeriesValidator {
    /// Longest series description put into an error message; longer ones end with "…".
    static let maxDescriptionLength = 1024

    /// Validates one series of a decoded request, checking UTF-8 on the raw bytes first.
    public static func validate(_ series: SeriesEntry, in request: DecodedWriteRequest,
                                limits: RemoteWriteLimits = RemoteWriteLimits()) -> Result<Labels, IngestError> {
        var labels: [Label] = []
        labels.reserveCapacity(Int(series.labelCount))
        var badUTF8: String?
        for ref in request.labelRefs(of: series) {
            let nameBytes = request.nameBytes(ref)
            let valueBytes = request.valueBytes(ref)
            let name = String(validating: nameBytes, as: UTF8.self)
            let value = String(validating: valueBytes, as: UTF8.self)
            let repairedName = name ?? String(decoding: nameBytes, as: UTF8.self)
            if badUTF8 == nil {
                if name == nil {
                    badUTF8 = "label name \(quoted(repairedName)) is not valid UTF-8"
                } else if value == nil {
                    badUTF8 = "value of label \(quoted(repairedName)) is not valid UTF-8"
                }
            }
            labels.append(Label(repairedName, value ?? String(decoding: valueBytes, as: UTF8.self)))
        }
        if let badUTF8 { return .failure(invalid(badUTF8, labels)) }
        return validate(labels, limits: limits)
    }

    /// Validates a series' labels (any order) and returns them as a sorted `Labels` without
    /// empty values.
    public static func validate(_ labels: [Label], limits: RemoteWriteLimits = RemoteWriteLimits()) -> Result<Labels, IngestError> {
        // Stable sort by name only, so duplicates keep their wire order in the message.
        let sorted = labels.enumerated().sorted { a, b in
            a.element.name != b.element.name ? a.element.name < b.element.name : a.offset < b.offset
        }.map(\.element)
        if sorted.contains(where: { $0.name.isEmpty }) {
            return .failure(invalid("empty label name", labels))
        }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.name == b.name {
            return .failure(invalid("duplicate label name \(quoted(a.name))", labels))
        }
        guard let metric = sorted.first(where: { $0.name == Labels.metricName }) else {
            return .failure(invalid("missing metric name (label \(Labels.metricName))", labels))
        }
        if metric.value.isEmpty {
            return .failure(invalid("empty metric name (label \(Labels.metricName))", labels))
        }
        let kept = sorted.filter { !$0.value.isEmpty }
        if kept.count > limits.maxLabelsPerSeries {
            return .failure(invalid("\(kept.count) labels, more than the limit of \(limits.maxLabelsPerSeries)", labels))
        }
        for label in kept {
            let n = label.name.utf8.count
            if n > limits.maxLabelNameBytes {
                return .failure(invalid("label name \(quoted(label.name)) is \(n) bytes, longer than the limit of \(limits.maxLabelNameBytes)", labels))
            }
            let v = label.value.utf8.count
            if v > limits.maxLabelValueBytes {
                return .failure(invalid("value of label \(quoted(label.name)) is \(v) bytes, longer than the limit of \(limits.maxLabelValueBytes)", labels))
            }
        }
        return .success(Labels(sorted: kept))
    }

    static func invalid(_ problem: String, _ labels: [Label]) -> IngestError {
        IngestError(.invalidSeries, "\(problem) in series \(describe(labels))")
    }

    /// Prints labels the way Prometheus 3 prints a series: the metric name before the braces,
    /// other labels sorted by name as `name="value"`; names that are not classic identifiers are
    /// quoted. Unlike `Labels.description`, duplicates and empty values are shown, since they may
    /// be the problem being reported.
    static func describe(_ labels: [Label]) -> String {
        let sorted = labels.enumerated().sorted { a, b in
            a.element.name != b.element.name ? a.element.name < b.element.name : a.offset < b.offset
        }.map(\.element)
        var out = ""
        var inside: [String] = []
        // The metric name goes first, outside the braces when it is a classic identifier; when it
        // is missing, empty or repeated it is printed as an ordinary label instead.
        let metrics = sorted.filter { $0.name == Labels.metricName }
        var metricShown = false
        if metrics.count == 1, let metric = metrics.first, !metric.value.isEmpty {
            if isClassicName(metric.value, metric: true) {
                out = metric.value
            } else {
                inside.append(quoted(metric.value))
            }
            metricShown = true
        }
        for label in sorted where !(metricShown && label.name == Labels.metricName) {
            let name = isClassicName(label.name) ? label.name : quoted(label.name)
            inside.append("\(name)=\(quoted(label.value))")
        }
        out += "{" + inside.joined(separator: ", ") + "}"
        if out.count > maxDescriptionLength {
            out = String(out.prefix(maxDescriptionLength)) + "…"
        }
        return out
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`; metric names may also contain `:`.
    static func isClassicName(_ s: String, metric: Bool = false) -> Bool {
        guard let first = s.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return s.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x5f || (metric && c == 0x3a)
        }
    }

    /// Double-quoted with backslash escapes for `\`, `"` and control characters.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
