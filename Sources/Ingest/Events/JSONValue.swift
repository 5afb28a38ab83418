/// A parsed JSON value. Objects keep their members in the order sent (duplicate keys included:
/// readers take the last, as JavaScript does).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The value of the last member named `key`, when this is an object that has one.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as compact JSON text (no whitespace), e.g. `{"a":[1,true]}`.
    public var compactText: String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        appendCompact(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact JSON text of this value.
    public func appendCompact(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let d): out.append(contentsOf: JSONValue.numberText(d).utf8)
        case .string(let s): JSONValue.appendQuoted(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, v) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                v.appendCompact(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.appendQuoted(m.key, to: &out)
                out.append(UInt8(ascii: ":"))
                m.value.appendCompact(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// JSON text for a finite number: integers without a fraction (`3`, not `3.0`), others in
    /// Swift's shortest round-tripping form.
    static func numberText(_ d: Double) -> String {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return d.isFinite ? "\(d)" : "null"
    }

    /// Appends `s` as a JSON string literal: quotes, backslash escapes, control characters as
    /// `\u00XX`; other UTF-8 as is.
    public static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// One `"key": value` of a JSON object.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

extension JSONValue {
    /// Parses a whole document (one value, whitespace around it allowed). Throws `.badJSON`
    /// with the byte offset of the first problem, `.tooDeep` past `maxDepth` nested levels.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = 64) throws(IngestError) -> JSONValue {
        let result: Result<JSONValue, IngestError> = [UInt8](bytes).withUnsafeBufferPointer { buf in
            var r = JSONReader(buf)
            return Result { () throws(IngestError) in
                let v = try r.readValue(maxDepth: maxDepth)
                try r.expectEnd()
                return v
            }
        }
        return try result.get()
    }
}
