import EventStore

/// A JSON scalar as requests and results carry it: a filter's value, a breakdown's value.
///
/// It matches a stored value of the same JSON type only: `"3"` does not match the number 3.
/// Stored objects and arrays read back as `.string` of their compact JSON text.
public enum ScalarValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { throw AnalyticsError.invalid("\(fieldPath(decoder.codingPath)): expected a string, number, boolean or null") }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let n): try c.encode(n)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        }
    }

    public var description: String {
        switch self {
        case .string(let s): s
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .bool(let b): String(b)
        case .null: "null"
        }
    }

    /// The stored term this value matches.
    var term: PropertyValue {
        switch self {
        case .string(let s): .string(s)
        case .number(let n): .number(n)
        case .bool(let b): .bool(b)
        case .null: .null
        }
    }

    /// The value of a stored term (id 0, absent, is `.null`).
    init(term id: UInt32, _ terms: any TermLookup) {
        guard id != 0 else { self = .null; return }
        switch terms.term(id) {
        case .string(let s): self = .string(s)
        case .number(let n): self = .number(n)
        case .bool(let b): self = .bool(b)
        case .null: self = .null
        case .json(let text): self = .string(text)
        }
    }
}
