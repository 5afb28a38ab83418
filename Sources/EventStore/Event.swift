/// A usage event as the store keeps it: validated, with the privacy rules already applied.
///
/// Ingest turns native and PostHog-style requests into this; the store never sees an event that
/// may not be stored (`privacyFlags.canTrack == false` is dropped before).
public struct Event: Sendable, Hashable {
    /// The sender's id for the event; a second event with the same id is a retry, not stored again.
    public var id: String
    /// Milliseconds since the Unix epoch, UTC.
    public var timestamp: Int64
    /// The person, after pseudonymisation; nil when the event may not be tied to a person.
    public var userId: String?
    public var sessionId: String?
    /// `user_action`, `system_event`, `ai_interaction`, `business_event`, ...
    public var eventType: String
    /// What retention is decided by (`usage`, `billing`, `ai`, ...).
    public var category: String
    /// The event's name: `signup`, `screen_view`, `$pageview`, ...
    public var action: String
    public var label: String?
    public var value: Double?
    public var properties: [String: PropertyValue]
    public var device: DeviceInfo
    public var userSegment: String?

    public init(id: String, timestamp: Int64, userId: String? = nil, sessionId: String? = nil,
                eventType: String, category: String, action: String, label: String? = nil,
                value: Double? = nil, properties: [String: PropertyValue] = [:],
                device: DeviceInfo = DeviceInfo(), userSegment: String? = nil) {
        self.id = id
        self.timestamp = timestamp
        self.userId = userId
        self.sessionId = sessionId
        self.eventType = eventType
        self.category = category
        self.action = action
        self.label = label
        self.value = value
        self.properties = properties
        self.device = device
        self.userSegment = userSegment
    }
}

/// The `deviceInfo` object of an event.
public struct DeviceInfo: Sendable, Hashable {
    public var platform: String?
    public var appVersion: String?
    public var osVersion: String?

    public init(platform: String? = nil, appVersion: String? = nil, osVersion: String? = nil) {
        self.platform = platform
        self.appVersion = appVersion
        self.osVersion = osVersion
    }
}

/// One value of an event's `properties`, keeping its JSON type.
public enum PropertyValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    /// An object or array, as compact JSON text.
    case json(String)
}
