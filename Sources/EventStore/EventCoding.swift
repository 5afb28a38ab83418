import DiskIO

// Binary encoding of events and property values, shared by the WAL records and the segments'
// string tables (docs/format/events.md, "Event encoding"). Writers append to a byte array;
// readers go through `ByteReader`, which bounds every read and throws `.corrupted`.

extension PropertyValue {
    /// The kind byte in front of a value: 0 is never written.
    enum Kind: UInt8 {
        case string = 1, number = 2, boolFalse = 3, boolTrue = 4, null = 5, json = 6
    }

    func encode(into out: inout [UInt8]) {
        switch self {
        case .string(let s):
            out.append(Kind.string.rawValue)
            ByteWriter.appendString(s, to: &out)
        case .number(let x):
            out.append(Kind.number.rawValue)
            withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        case .bool(let b):
            out.append(b ? Kind.boolTrue.rawValue : Kind.boolFalse.rawValue)
        case .null:
            out.append(Kind.null.rawValue)
        case .json(let s):
            out.append(Kind.json.rawValue)
            ByteWriter.appendString(s, to: &out)
        }
    }

    static func decode(_ r: inout ByteReader) throws -> PropertyValue {
        let raw = try r.uint8()
        switch Kind(rawValue: raw) {
        case .string: return .string(try r.string())
        case .number: return .number(Double(bitPattern: try r.uint64()))
        case .boolFalse: return .bool(false)
        case .boolTrue: return .bool(true)
        case .null: return .null
        case .json: return .json(try r.string())
        case nil: throw r.failure("unknown property value kind \(raw)")
        }
    }
}

extension Event {
    /// Presence bits of the optional fields, in this order.
    private static let optionalFields = 8

    func encode(into out: inout [UInt8]) {
        typealias W = ByteWriter
        W.appendString(id, to: &out)
        W.appendVarint(timestamp, to: &out)
        let optionals = [userId, sessionId, label, nil, device.platform, device.appVersion, device.osVersion, userSegment]
        var bits: UInt8 = 0
        for (i, s) in optionals.enumerated() where s != nil { bits |= 1 << UInt8(i) }
        if value != nil { bits |= 1 << 3 }
        out.append(bits)
        W.appendString(eventType, to: &out)
        W.appendString(category, to: &out)
        W.appendString(action, to: &out)
        for (i, s) in optionals.enumerated() {
            if i == 3, let value {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            } else if let s {
                W.appendString(s, to: &out)
            }
        }
        W.appendUvarint(UInt64(properties.count), to: &out)
        for key in properties.keys.sorted() {
            W.appendString(key, to: &out)
            properties[key]!.encode(into: &out)
        }
    }

    static func decode(_ r: inout ByteReader) throws -> Event {
        let id = try r.string()
        let timestamp = try r.varint()
        let bits = try r.uint8()
        var e = Event(id: id, timestamp: timestamp, eventType: try r.string(), category: try r.string(),
                      action: try r.string())
        var optionals: [String?] = Array(repeating: nil, count: optionalFields)
        for i in 0..<optionalFields where bits & (1 << UInt8(i)) != 0 {
            if i == 3 {
                e.value = Double(bitPattern: try r.uint64())
            } else {
                optionals[i] = try r.string()
            }
        }
        e.userId = optionals[0]
        e.sessionId = optionals[1]
        e.label = optionals[2]
        e.device = DeviceInfo(platform: optionals[4], appVersion: optionals[5], osVersion: optionals[6])
        e.userSegment = optionals[7]
        let n = try r.uvarint()
        // A property takes at least 3 bytes (key length, key byte, kind).
        guard n <= UInt64(r.remaining / 3) else { throw r.failure("property count \(n) runs past the end") }
        for _ in 0..<n {
            let key = try r.string()
            e.properties[key] = try PropertyValue.decode(&r)
        }
        return e
    }
}
