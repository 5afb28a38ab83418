import EventStore

/// One condition on an event's field; a request's filters must all hold (and).
///
/// `eq` / `neq` take `value`, `in` / `not_in` take `values` (1 to 1,000), `is_set` /
/// `is_not_set` take neither. `neq` and `not_in` also match events that lack the field.
public struct EventFilter: Codable, Sendable, Hashable {
    public enum Op: String, RequestEnum {
        case eq, neq, `in`, notIn = "not_in", isSet = "is_set", isNotSet = "is_not_set"
    }

    public var field: EventField
    public var op: Op
    public var value: ScalarValue?
    public var values: [ScalarValue]?

    public init(_ field: EventField, _ op: Op, value: ScalarValue? = nil, values: [ScalarValue]? = nil) {
        self.field = field
        self.op = op
        self.value = value
        self.values = values
    }

    /// `field == value`.
    public static func equals(_ field: EventField, _ value: ScalarValue) -> EventFilter { EventFilter(field, .eq, value: value) }

    static let maxValues = 1000

    func validate(_ at: String) throws(AnalyticsError) {
        switch op {
        case .eq, .neq:
            guard value != nil else { throw .invalid("\(at).value: \(op.rawValue) needs a value") }
        case .in, .notIn:
            guard let values, !values.isEmpty else { throw .invalid("\(at).values: \(op.rawValue) needs a non-empty list of values") }
            guard values.count <= EventFilter.maxValues else {
                throw .invalid("\(at).values: \(values.count) values, more than the \(EventFilter.maxValues) allowed")
            }
        case .isSet, .isNotSet:
            break
        }
        if case .column = field, let bad = ([value].compactMap { $0 } + (values ?? [])).first(where: { if case .string = $0 { false } else { true } }) {
            throw .invalid("\(at): \(field) holds strings, so \(bad) never matches; give a string")
        }
    }
}

extension [EventFilter] {
    func validate(_ at: String) throws(AnalyticsError) {
        guard count <= 100 else { throw .invalid("\(at): \(count) filters, more than the 100 allowed") }
        for (i, f) in enumerated() { try f.validate("\(at)[\(i)]") }
    }
}

/// Filters resolved against a scan's dictionaries: each is a field and a set of term ids that
/// must (or must not) hold it. Absent fields read as id 0.
struct FilterSet {
    struct Condition {
        let field: ResolvedField
        /// Sorted term ids; the condition holds when the event's id is in it (`inside`) or not.
        let ids: [UInt32]
        let inside: Bool
    }

    let conditions: [Condition]

    init(_ filters: [EventFilter], action: String? = nil, _ scan: EventScan) {
        var conditions: [Condition] = []
        if let action {
            conditions.append(Condition(field: ResolvedField(.column(.action), scan), ids: scan.id(action).map { [$0] } ?? [], inside: true))
        }
        for f in filters {
            let lookup = { (v: ScalarValue) in scan.terms.id(of: v.term) }
            let (ids, inside): ([UInt32], Bool) = switch f.op {
            case .eq: (f.value.flatMap(lookup).map { [$0] } ?? [], true)
            case .neq: (f.value.flatMap(lookup).map { [$0] } ?? [], false)
            case .in: ((f.values ?? []).compactMap(lookup), true)
            case .notIn: ((f.values ?? []).compactMap(lookup), false)
            case .isSet: ([0], false)
            case .isNotSet: ([0], true)
            }
            conditions.append(Condition(field: ResolvedField(f.field, scan), ids: Array(Set(ids)).sorted(), inside: inside))
        }
        self.conditions = conditions
    }

    var isEmpty: Bool { conditions.isEmpty }

    /// The conditions bound to one block's columns; nil when no event of the block can match.
    func bind(_ block: any EventBlock) -> BoundFilters? {
        var bound: [BoundFilters.Condition] = []
        for c in conditions {
            guard let column = c.field.column(block) else {
                // The whole block lacks the field: the condition is the same for every row.
                if c.ids.contains(0) == c.inside { continue } else { return nil }
            }
            if c.inside && c.ids.isEmpty { return nil }
            if !c.inside && c.ids.isEmpty { continue }
            bound.append(BoundFilters.Condition(column: column, ids: c.ids, inside: c.inside))
        }
        return BoundFilters(conditions: bound)
    }
}

/// A `FilterSet` over one block's columns.
struct BoundFilters {
    struct Condition {
        let column: [UInt32]
        let ids: [UInt32]
        let inside: Bool
    }

    let conditions: [Condition]

    var matchesAll: Bool { conditions.isEmpty }

    /// The rows of `rows` that match, ascending; nil when every row does (no conditions).
    /// The first condition scans its column; each next one narrows the selection.
    func select(_ rows: Range<Int>) -> [Int32]? {
        guard let first = conditions.first else { return nil }
        var selected: [Int32] = []
        first.column.withUnsafeBufferPointer { column in
            if first.ids.count == 1 {
                let id = first.ids[0]
                if first.inside {
                    for i in rows where column[i] == id { selected.append(Int32(i)) }
                } else {
                    for i in rows where column[i] != id { selected.append(Int32(i)) }
                }
            } else {
                for i in rows where first.ids.contains(column[i]) == first.inside { selected.append(Int32(i)) }
            }
        }
        for c in conditions.dropFirst() {
            selected.removeAll { c.ids.contains(c.column[Int($0)]) != c.inside }
        }
        return selected
    }

    @inline(__always)
    func matches(_ row: Int) -> Bool {
        for c in conditions {
            let id = c.column[row]
            let found = c.ids.count == 1 ? c.ids[0] == id : c.ids.contains(id)
            if found != c.inside { return false }
        }
        return true
    }
}
