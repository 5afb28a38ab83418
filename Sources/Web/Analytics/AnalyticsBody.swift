import Analytics
import Foundation
import Hummingbird
import UTCTime

/// The HTTP forms of analysis requests, rewritten into the Analytics module's JSON before it
/// decodes them (docs/analytics-api.md):
/// - times (`from`, `to`, `as_of`, and those inside `baseline`, `comparison` and cohort
///   criteria) as RFC 3339 text (`2026-01-05T00:00:00Z`) or as Unix milliseconds;
/// - `window` (a duration such as `7d`, `36h`, `90m`) for a funnel's `window_seconds`;
/// - `measure` for a trend's `math`;
/// - `conversion: {"action", "filters"}` for an experiment's `conversion_event` and
///   `conversion_filters`.
/// - `cohort` (a saved cohort's id), taken out here: the analysis then reads only the events
///   of the cohort's members.
/// An empty body is `{}`. Errors name the field; the module's own checks come after.
enum AnalyticsBody {
    /// What each analysis's request may carry beyond the module's keys.
    enum Aliases {
        case none, funnel, trends, experiment, ai, cohort
    }

    /// The request body as the module's JSON, and the saved cohort it is restricted to
    /// (`cohort`: a saved cohort's id), if any.
    static func rewrite(_ body: ByteBuffer, aliases: Aliases) throws -> (json: Data, cohort: Int64?) {
        var object = try parseObject(body)
        let cohort = try object.removeValue(forKey: "cohort").map(cohortID)
        try convertTimes(&object, keys: ["from", "to", "as_of"], at: "")
        switch aliases {
        case .none: break
        case .funnel: try rename(&object, "window", to: "window_seconds") { try windowSeconds($0) }
        case .trends: try rename(&object, "measure", to: "math") { try measure($0) }
        case .experiment: try conversion(&object)
        case .ai:
            for key in ["baseline", "comparison"] {
                guard var range = object[key] as? [String: Any] else { continue }
                try convertTimes(&range, keys: ["from", "to"], at: key + ".")
                object[key] = range
            }
        case .cohort:
            if let definition = object["definition"] { object["definition"] = try cohortDefinition(definition, at: "definition") }
        }
        return (try JSONSerialization.data(withJSONObject: object), cohort)
    }

    /// A saved cohort's id: a positive integer.
    static func cohortID(_ value: Any) throws -> Int64 {
        guard let n = value as? NSNumber, !isBool(n), let id = Int64(exactly: n.doubleValue), id > 0 else {
            throw APIError.badData("cohort: expected the id of a saved cohort (a positive integer)")
        }
        return id
    }

    /// The body as a JSON object (`{}` when empty).
    static func parseObject(_ body: ByteBuffer) throws -> [String: Any] {
        guard body.readableBytes > 0 else { return [:] }
        let parsed: Any
        do {
            parsed = try JSONTree.parse(Data(body.readableBytesView))
        } catch {
            throw APIError.badData("the body is not valid JSON")
        }
        guard let object = parsed as? [String: Any] else { throw APIError.badData("the body must be a JSON object") }
        return object
    }

    /// Replaces RFC 3339 text under `keys` by Unix ms; numbers are already ms.
    static func convertTimes(_ object: inout [String: Any], keys: [String], at prefix: String) throws {
        for key in keys {
            guard let value = object[key], !(value is NSNull) else { continue }
            object[key] = try millis(value, field: prefix + key)
        }
    }

    static func millis(_ value: Any, field: String) throws -> Int64 {
        if let text = value as? String {
            guard let ms = Timestamp.parseRFC3339(text) else {
                throw APIError.badData("\(field): \"\(text)\" is not an RFC 3339 time such as 2026-01-05T00:00:00Z")
            }
            return ms
        }
        if let n = value as? NSNumber, !isBool(n), let ms = Int64(exactly: n.doubleValue) {
            return ms
        }
        throw APIError.badData("\(field): expected an RFC 3339 time such as 2026-01-05T00:00:00Z, or Unix milliseconds")
    }

    /// Moves `alias` to `key` through `convert`; giving both is refused.
    static func rename(_ object: inout [String: Any], _ alias: String, to key: String, _ convert: (Any) throws -> Any) throws {
        guard let value = object.removeValue(forKey: alias) else { return }
        guard object[key] == nil else { throw APIError.badData("\(alias): give \(alias) or \(key), not both") }
        object[key] = try convert(value)
    }

    /// A funnel window: a duration such as `7d` or `1h30m` (whole seconds), or seconds.
    static func windowSeconds(_ value: Any) throws -> Any {
        if let n = value as? NSNumber, !isBool(n) { return n }
        guard let text = value as? String else { throw APIError.badData("window: expected a duration such as \"7d\" or \"36h\"") }
        let ms: Int64
        do {
            ms = try parseDuration(text)
        } catch {
            throw APIError.badData("window: \"\(text)\" is not a duration such as \"7d\", \"36h\" or \"90m\"")
        }
        guard ms % 1000 == 0 else { throw APIError.badData("window: \"\(text)\" is not a whole number of seconds") }
        return ms / 1000
    }

    /// A trend's `measure`, checked here so that the error names the field the sender wrote.
    static func measure(_ value: Any) throws -> Any {
        guard let text = value as? String, Trends.Math(rawValue: text) != nil else {
            let accepted = Trends.Math.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw APIError.badData("measure: unknown value \(value is String ? "\"\(value)\"" : "of another type"); expected one of \(accepted)")
        }
        return text
    }

    /// `conversion: {"action", "filters"}` as `conversion_event` and `conversion_filters`.
    static func conversion(_ object: inout [String: Any]) throws {
        guard let value = object.removeValue(forKey: "conversion") else { return }
        guard let conversion = value as? [String: Any] else {
            throw APIError.badData("conversion: expected an object such as {\"action\": \"purchase\"}")
        }
        guard object["conversion_event"] == nil, object["conversion_filters"] == nil else {
            throw APIError.badData("conversion: give conversion or conversion_event, not both")
        }
        guard let action = conversion["action"] else { throw APIError.badData("conversion.action: required") }
        object["conversion_event"] = action
        if let filters = conversion["filters"] { object["conversion_filters"] = filters }
        if let unknown = conversion.keys.first(where: { $0 != "action" && $0 != "filters" }) {
            throw APIError.badData("conversion.\(unknown): unknown key (expected action, filters)")
        }
    }

    /// A cohort definition with its criteria's `from` / `to` converted, at any depth (the
    /// module bounds the depth; JSON parsing bounds it first).
    static func cohortDefinition(_ value: Any, at path: String) throws -> Any {
        guard var object = value as? [String: Any] else { return value }
        for key in ["and", "or"] {
            guard let parts = object[key] as? [Any] else { continue }
            object[key] = try parts.enumerated().map { i, part in try cohortDefinition(part, at: "\(path).\(key)[\(i)]") }
        }
        try convertTimes(&object, keys: ["from", "to"], at: path + ".")
        return object
    }

    /// JSON booleans parse as NSNumbers too; they are not times or windows.
    static func isBool(_ n: NSNumber) -> Bool {
        String(cString: n.objCType) == "c"
    }
}
