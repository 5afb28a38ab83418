import EventStore

/// The privacy rules applied to every event before it is stored, native and PostHog alike.
///
/// - `consent.canTrack == false`: the event is not stored (the caller counts it).
/// - `consent.canProfile == false`: stored without `userId`, `sessionId` and `$ip`. Session ids
///   go too because clients commonly derive them from the user id (`u123-s4`), and one
///   session's events are already a small profile.
/// - A pseudonymisation key replaces every user id and session id by its HMAC-SHA256 in hex,
///   before storage and before merges, so equal ids stay equal and the raw id is never held.
/// - IP addresses (`$ip`, the connection address) are stored only when `storeIP` is set.
/// - Scrubbed property keys (see `KeyScrubber`) are removed while decoding, at every depth.
///
/// Pure and thread-safe (immutable). The key is never printed: `description` hides it.
public struct PrivacyRules: Sendable, CustomStringConvertible {
    public let storeIP: Bool
    public let scrubKeys: [String]
    /// What decoders drop from properties: the scrubbed keys, and `$ip` unless `storeIP`.
    public let scrubber: KeyScrubber
    private let hmac: HMACSHA256?

    public init(pseudonymizeKey: String? = nil, storeIP: Bool = false, scrubKeys: [String] = KeyScrubber.defaultKeys) {
        self.storeIP = storeIP
        self.scrubKeys = scrubKeys
        scrubber = KeyScrubber(keys: storeIP ? scrubKeys : scrubKeys + ["$ip"])
        hmac = pseudonymizeKey.flatMap { $0.isEmpty ? nil : HMACSHA256(key: Array($0.utf8)) }
    }

    public var pseudonymizes: Bool { hmac != nil }

    public var description: String {
        "PrivacyRules(pseudonymize: \(hmac == nil ? "off" : "on (key hidden)"), storeIP: \(storeIP), scrubKeys: \(scrubKeys))"
    }

    /// The id as stored: its keyed hash when pseudonymising, else itself.
    public func pseudonymize(_ id: String) -> String {
        guard let hmac else { return id }
        return hmac.hex(id)
    }

    /// The event as it may be stored, or nil when it may not be stored at all.
    /// `clientIP` is the sender's address, added as `$ip` when IPs are kept and none was sent.
    public func apply(_ event: Event, consent: Consent, clientIP: String? = nil) -> Event? {
        var memo = PseudonymMemo()
        return apply(event, consent: consent, clientIP: clientIP, memo: &memo)
    }

    /// `apply` for a batch: `memo` remembers the hashes of ids already seen in it (a session's
    /// events share their ids), so each distinct id is hashed once.
    public func apply(_ event: Event, consent: Consent, clientIP: String?, memo: inout PseudonymMemo) -> Event? {
        guard consent.canTrack else { return nil }
        var e = event
        if !consent.canProfile {
            e.userId = nil
            e.sessionId = nil
            e.properties["$ip"] = nil
            return e
        }
        if hmac != nil {
            if let u = e.userId { e.userId = memo.value(u) { pseudonymize($0) } }
            if let s = e.sessionId { e.sessionId = memo.value(s) { pseudonymize($0) } }
        }
        if storeIP, let clientIP, e.properties["$ip"] == nil {
            e.properties["$ip"] = .string(clientIP)
        }
        return e
    }
}

/// Pseudonyms computed during one batch, by raw id. Bounded: cleared past 10,000 ids.
public struct PseudonymMemo: Sendable {
    private var known: [String: String] = [:]

    public init() {}

    mutating func value(_ id: String, _ compute: (String) -> String) -> String {
        if let v = known[id] { return v }
        if known.count >= 10_000 { known.removeAll(keepingCapacity: true) }
        let v = compute(id)
        known[id] = v
        return v
    }
}
