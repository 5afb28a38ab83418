import EventStore

/// Why one event of a batch was not accepted: which event, which field, what is wrong.
public struct EventProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// Position of the event in the batch, from 0.
    public var index: Int
    /// The field at fault as a dotted path (`timestamp`, `deviceInfo.platform`,
    /// `properties.plan`); empty when the event as a whole is at fault.
    public var field: String
    public var message: String

    public init(index: Int, field: String, message: String) {
        self.index = index
        self.field = field
        self.message = message
    }

    public var description: String {
        field.isEmpty ? "event \(index): \(message)" : "event \(index): \(field): \(message)"
    }
}

/// What a sender said about consent for one event (native `privacyFlags`).
public struct Consent: Sendable, Equatable {
    /// False: the event must not be stored at all.
    public var canTrack: Bool
    /// False: the event may be stored but not tied to a person (no user or session id).
    public var canProfile: Bool
    public var canShare: Bool
    /// When consent was given (ms), if the sender says.
    public var consentDate: Int64?
    public var consentVersion: String?

    public init(canTrack: Bool = true, canProfile: Bool = true, canShare: Bool = false,
                consentDate: Int64? = nil, consentVersion: String? = nil) {
        self.canTrack = canTrack
        self.canProfile = canProfile
        self.canShare = canShare
        self.consentDate = consentDate
        self.consentVersion = consentVersion
    }
}

/// An event that decoded and passed per-event checks, with its position in the batch and the
/// consent it came with. Privacy rules have not been applied yet.
public struct DecodedEvent: Sendable, Equatable {
    public var index: Int
    public var event: Event
    public var consent: Consent

    public init(index: Int, event: Event, consent: Consent) {
        self.index = index
        self.event = event
        self.consent = consent
    }
}
