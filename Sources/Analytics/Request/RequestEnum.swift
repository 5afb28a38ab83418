/// A closed set of words a request field accepts (`"day"`, `"strict"`): decoding any other word
/// throws an `AnalyticsError` that lists the accepted ones.
public protocol RequestEnum: RawRepresentable, CaseIterable, Codable, Sendable where RawValue == String {}

extension RequestEnum {
    public init(from decoder: any Decoder) throws {
        let word = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: word) else {
            let field = fieldPath(decoder.codingPath)
            let accepted = Self.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw AnalyticsError.invalid("\(field.isEmpty ? "value" : field): unknown value \"\(word)\"; expected one of \(accepted)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A coding path as a request field name: `steps[2].mode`.
func fieldPath(_ path: [any CodingKey]) -> String {
    var out = ""
    for key in path {
        if let index = key.intValue { out += "[\(index)]" } else { out += out.isEmpty ? key.stringValue : "." + key.stringValue }
    }
    return out
}
