import EventStore

/// A field's value, or why it cannot be taken (the field's path and what is wrong).
enum FieldResult<T> {
    case ok(T)
    case bad(field: String, message: String)
}

extension JSONReader.Kind {
    var phrase: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

extension NativeDecoding {
    /// Decodes one element of `events`. Syntax errors throw (the request is refused); anything
    /// else wrong with the event is returned as its problem, after the reader has moved past it.
    mutating func decodeEvent(index: Int) throws(IngestError) -> Result<DecodedEvent, EventProblem> {
        let kind = try r.peekKind()
        guard kind == .object else {
            try r.skipValue()
            return .failure(EventProblem(index: index, field: "", message: "must be a JSON object, not \(kind.phrase)"))
        }
        let start = r.pos
        var problem: (String, String)?
        var id: String?, timestamp: Int64?, userId: String?, sessionId: String?
        var eventType: String?, category: String?, action: String?, label: String?, value: Double?
        var properties: [String: PropertyValue] = [:]
        var device: DeviceInfo?, segment: String?, consent: Consent?

        try r.beginObject()
        var first = true
        while let key = try r.nextKey(&first) {
            if problem != nil {
                try r.skipValue()
                continue
            }
            switch field(of: key) {
            case .id:
                switch try readText(maxBytes: limits.maxIDBytes, nullable: false, path: "id") {
                case .ok(let s): id = s
                case .bad(let f, let m): problem = (f, m)
                }
            case .timestamp:
                let k = try r.peekKind()
                if k != .string {
                    problem = ("timestamp", "must be an RFC 3339 string, not \(k.phrase)")
                    try r.skipValue()
                } else if let t = try readTimestamp() {
                    timestamp = t
                } else {
                    problem = ("timestamp", "is not an RFC 3339 timestamp such as 2026-01-05T10:00:00.000Z")
                }
            case .userId:
                switch try readText(maxBytes: limits.maxIDBytes, nullable: true, path: "userId") {
                case .ok(let s): userId = s?.isEmpty == true ? nil : s
                case .bad(let f, let m): problem = (f, m)
                }
            case .sessionId:
                switch try readText(maxBytes: limits.maxIDBytes, nullable: false, path: "sessionId") {
                case .ok(let s): sessionId = s
                case .bad(let f, let m): problem = (f, m)
                }
            case .eventType:
                switch try readText(maxBytes: limits.maxNameBytes, nullable: false, path: "eventType") {
                case .ok(let s): eventType = s
                case .bad(let f, let m): problem = (f, m)
                }
            case .category:
                switch try readText(maxBytes: limits.maxNameBytes, nullable: false, path: "category") {
                case .ok(let s): category = s
                case .bad(let f, let m): problem = (f, m)
                }
            case .action:
                switch try readText(maxBytes: limits.maxNameBytes, nullable: false, path: "action") {
                case .ok(let s): action = s
                case .bad(let f, let m): problem = (f, m)
                }
            case .label:
                switch try readText(maxBytes: limits.maxStringBytes, nullable: true, path: "label") {
                case .ok(let s): label = s
                case .bad(let f, let m): problem = (f, m)
                }
            case .userSegment:
                switch try readText(maxBytes: limits.maxNameBytes, nullable: true, path: "userSegment") {
                case .ok(let s): segment = s
                case .bad(let f, let m): problem = (f, m)
                }
            case .value:
                switch try r.peekKind() {
                case .number: value = try r.readNumber()
                case .null: try r.readNull()
                case let k:
                    problem = ("value", "must be a number or null, not \(k.phrase)")
                    try r.skipValue()
                }
            case .properties:
                switch try readProperties() {
                case .ok(let p): properties = p
                case .bad(let f, let m): problem = (f, m)
                }
            case .deviceInfo:
                switch try readDevice() {
                case .ok(let d): device = d
                case .bad(let f, let m): problem = (f, m)
                }
            case .privacyFlags:
                switch try readConsent() {
                case .ok(let c): consent = c
                case .bad(let f, let m): problem = (f, m)
                }
            case .other:
                try r.skipValue()
            }
        }
        if problem == nil, r.pos - start > limits.maxEventBytes {
            problem = ("", "is \(r.pos - start) bytes, more than the limit of \(limits.maxEventBytes)")
        }
        if let (f, m) = problem { return .failure(EventProblem(index: index, field: f, message: m)) }
        func missing(_ f: String) -> Result<DecodedEvent, EventProblem> {
            .failure(EventProblem(index: index, field: f, message: "missing"))
        }
        guard let id else { return missing("id") }
        guard let timestamp else { return missing("timestamp") }
        guard let sessionId else { return missing("sessionId") }
        guard let eventType else { return missing("eventType") }
        guard let category else { return missing("category") }
        guard let action else { return missing("action") }
        guard let device else { return missing("deviceInfo") }
        guard let consent else { return missing("privacyFlags") }
        let event = Event(id: id, timestamp: timestamp, userId: userId, sessionId: sessionId, eventType: eventType,
                          category: category, action: action, label: label, value: value, properties: properties,
                          device: device, userSegment: segment)
        return .success(DecodedEvent(index: index, event: event, consent: consent))
    }

    enum NativeField {
        case id, timestamp, userId, sessionId, eventType, category, action, label, value, properties
        case deviceInfo, userSegment, privacyFlags, other
    }

