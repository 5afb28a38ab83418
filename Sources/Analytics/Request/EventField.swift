import EventStore

/// A string-valued field of an event that requests filter and break down by, written as in the
/// event format: `action`, `eventType`, `category`, `label`, `platform`, `appVersion`,
/// `osVersion`, `userSegment`, `sessionId`, or `properties.NAME` for a property.
public enum EventField: Hashable, Sendable, Codable, CustomStringConvertible {
    case column(TermColumn)
    case property(String)

    static let columnNames: [(String, TermColumn)] = [
        ("action", .action), ("eventType", .eventType), ("category", .category), ("label", .label),
        ("platform", .platform), ("appVersion", .appVersion), ("osVersion", .osVersion),
        ("userSegment", .userSegment), ("sessionId", .session),
    ]

    /// Parses a field name; nil when it names no field.
    public init?(_ name: String) {
        if name.hasPrefix("properties.") {
            let key = String(name.dropFirst("properties.".count))
            guard !key.isEmpty else { return nil }
            self = .property(key)
        } else if let column = EventField.columnNames.first(where: { $0.0 == name })?.1 {
            self = .column(column)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .column(let c): EventField.columnNames.first { $0.1 == c }?.0 ?? "\(c)"
        case .property(let key): "properties.\(key)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let field = EventField(name) else {
            let names = EventField.columnNames.map(\.0).joined(separator: ", ")
            throw AnalyticsError.invalid("\(fieldPath(decoder.codingPath)): unknown field \"\(name)\"; expected one of \(names) or properties.NAME")
        }
        self = field
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A field whose property key has been looked up once for a scan.
struct ResolvedField {
    let field: EventField
    /// The property key's term id; nil for a column, or for a key no event has.
    let key: UInt32?

    init(_ field: EventField, _ scan: EventScan) {
        self.field = field
        if case .property(let name) = field { key = scan.id(name) } else { key = nil }
    }

    /// The field's term ids in `block`, nil when no event of the block has it (all absent).
    func column(_ block: any EventBlock) -> [UInt32]? {
        switch field {
        case .column(let c): block.terms(c)
        case .property: key.flatMap { block.property($0) }
        }
    }
}
