/// Lists of numbers as benchmark tools write them: one per line or separated by whitespace (or
/// commas), `#` starting a comment to the end of the line. For `sextant compare`.
public enum NumberList {
    /// Parses `text`; `name` (a file name) prefixes messages: `a.txt:3: "12ms" is not a number`.
    /// Throws for a token that is not a finite number, no numbers at all, or more than
    /// `InsightsLimits.maxPostedValues`.
    public static func parse(_ text: String, name: String) throws(InsightsError) -> [Double] {
        var values: [Double] = []
        var line = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            line += 1
            let content = raw.prefix { $0 != "#" }
            for token in content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "," }) {
                guard let v = Double(token) else { throw .invalid("\(name):\(line): \"\(token)\" is not a number") }
                if !v.isFinite { throw .invalid("\(name):\(line): \(token) is not a finite number") }
                values.append(v)
                if values.count > InsightsLimits.maxPostedValues {
                    throw InsightsError(.tooLarge, "\(name): more than \(InsightsLimits.maxPostedValues) numbers")
                }
            }
        }
        if values.isEmpty { throw .invalid("\(name): no numbers found") }
        return values
    }
}

extension Comparison {
    /// A plain-text report for terminals and CI logs.
    public func report(baselineName: String, currentName: String) -> String {
        func row(_ label: String, _ a: Double, _ b: Double) -> String {
            label.padding(16) + short(a).padding(14) + short(b).padding(14) + change(a, b)
        }
        func change(_ a: Double, _ b: Double) -> String {
            a == 0 ? "" : (b >= a ? "+" : "") + short(100 * (b - a) / abs(a)) + "%"
        }
        var lines = [
            "".padding(16) + String(baselineName.prefix(13)).padding(14) + String(currentName.prefix(13)).padding(14) + "change",
            "count".padding(16) + String(baseline.count).padding(14) + String(current.count).padding(14),
            row("mean", baseline.mean, current.mean),
            row("median", baseline.median, current.median),
            row("p50", baseline.p50, current.p50),
            row("p95", baseline.p95, current.p95),
            row("p99", baseline.p99, current.p99),
            row("std dev", baseline.standardDeviation, current.standardDeviation),
            "",
        ]
        if let w = welch {
            lines.append("Welch t = \(short(w.t)), df = \(short(w.degreesOfFreedom)), p = \(short(w.pValue))")
        } else {
            lines.append("Welch t undefined (both samples constant)")
        }
        lines.append("Mann-Whitney U = \(short(mannWhitney.u)), p = \(short(mannWhitney.pValue))")
        lines.append("Cohen's d = " + (cohensD.map(short) ?? "undefined (both samples constant)"))
        lines.append("")
        lines.append(reason)
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
