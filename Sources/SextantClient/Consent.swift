#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the person agreed to, sent as every event's `privacyFlags`.
///
/// With `canTrack == false` the tracker queues nothing at all: no event, no count. The flags of
/// an event are those in force when it was tracked; withdrawing consent does not recall events
/// already queued (call `EventTracker.discardQueued()` for that).
public struct Consent: Sendable, Hashable {
    /// Usage events may be recorded.
    public var canTrack: Bool
    /// Events may be tied to the person's profile (segments, cohorts).
    public var canProfile: Bool
    /// Events may be shared with third parties.
    public var canShare: Bool
    /// When the person answered.
    public var consentDate: Date
    /// Which version of the consent text they answered, e.g. `2026-01`.
    public var consentVersion: String

    public init(canTrack: Bool, canProfile: Bool, canShare: Bool, consentDate: Date, consentVersion: String) {
        self.canTrack = canTrack
        self.canProfile = canProfile
        self.canShare = canShare
        self.consentDate = consentDate
        self.consentVersion = consentVersion
    }

    /// No consent given: nothing is tracked.
    public static let denied = Consent(canTrack: false, canProfile: false, canShare: false,
                                       consentDate: Date(timeIntervalSince1970: 0), consentVersion: "")
}
