/// One value of an event's `properties`: any JSON value. Literals work directly:
/// `["plan": "pro", "seats": 3, "trial": false, "tags": ["a", "b"]]`.
public enum EventProperty: Sendable, Hashable {
    case string(String)
    /// Every JSON number; integers beyond 2^53 lose precision, as in JavaScript.
    case number(Double)
    case bool(Bool)
    case null
    case array([EventProperty])
    case object([String: EventProperty])
}

extension EventProperty: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([EventProperty].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: EventProperty].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Levels of nesting: 0 for a scalar, 1 for `["a"]` or `{"a": 1}`.
    var depth: Int {
        switch self {
        case .string, .number, .bool, .null: 0
        case .array(let values): 1 + (values.map(\.depth).max() ?? 0)
        case .object(let values): 1 + (values.values.map(\.depth).max() ?? 0)
        }
    }

    /// False for a number that JSON cannot carry (NaN, infinities), here or nested.
    var isRepresentableInJSON: Bool {
        switch self {
        case .number(let value): value.isFinite
        case .string, .bool, .null: true
        case .array(let values): values.allSatisfy(\.isRepresentableInJSON)
        case .object(let values): values.values.allSatisfy(\.isRepresentableInJSON)
        }
    }
}

extension EventProperty: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: EventProperty...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, EventProperty)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
