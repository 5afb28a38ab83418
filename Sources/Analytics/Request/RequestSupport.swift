import Foundation

extension KeyedDecodingContainer {
    /// The key's value, or `fallback` when the key is missing or null.
    func decode<T: Decodable>(_ key: Key, or fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }
}

/// Decoding of analysis requests from JSON with every failure as an `AnalyticsError`, so the
/// HTTP layer answers each with a 400 naming the field.
public enum AnalyticsRequest {
    /// Decodes a request (`Trends.Request`, `Funnel.Request`, ...) from a JSON body, with the
    /// default `JSONDecoder` key strategy (the keys are snake_case as written).
    public static func decode<T: Decodable>(_ type: T.Type, from json: Data) throws(AnalyticsError) -> T {
        do {
            return try JSONDecoder().decode(type, from: json)
        } catch let error as AnalyticsError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw .invalid("\(name(context.codingPath + [key])): required")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw .invalid("\(name(context.codingPath)): expected \(describe(expected))")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw .invalid("\(name(context.codingPath)): expected \(describe(expected)), found null")
        } catch let DecodingError.dataCorrupted(context) {
            throw .invalid(context.codingPath.isEmpty ? "the body is not valid JSON" : "\(name(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw .invalid("the body is not a valid request: \(error)")
        }
    }

    private static func name(_ path: [any CodingKey]) -> String {
        let p = fieldPath(path)
        return p.isEmpty ? "the body" : p
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        case is [Any].Type: "a list"
        default: type == [String: Any].self ? "an object" : "a value of another type"
        }
    }
}

/// Checks a request's optional `from` / `to` (ms, `to` exclusive).
func validateRange(_ from: Int64?, _ to: Int64?) throws(AnalyticsError) {
    if let from, let to, from >= to { throw .invalid("from (\(from)) must be before to (\(to))") }
}

/// Checks that an integer request field lies in `range`.
func validate<T: BinaryInteger>(_ value: T, _ range: ClosedRange<T>, _ field: String) throws(AnalyticsError) {
    guard range.contains(value) else { throw .invalid("\(field): \(value) is outside \(range.lowerBound)...\(range.upperBound)") }
}

/// Checks that a name (action, property) field is not empty.
func validateName(_ value: String, _ field: String) throws(AnalyticsError) {
    guard !value.isEmpty else { throw .invalid("\(field): must not be empty") }
    guard value.utf8.count <= 1000 else { throw .invalid("\(field): longer than 1000 bytes") }
}
