import EventStore

/// JSON object members to stored properties, under the same limits and scrubbing as native
/// events: scalars keep their type, objects and arrays become compact JSON text.
enum PropertyConversion {
    /// Fills `props` from `members` (the last of duplicate keys wins); returns the first
    /// problem, with its field path, when a limit is passed.
    static func convert(_ members: [JSONMember], into props: inout [String: PropertyValue], limits: EventLimits,
                        scrubber: KeyScrubber, skip: Set<String> = []) -> (field: String, message: String)? {
        if members.count > limits.maxProperties {
            return ("properties", "has more than \(limits.maxProperties) properties")
        }
        for m in members {
            if skip.contains(m.key) || scrubber.matches(m.key) { continue }
            if m.key.utf8.count > limits.maxNameBytes {
                return ("properties", "key of \(m.key.utf8.count) bytes is longer than the limit of \(limits.maxNameBytes)")
            }
            switch m.value {
            case .string(let s):
                if s.utf8.count > limits.maxStringBytes {
                    return ("properties." + m.key, "is \(s.utf8.count) bytes, longer than the limit of \(limits.maxStringBytes)")
                }
                props[m.key] = .string(s)
            case .number(let d): props[m.key] = .number(d)
            case .bool(let b): props[m.key] = .bool(b)
            case .null: props[m.key] = .null
            case .array, .object:
                if depth(of: m.value) > limits.maxPropertyDepth {
                    return ("properties." + m.key, "is nested deeper than \(limits.maxPropertyDepth) levels")
                }
                var v = m.value
                if !scrubber.isEmpty { scrubber.scrub(&v) }
                let text = v.compactText
                if text.utf8.count > limits.maxStringBytes {
                    return ("properties." + m.key, "is \(text.utf8.count) bytes of JSON, longer than the limit of \(limits.maxStringBytes)")
                }
                props[m.key] = .json(text)
            }
        }
        return nil
    }

    /// Levels of objects and arrays: 0 for a scalar, 1 for `{"a":1}`.
    static func depth(of value: JSONValue) -> Int {
        switch value {
        case .array(let items): return 1 + (items.map(depth).max() ?? 0)
        case .object(let members): return 1 + (members.map { depth(of: $0.value) }.max() ?? 0)
        default: return 0
        }
    }
}
