/// One event in Sextant's native format, as it goes on the wire and into the queue's batch files
/// (written by `EventJSON`). Field names and types are the format's; nil fields are left out.
struct TrackedEvent: Sendable, Hashable {
    struct PrivacyFlags: Sendable, Hashable {
        var canTrack: Bool
        var canProfile: Bool
        var canShare: Bool
        /// RFC 3339.
        var consentDate: String
        var consentVersion: String

        init(_ consent: Consent) {
            canTrack = consent.canTrack
            canProfile = consent.canProfile
            canShare = consent.canShare
            consentDate = RFC3339.string(from: consent.consentDate)
            consentVersion = consent.consentVersion
        }
    }

    /// A UUID; the server treats a second event with the same id as a retry.
    var id: String
    /// RFC 3339 with milliseconds, UTC.
    var timestamp: String
    var userId: String?
    var sessionId: String
    var eventType: String
    var category: String
    var action: String
    var label: String?
    var value: Double?
    var properties: [String: EventProperty]
    var deviceInfo: DeviceInfo
    var userSegment: String?
    var privacyFlags: PrivacyFlags
}
