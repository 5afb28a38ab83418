/// Writes a `TrackedEvent` as compact JSON, fields in the format's order, nil fields left out.
///
/// Hand-written because `track` runs once per event: Foundation's `JSONEncoder` took about
/// 25 µs per event (it builds an intermediate tree and formats numbers through `printf`); this
/// takes a few hundred nanoseconds (`sextant-client-bench encode`). Numbers must be finite, which
/// `EventTracker` checks before encoding.
enum EventJSON {
    static func encode(_ event: TrackedEvent) -> [UInt8] {
        var out = JSONOutput()
        out.bytes.reserveCapacity(512)
        out.raw("{")
        out.field("id", event.id, first: true)
        out.field("timestamp", event.timestamp)
        if let userId = event.userId { out.field("userId", userId) }
        out.field("sessionId", event.sessionId)
        out.field("eventType", event.eventType)
        out.field("category", event.category)
        out.field("action", event.action)
        if let label = event.label { out.field("label", label) }
        if let value = event.value {
            out.key("value")
            out.number(value)
        }
        out.key("properties")
        out.object(event.properties)
        out.raw(#","deviceInfo":{"#)
        out.field("platform", event.deviceInfo.platform, first: true)
        out.field("appVersion", event.deviceInfo.appVersion)
        out.field("osVersion", event.deviceInfo.osVersion)
        out.raw("}")
        if let segment = event.userSegment { out.field("userSegment", segment) }
        let flags = event.privacyFlags
        out.raw(#","privacyFlags":{"canTrack":"#)
        out.raw(flags.canTrack ? "true" : "false")
        out.raw(#","canProfile":"#)
        out.raw(flags.canProfile ? "true" : "false")
        out.raw(#","canShare":"#)
        out.raw(flags.canShare ? "true" : "false")
        out.field("consentDate", flags.consentDate)
        out.field("consentVersion", flags.consentVersion)
        out.raw("}}")
        return out.bytes
    }
}

/// A growing buffer of JSON text.
struct JSONOutput {
    private static let hexDigits = Array("0123456789abcdef".utf8)
    var bytes: [UInt8] = []

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// `"name":` preceded by a comma unless it is the object's first member. Names are ASCII
    /// literals that need no escaping.
    mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        raw(#"":"#)
    }

    mutating func field(_ name: StaticString, _ value: String, first: Bool = false) {
        key(name, first: first)
        string(value)
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, ... or `\u00XX`;
    /// everything else as its UTF-8 bytes.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: utf8[start..<index])
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: utf8[start...])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A finite number: integers up to 2^53 without a fraction, others in Swift's shortest
    /// round-tripping form (`0.1`, `1e-07`, `1e+22`), which is valid JSON.
    mutating func number(_ value: Double) {
        precondition(value.isFinite, "JSON cannot carry \(value)")
        if value == value.rounded(.towardZero) && abs(value) < 9_007_199_254_740_992 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    mutating func value(_ property: EventProperty) {
        switch property {
        case .string(let text): string(text)
        case .number(let n): number(n)
        case .bool(let flag): flag ? raw("true") : raw("false")
        case .null: raw("null")
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                value(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members): object(members)
        }
    }

    mutating func object(_ members: [String: EventProperty]) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (name, member) in members {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            string(name)
            bytes.append(UInt8(ascii: ":"))
            value(member)
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