    /// Which field a key names, by comparing bytes (no string is built for the usual keys).
    func field(of key: JSONReader.Span) -> NativeField {
        if key.escaped {
            // Rare: compare the decoded key against each name.
            let names: [(StaticString, NativeField)] = [
                ("id", .id), ("timestamp", .timestamp), ("userId", .userId), ("sessionId", .sessionId),
                ("eventType", .eventType), ("category", .category), ("action", .action), ("label", .label),
                ("value", .value), ("properties", .properties), ("deviceInfo", .deviceInfo),
                ("userSegment", .userSegment), ("privacyFlags", .privacyFlags),
            ]
            return names.first { r.spanEquals(key, $0.0) }?.1 ?? .other
        }
        switch key.count {
        case 2: return r.spanEquals(key, "id") ? .id : .other
        case 5: return r.spanEquals(key, "value") ? .value : r.spanEquals(key, "label") ? .label : .other
        case 6: return r.spanEquals(key, "userId") ? .userId : r.spanEquals(key, "action") ? .action : .other
        case 8: return r.spanEquals(key, "category") ? .category : .other
        case 9:
            if r.spanEquals(key, "timestamp") { return .timestamp }
            if r.spanEquals(key, "sessionId") { return .sessionId }
            return r.spanEquals(key, "eventType") ? .eventType : .other
        case 10: return r.spanEquals(key, "properties") ? .properties : r.spanEquals(key, "deviceInfo") ? .deviceInfo : .other
        case 11: return r.spanEquals(key, "userSegment") ? .userSegment : .other
        case 12: return r.spanEquals(key, "privacyFlags") ? .privacyFlags : .other
        default: return .other
        }
    }

    /// A string field: non-empty unless `nullable` (then null and absent read as nil), at most
    /// `maxBytes` long.
    mutating func readText(maxBytes: Int, nullable: Bool, path: @autoclosure () -> String) throws(IngestError) -> FieldResult<String?> {
        let kind = try r.peekKind()
        if kind == .null, nullable {
            try r.readNull()
            return .ok(nil)
        }
        guard kind == .string else {
            try r.skipValue()
            return .bad(field: path(), message: "must be a string\(nullable ? " or null" : ""), not \(kind.phrase)")
        }
        let s = try r.readString()
        let n = s.utf8.count
        if n > maxBytes { return .bad(field: path(), message: "is \(n) bytes, longer than the limit of \(maxBytes)") }
        if n == 0, !nullable { return .bad(field: path(), message: "must not be empty") }
        return .ok(s)
    }

    mutating func readDevice() throws(IngestError) -> FieldResult<DeviceInfo> {
        let kind = try r.peekKind()
        guard kind == .object else {
            try r.skipValue()
            return .bad(field: "deviceInfo", message: "must be an object, not \(kind.phrase)")
        }
        var d = DeviceInfo()
        var bad: FieldResult<DeviceInfo>?
        try r.beginObject()
        var first = true
        while let key = try r.nextKey(&first) {
            let name: String
            if r.spanEquals(key, "platform") { name = "platform" }
            else if r.spanEquals(key, "appVersion") { name = "appVersion" }
            else if r.spanEquals(key, "osVersion") { name = "osVersion" }
            else {
                try r.skipValue()
                continue
            }
            if bad != nil {
                try r.skipValue()
                continue
            }
            switch try readText(maxBytes: limits.maxNameBytes, nullable: true, path: "deviceInfo." + name) {
            case .ok(let s):
                switch name {
                case "platform": d.platform = s
                case "appVersion": d.appVersion = s
                default: d.osVersion = s
                }
            case .bad(let f, let m): bad = .bad(field: f, message: m)
            }
        }
        return bad ?? .ok(d)
    }

    mutating func readConsent() throws(IngestError) -> FieldResult<Consent> {
        let kind = try r.peekKind()
        guard kind == .object else {
            try r.skipValue()
            return .bad(field: "privacyFlags", message: "must be an object, not \(kind.phrase)")
        }
        var canTrack: Bool?, canProfile: Bool?
        var c = Consent()
        var bad: FieldResult<Consent>?
        try r.beginObject()
        var first = true
        while let key = try r.nextKey(&first) {
            if bad != nil {
                try r.skipValue()
                continue
            }
            let k = try r.peekKind()
            let flag: Int? = r.spanEquals(key, "canTrack") ? 0 : r.spanEquals(key, "canProfile") ? 1 : r.spanEquals(key, "canShare") ? 2 : nil
            if let flag {
                guard k == .bool else {
                    try r.skipValue()
                    bad = .bad(field: "privacyFlags." + ["canTrack", "canProfile", "canShare"][flag], message: "must be true or false, not \(k.phrase)")
                    continue
                }
                let v = try r.readBool()
                switch flag {
                case 0: canTrack = v
                case 1: canProfile = v
                default: c.canShare = v
                }
            } else if r.spanEquals(key, "consentDate") {
                if k == .null {
                    try r.readNull()
                } else if k == .string, let t = try readTimestamp() {
                    c.consentDate = t
                } else {
                    if k != .string { try r.skipValue() }
                    bad = .bad(field: "privacyFlags.consentDate", message: "must be an RFC 3339 timestamp or null")
                }
            } else if r.spanEquals(key, "consentVersion") {
                switch try readText(maxBytes: limits.maxNameBytes, nullable: true, path: "privacyFlags.consentVersion") {
                case .ok(let s): c.consentVersion = s
                case .bad(let f, let m): bad = .bad(field: f, message: m)
                }
            } else {
                try r.skipValue()
            }
        }
        if let bad { return bad }
        guard let canTrack else { return .bad(field: "privacyFlags.canTrack", message: "missing") }
        guard let canProfile else { return .bad(field: "privacyFlags.canProfile", message: "missing") }
        c.canTrack = canTrack
        c.canProfile = canProfile
        return .ok(c)
    }
}
