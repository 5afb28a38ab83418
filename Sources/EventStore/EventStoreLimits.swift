/// The most a single event or batch may carry. Bounds what one request can make the store
/// hold in memory, write to the WAL, or put in a segment; `validate` names the first field
/// over a limit.
public struct EventStoreLimits: Sendable, Equatable {
    /// Bytes (UTF-8) of an event id or batch id.
    public var maxIDBytes = 200
    /// Bytes of the user id, session id and every name field (type, category, action, label,
    /// device fields, segment).
    public var maxStringBytes = 1024
    /// Properties one event may have.
    public var maxProperties = 200
    /// Bytes of a property key.
    public var maxPropertyKeyBytes = 256
    /// Bytes of one property value (a string, or the JSON text of an object or array).
    public var maxPropertyValueBytes = 32 * 1024
    /// Bytes of all strings of one event together.
    public var maxEventBytes = 64 * 1024
    /// Events one `append` call may carry; a larger batch is refused whole.
    public var maxBatchEvents = 10_000
    /// Timestamps accepted (ms since the Unix epoch): 1970-01-01 up to the end of year 9999.
    public var timestampRange: ClosedRange<Int64> = 0...253_402_300_799_999

    public init() {}

    /// Throws `.invalidEvent` naming the first field of `event` that breaks a limit: an empty
    /// or over-long string, too many properties, a timestamp out of range, or a value or
    /// number property that is not finite (it could not be written back as JSON).
    public func validate(_ event: Event) throws {
        func fail(_ why: String) -> EventStoreError {
            EventStoreError(.invalidEvent, "event \(quoted(event.id)): \(why)")
        }
        func check(_ s: String?, _ field: String, _ limit: Int) throws {
            guard let s else { return }
            let n = s.utf8.count
            if n > limit { throw fail("\(field) is \(n) bytes, more than the limit of \(limit)") }
        }
        if event.id.isEmpty { throw EventStoreError(.invalidEvent, "an event has an empty id") }
        try check(event.id, "id", maxIDBytes)
        guard timestampRange.contains(event.timestamp) else {
            throw fail("timestamp \(event.timestamp) ms is outside \(timestampRange.lowerBound)...\(timestampRange.upperBound)")
        }
        for (field, value) in [("eventType", event.eventType), ("category", event.category), ("action", event.action)] {
            if value.isEmpty { throw fail("\(field) is empty") }
            try check(value, field, maxStringBytes)
        }
        try check(event.userId, "userId", maxStringBytes)
        try check(event.sessionId, "sessionId", maxStringBytes)
        try check(event.label, "label", maxStringBytes)
        try check(event.device.platform, "deviceInfo.platform", maxStringBytes)
        try check(event.device.appVersion, "deviceInfo.appVersion", maxStringBytes)
        try check(event.device.osVersion, "deviceInfo.osVersion", maxStringBytes)
        try check(event.userSegment, "userSegment", maxStringBytes)
        if let v = event.value, !v.isFinite { throw fail("value \(v) is not a finite number") }
        if event.properties.count > maxProperties {
            throw fail("\(event.properties.count) properties, more than the limit of \(maxProperties)")
        }
        var total = event.id.utf8.count
        for s in [event.userId, event.sessionId, event.eventType, event.category, event.action, event.label,
                  event.device.platform, event.device.appVersion, event.device.osVersion, event.userSegment] {
            total += s?.utf8.count ?? 0
        }
        for (key, value) in event.properties {
            if key.isEmpty { throw fail("a property has an empty key") }
            try check(key, "property key \(quoted(String(key.prefix(40))))", maxPropertyKeyBytes)
            total += key.utf8.count
            switch value {
            case .string(let s), .json(let s):
                try check(s, "property \(quoted(key))", maxPropertyValueBytes)
                total += s.utf8.count
            case .number(let x):
                if !x.isFinite { throw fail("property \(quoted(key)) is \(x), not a finite number") }
            case .bool, .null: break
            }
        }
        if total > maxEventBytes { throw fail("its strings total \(total) bytes, more than the limit of \(maxEventBytes)") }
    }
}

/// `s` in double quotes, cut to 60 characters, for error messages.
func quoted(_ s: String) -> String {
    s.count > 60 ? "\"\(s.prefix(60))...\"" : "\"\(s)\""
}
