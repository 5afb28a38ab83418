import EventStore

/// Writes stored events back out in the native format (the one `NativeEventDecoder` reads), for
/// exports: one compact JSON object per event. Fields that were never stored (privacy flags,
/// dropped ids) are left out rather than invented.
public enum NativeEventEncoder {
    public static func json(_ e: Event) -> JSONValue {
        var m: [JSONMember] = [
            JSONMember("id", .string(e.id)),
            JSONMember("timestamp", .string(Timestamp.format(e.timestamp))),
        ]
        if let u = e.userId { m.append(JSONMember("userId", .string(u))) }
        if let s = e.sessionId { m.append(JSONMember("sessionId", .string(s))) }
        m.append(JSONMember("eventType", .string(e.eventType)))
        m.append(JSONMember("category", .string(e.category)))
        m.append(JSONMember("action", .string(e.action)))
        if let l = e.label { m.append(JSONMember("label", .string(l))) }
        if let v = e.value { m.append(JSONMember("value", .number(v))) }
        m.append(JSONMember("properties", .object(e.properties.sorted { $0.key < $1.key }.map { JSONMember($0.key, value($0.value)) })))
        var device: [JSONMember] = []
        if let p = e.device.platform { device.append(JSONMember("platform", .string(p))) }
        if let a = e.device.appVersion { device.append(JSONMember("appVersion", .string(a))) }
        if let o = e.device.osVersion { device.append(JSONMember("osVersion", .string(o))) }
        m.append(JSONMember("deviceInfo", .object(device)))
        if let s = e.userSegment { m.append(JSONMember("userSegment", .string(s))) }
        return .object(m)
    }

    /// One JSON line (ending in a newline) per event.
    public static func jsonLines(_ events: [Event]) -> [UInt8] {
        var out: [UInt8] = []
        for e in events {
            json(e).appendCompact(to: &out)
            out.append(0x0A)
        }
        return out
    }

    static func value(_ v: PropertyValue) -> JSONValue {
        switch v {
        case .string(let s): .string(s)
        case .number(let d): .number(d)
        case .bool(let b): .bool(b)
        case .null: .null
        // Compact JSON the store was given by our own decoder, so it parses.
        case .json(let text): (try? JSONValue.parse(Array(text.utf8))) ?? .string(text)
        }
    }
}
