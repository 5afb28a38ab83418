import EventStore
import Foundation

/// Turns PostHog capture payloads (`/capture`, `/e`, `/i/v0/e`, `/track`, `/batch`) into
/// Sextant events and person merges, with PostHog's field aliases, token rules and timestamp
/// handling; the mapping is documented in docs/posthog.md. Thread-safe (pure).
public enum PostHogDecoder {
    /// Decodes the JSON text `PostHogPayload.extract` found.
    ///
    /// Throws, refusing the whole request as PostHog's capture does: `.badJSON` (400) for text
    /// that is not JSON or holds no event, `.unauthorized` (401) for a missing, wrong, mixed or
    /// personal API key, `.tooLarge` (413) past `maxEventsPerBatch`. Problems with single
    /// events (no name, no distinct_id, bad uuid, over a limit) are returned per event.
    public static func decode(_ json: [UInt8], context: PostHogContext) throws(IngestError) -> PostHogBatch {
        let root: JSONValue
        do {
            root = try JSONValue.parse(json)
        } catch {
            throw IngestError(.badJSON, "failed to parse request: \(error.message)", offset: error.offset)
        }
        var items: [JSONValue]
        var batchToken: String?
        var sentAt = context.sentAtQuery
        switch root {
        case .array(let list):
            items = list
        case .object where root["batch"] != nil:
            guard case .array(let list)? = root["batch"] else { throw IngestError(.badJSON, "failed to parse request: \"batch\" must be an array") }
            items = list
            batchToken = root["api_key"]?.stringValue ?? root["token"]?.stringValue
            if let s = root["sent_at"]?.stringValue, let t = Timestamp.parseISO8601(s) { sentAt = t }
        case .object:
            items = [root]
        default:
            throw IngestError(.badJSON, "failed to parse request: expected an event object, an array of events or {\"batch\": [...]}")
        }
        guard !items.isEmpty else { throw IngestError(.badJSON, "request holds no event") }
        if items.count > context.limits.maxEventsPerBatch {
            throw IngestError(.tooLarge, "batch has more than \(context.limits.maxEventsPerBatch) events")
        }
        let token = try checkToken(batchToken: batchToken, items: items, accepted: context.apiKeys)

        var out = PostHogBatch(events: [], indexes: [], merges: [], problems: [], token: token, count: items.count)
        for (index, item) in items.enumerated() {
            switch PostHogEventMapping.map(item, index: index, sentAt: sentAt, context: context) {
            case .failure(let p):
                out.problems.append(p)
            case .success(let (event, merge)):
                if let merge { out.merges.append(merge) }
                out.events.append(event)
                out.indexes.append(index)
            }
        }
        return out
    }

    /// The request's API key, checked as PostHog's capture does: the batch's own key wins,
    /// otherwise all events must carry the same one; personal keys (`phx_`) are refused. When
    /// keys are configured, the key must be one of them.
    static func checkToken(batchToken: String?, items: [JSONValue], accepted: Set<String>) throws(IngestError) -> String? {
        var token = batchToken
        if token == nil {
            var seen = Set<String>()
            for item in items { if let t = eventToken(item) { seen.insert(t) } }
            if seen.count > 1 { throw IngestError(.unauthorized, "batch submitted with inconsistent api_key values") }
            token = seen.first
        }
        if let t = token {
            if t.isEmpty { throw IngestError(.unauthorized, "API key is not valid: empty") }
            if t.hasPrefix("phx_") { throw IngestError(.unauthorized, "API key is not valid: personal API key (phx_...) used where a project API key is expected") }
        }
        guard !accepted.isEmpty else { return token }
        guard let t = token else { throw IngestError(.unauthorized, "event submitted without an api_key") }
        guard accepted.contains(t) else { throw IngestError(.unauthorized, "API key is not valid") }
        return t
    }

    static func eventToken(_ item: JSONValue) -> String? {
        item["token"]?.stringValue ?? item["$token"]?.stringValue ?? item["api_key"]?.stringValue
            ?? item["properties"]?["token"]?.stringValue
    }
}

/// PostHog's event time: `timestamp` corrected by the clock skew that `sent_at` measures
/// (unless `$ignore_sent_at`), or now minus `offset` ms, or now; more than 23 hours ahead of
/// the server is taken as now. Unparseable timestamps read as now, as PostHog does.
public enum PostHogTime {
    public static let futureCutoffMillis: Int64 = 23 * 3_600_000

    public static func resolve(timestamp: String?, offset: Int64?, sentAt: Int64?, ignoreSentAt: Bool, now: Int64) -> Int64 {
        var t = now
        if let text = timestamp, let parsed = Timestamp.parseISO8601(text) {
            if let sentAt, !ignoreSentAt {
                t = parsed - ClockSkew.correction(sentAt: sentAt, receivedAt: now)
            } else {
                t = parsed
            }
        }
        if let offset { t = now - offset }
        if t - now > futureCutoffMillis { t = now }
        // Outside years 0...9999 PostHog falls back to the epoch.
        if t < -62_167_219_200_000 || t > 253_402_300_799_999 { t = 0 }
        return t
    }
}
