import Insights
import PromQL

/// Typed reads of an Insights request's parameters, each refusing bad text with a message that
/// names the parameter.
struct InsightsParameters {
    let p: RequestParameters

    func string(_ name: String) throws -> String {
        guard let v = p.get(name), !v.isEmpty else { throw APIError.badData("invalid parameter \"\(name)\": missing") }
        return v
    }

    func time(_ name: String) throws -> Int64 { try parseTime(string(name), name: name) }

    func time(_ name: String, default fallback: Int64) throws -> Int64 { try p.time(name, default: fallback) }

    /// A duration as float seconds or PromQL text (`5m`, `1h30m`), in ms, > 0.
    func duration(_ name: String) throws -> Int64? {
        guard let text = p.get(name), !text.isEmpty else { return nil }
        let ms: Int64
        if let d = Double(text), d.isFinite, abs(d) < 9e12 {
            ms = Int64((d * 1000).rounded())
        } else if let d = try? PromQLParser.parseDuration(text) {
            ms = d
        } else {
            throw APIError.badData("invalid parameter \"\(name)\": cannot parse \"\(text)\" to a valid duration")
        }
        if ms <= 0 { throw APIError.badData("invalid parameter \"\(name)\": must be positive") }
        return ms
    }

    func duration(_ name: String, default fallback: Int64) throws -> Int64 { try duration(name) ?? fallback }

    func double(_ name: String) throws -> Double? {
        guard let text = p.get(name), !text.isEmpty else { return nil }
        guard let v = Double(text), v.isFinite else {
            throw APIError.badData("invalid parameter \"\(name)\": \"\(text)\" is not a finite number")
        }
        return v
    }

    func int(_ name: String) throws -> Int? {
        guard let text = p.get(name), !text.isEmpty else { return nil }
        guard let v = Int(text) else { throw APIError.badData("invalid parameter \"\(name)\": \"\(text)\" is not an integer") }
        return v
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = p.get(name), !text.isEmpty else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError.badData("invalid parameter \"\(name)\": \"\(text)\" is not true or false")
        }
    }

    /// One of an enumeration's raw values, or the default when absent.
    func choice<T: RawRepresentable & CaseIterable>(_ name: String, default fallback: T) throws -> T where T.RawValue == String {
        guard let text = p.get(name), !text.isEmpty else { return fallback }
        guard let v = T(rawValue: text) else {
            throw APIError.badData("invalid parameter \"\(name)\": unknown \(name) \"\(text)\"; use one of "
                + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return v
    }

    /// The verdict rule from `alpha`, `minEffect`, `minChangePercent`, `higherIsBetter`.
    func rule() throws -> VerdictRule {
        var rule = VerdictRule()
        if let v = try double("alpha") { rule.alpha = v }
        if let v = try double("minEffect") { rule.minEffect = v }
        if let v = try double("minChangePercent") { rule.minChangePercent = v }
        if let v = try bool("higherIsBetter") { rule.higherIsBetter = v }
        return rule
    }

    /// `step`, or the longest window / 1000 rounded up to whole seconds, so a window has at most
    /// about 1000 points when the caller does not say.
    func step(longest: Int64) throws -> Int64 {
        if let step = try duration("step") { return step }
        let perPoint = max(1, (longest + 999) / 1000)
        return (perPoint + 999) / 1000 * 1000
    }

    /// The smallest of 1m, 5m, 10m, 15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d giving at most 400 points
    /// over `span` (ms): a step that divides a day, so capacity forecasts can use a daily season
    /// (48 steps at 30m for a week), and few enough points for a seasonal fit to be quick.
    static func dayAlignedStep(span: Int64) -> Int64 {
        let minutes: [Int64] = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440]
        for m in minutes where span / (m * 60_000) < 400 { return m * 60_000 }
        return 86_400_000
    }
}
