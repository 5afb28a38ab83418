import Foundation
import Ingest

/// Settings of usage-event ingestion (`--analytics.*` flags): limits, privacy, PostHog keys.
///
/// The pseudonymisation key is never printed: `description` and `dump` show whether one is set,
/// not what it is.
public struct AnalyticsConfig: Sendable, CustomStringConvertible, CustomReflectable {
    public var limits = EventLimits()
    /// Key of the HMAC-SHA256 that replaces user and session ids; nil keeps ids as sent.
    public var pseudonymizeKey: String?
    /// Keep IP addresses (`$ip`, or the connection's address when none is sent).
    public var storeIP = false
    /// Property keys removed at every depth, ignoring case.
    public var scrubKeys = KeyScrubber.defaultKeys
    /// PostHog project API keys accepted by the capture endpoints; empty accepts any (or none).
    public var postHogAPIKeys: [String] = []

    public init() {}

    public var privacy: PrivacyRules {
        PrivacyRules(pseudonymizeKey: pseudonymizeKey, storeIP: storeIP, scrubKeys: scrubKeys)
    }

    public var description: String {
        "AnalyticsConfig(limits: \(limits), pseudonymize: \(pseudonymizeKey == nil ? "off" : "on"), storeIP: \(storeIP), "
            + "scrubKeys: \(scrubKeys), postHogAPIKeys: \(postHogAPIKeys.count) configured)"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["limits": limits, "pseudonymize": pseudonymizeKey != nil, "storeIP": storeIP,
                                "scrubKeys": scrubKeys, "postHogAPIKeys": postHogAPIKeys.count])
    }

    /// Parses `--analytics.scrub-keys`: a comma-separated list; empty for none.
    public static func parseKeyList(_ s: String) -> [String] {
        s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
