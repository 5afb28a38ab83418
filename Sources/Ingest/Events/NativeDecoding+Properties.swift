import EventStore

extension NativeDecoding {
    /// `properties`: an object (null reads as empty). Scalars map to their `PropertyValue`;
    /// objects and arrays are kept as compact JSON text, scrubbed at every depth.
    mutating func readProperties() throws(IngestError) -> FieldResult<[String: PropertyValue]> {
        let kind = try r.peekKind()
        if kind == .null {
            try r.readNull()
            return .ok([:])
        }
        guard kind == .object else {
            try r.skipValue()
            return .bad(field: "properties", message: "must be an object, not \(kind.phrase)")
        }
        var props: [String: PropertyValue] = [:]
        var bad: FieldResult<[String: PropertyValue]>?
        var count = 0
        try r.beginObject()
        var first = true
        while let key = try r.nextKey(&first) {
            if bad != nil {
                try r.skipValue()
                continue
            }
            count += 1
            let name = try r.string(of: key)
            if count > limits.maxProperties {
                bad = .bad(field: "properties", message: "has more than \(limits.maxProperties) properties")
            } else if name.utf8.count > limits.maxNameBytes {
                bad = .bad(field: "properties", message: "key of \(name.utf8.count) bytes is longer than the limit of \(limits.maxNameBytes)")
            } else if scrubber.matches(name) {
                try r.skipValue()
                continue
            }
            if bad != nil {
                try r.skipValue()
                continue
            }
            switch try readPropertyValue(path: "properties." + name) {
            case .ok(let v): props[name] = v
            case .bad(let f, let m): bad = .bad(field: f, message: m)
            }
        }
        return bad ?? .ok(props)
    }

    /// One property value, within the string and depth limits.
    mutating func readPropertyValue(path: @autoclosure () -> String) throws(IngestError) -> FieldResult<PropertyValue> {
        switch try r.peekKind() {
        case .string:
            let s = try r.readString()
            if s.utf8.count > limits.maxStringBytes {
                return .bad(field: path(), message: "is \(s.utf8.count) bytes, longer than the limit of \(limits.maxStringBytes)")
            }
            return .ok(.string(s))
        case .number: return .ok(.number(try r.readNumber()))
        case .bool: return .ok(.bool(try r.readBool()))
        case .null:
            try r.readNull()
            return .ok(.null)
        case .object, .array:
            let start = r.pos
            var value: JSONValue
            do {
                value = try r.readValue(maxDepth: limits.maxPropertyDepth)
            } catch where error.code == .tooDeep {
                r.pos = start
                try r.skipValue()
                return .bad(field: path(), message: "is nested deeper than \(limits.maxPropertyDepth) levels")
            }
            if !scrubber.isEmpty { scrubber.scrub(&value) }
            let text = value.compactText
            if text.utf8.count > limits.maxStringBytes {
                return .bad(field: path(), message: "is \(text.utf8.count) bytes of JSON, longer than the limit of \(limits.maxStringBytes)")
            }
            return .ok(.json(text))
        }
    }
}
