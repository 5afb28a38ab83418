import EventStore
import Foundation

/// One PostHog event to one Sextant `Event` (see docs/posthog.md for the table).
enum PostHogEventMapping {
    /// Properties that are not kept: the API key, and ids that have their own column.
    static let dropped: Set<String> = ["token", "distinct_id", "$session_id"]
    /// Properties holding person or device ids, hashed like user ids when pseudonymising.
    static let identityKeys: Set<String> = ["$anon_distinct_id", "alias", "$device_id", "$user_id"]
    /// Ids that name no one (an SDK's placeholder or a bug's): merges involving them are skipped,
    /// as PostHog refuses them, or every anonymous visitor would become one person.
    static let placeholderIDs: Set<String> = ["anonymous", "guest", "distinctid", "distinct_id", "id", "not_authenticated",
                                               "email", "undefined", "true", "false", "null", "none", "nan", "0",
                                               "[object object]", ""]

    static func map(_ item: JSONValue, index: Int, sentAt: Int64?, context: PostHogContext)
        -> Result<(Event, PostHogBatch.Merge?), EventProblem>
    {
        let limits = context.limits
        func problem(_ field: String, _ message: String) -> Result<(Event, PostHogBatch.Merge?), EventProblem> {
            .failure(EventProblem(index: index, field: field, message: message))
        }
        guard case .object = item else { return problem("", "must be a JSON object") }
        guard let name = item["event"]?.stringValue, !name.isEmpty else {
            return problem("event", "event submitted with an empty event name")
        }
        if name.utf8.count > limits.maxNameBytes {
            return problem("event", "is \(name.utf8.count) bytes, longer than the limit of \(limits.maxNameBytes)")
        }
        guard let distinctID = distinctID(of: item, maxBytes: limits.maxIDBytes) else {
            return problem("distinct_id", "event submitted without a distinct_id")
        }

        var id: String
        switch item["uuid"] {
        case nil, .null?: id = UUID().uuidString.lowercased()
        case .string(let s)? where s.isEmpty: id = UUID().uuidString.lowercased()
        case .string(let s)?:
            guard let u = UUID(uuidString: s) else { return problem("uuid", "is not a valid UUID") }
            id = u.uuidString.lowercased()
        default:
            return problem("uuid", "must be a string")
        }

        var members: [JSONMember]
        switch item["properties"] {
        case nil, .null?: members = []
        case .object(let m)?: members = m
        default: return problem("properties", "must be an object")
        }
        // Top-level $set / $set_once join (and win over) those inside properties.
        for key in ["$set", "$set_once"] {
            guard case .object(let top)? = item[key] else { continue }
            if let i = members.lastIndex(where: { $0.key == key }), case .object(let inner) = members[i].value {
                members[i].value = .object(inner + top)
            } else {
                members.append(JSONMember(key, .object(top)))
            }
        }
        let props = JSON(members: members)

        let timestampText: String?
        switch item["timestamp"] {
        case nil, .null?: timestampText = nil
        case .string(let s)?: timestampText = s
        default: return problem("timestamp", "must be an ISO 8601 string")
        }
        var offset: Int64?
        switch item["offset"] {
        case nil, .null?: break
        case .number(let d)? where d.isFinite && abs(d) < 1e13: offset = Int64(d)
        default: return problem("offset", "must be a number of milliseconds")
        }
        let ignoreSentAt = props["$ignore_sent_at"] == .bool(true)
        let timestamp = PostHogTime.resolve(timestamp: timestampText, offset: offset, sentAt: sentAt,
                                            ignoreSentAt: ignoreSentAt, now: context.now)

        var properties: [String: PropertyValue] = [:]
        if let p = PropertyConversion.convert(members, into: &properties, limits: limits,
                                              scrubber: context.privacy.scrubber, skip: dropped) {
            return problem(p.field, p.message)
        }
        let privacy = context.privacy
        if privacy.pseudonymizes {
            for key in identityKeys {
                if case .string(let s)? = properties[key] { properties[key] = .string(privacy.pseudonymize(s)) }
            }
        }

        let device = DeviceInfo(
            platform: props.text("$os", limit: limits.maxNameBytes) ?? props.text("$lib", limit: limits.maxNameBytes),
            appVersion: props.text("$app_version", limit: limits.maxNameBytes),
            osVersion: props.text("$os_version", limit: limits.maxNameBytes)
                ?? props.text("$browser", limit: limits.maxNameBytes).map { browser in
                    props.text("$browser_version", limit: limits.maxNameBytes).map { truncate("\(browser) \($0)", limits.maxNameBytes) } ?? browser
                })
        let session = props.text("$session_id", limit: limits.maxIDBytes).flatMap { $0.isEmpty ? nil : $0 }
        let event = Event(id: id, timestamp: timestamp, userId: distinctID, sessionId: session, eventType: "posthog",
                          category: "usage", action: name, properties: properties, device: device)
        guard let stored = privacy.apply(event, consent: Consent(), clientIP: context.clientIP) else {
            return problem("", "not stored")  // unreachable: PostHog events carry no refusal of consent
        }
        return .success((stored, merge(name, props: props, distinctID: distinctID, privacy: privacy, limit: limits.maxIDBytes)))
    }

    /// The merge an identity event asks for, if any.
    static func merge(_ name: String, props: JSON, distinctID: String, privacy: PrivacyRules, limit: Int) -> PostHogBatch.Merge? {
        let other: String?
        switch name {
        case "$identify": other = props.text("$anon_distinct_id", limit: limit)
        case "$create_alias", "$merge_dangerously": other = props.text("alias", limit: limit)
        default: return nil
        }
        guard let alias = other, alias != distinctID,
              !placeholderIDs.contains(alias.lowercased()), !placeholderIDs.contains(distinctID.lowercased()) else { return nil }
        return PostHogBatch.Merge(alias: privacy.pseudonymize(alias), into: privacy.pseudonymize(distinctID))
    }

    /// `distinct_id` (or `$distinct_id`, or `properties.distinct_id`), stringified as PostHog
    /// does for numbers and containers, and cut to `maxBytes`; nil when absent, null or empty.
    static func distinctID(of item: JSONValue, maxBytes: Int) -> String? {
        let candidates = [item["distinct_id"], item["$distinct_id"], item["properties"]?["distinct_id"]]
        guard let value = candidates.lazy.compactMap({ $0 }).first(where: { $0 != .null }) else { return nil }
        let text: String
        switch value {
        case .string(let s): text = s
        case .number(let d): text = JSONValue.numberText(d)
        case .bool(let b): text = b ? "true" : "false"
        case .null: return nil
        case .array, .object: text = value.compactText
        }
        return text.isEmpty ? nil : truncate(text, maxBytes)
    }

    /// `s` cut to at most `maxBytes` UTF-8 bytes, on a character boundary.
    static func truncate(_ s: String, _ maxBytes: Int) -> String {
        guard s.utf8.count > maxBytes else { return s }
        var out = ""
        for c in s {
            if out.utf8.count + c.utf8.count > maxBytes { break }
            out.append(c)
        }
        return out
    }
}

/// Read access to the members of a properties object.
struct JSON {
    let members: [JSONMember]

    subscript(key: String) -> JSONValue? { members.last { $0.key == key }?.value }

    /// A string or number property as text, cut to `limit` bytes.
    func text(_ key: String, limit: Int) -> String? {
        switch self[key] {
        case .string(let s)?: return PostHogEventMapping.truncate(s, limit)
        case .number(let d)?: return JSONValue.numberText(d)
        default: return nil
        }
    }
}
