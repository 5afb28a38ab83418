import EventStore

/// A decoded PostHog capture request, with every rule applied: ready for `EventWriter`.
public struct PostHogBatch: Sendable {
    /// A person merge that `$identify`, `$create_alias` or `$merge_dangerously` asks for:
    /// `alias` becomes the same person as `person` (both pseudonymised when configured).
    public struct Merge: Sendable, Equatable {
        public var alias: String
        public var person: String

        public init(alias: String, into person: String) {
            self.alias = alias
            self.person = person
        }
    }

    public var events: [Event]
    /// Batch index of each of `events`.
    public var indexes: [Int]
    public var merges: [Merge]
    /// Events refused, in batch order.
    public var problems: [EventProblem]
    /// The API key the request carried, if any.
    public var token: String?
    /// Events in the request.
    public var count: Int
}

/// What a PostHog request is decoded against.
public struct PostHogContext: Sendable {
    /// The server's clock at arrival (ms).
    public var now: Int64
    /// `sent_at` (or `_`) from the query string, in ms, when the SDK put it there.
    public var sentAtQuery: Int64?
    /// The connection's address, stored as `$ip` only when the privacy rules keep IPs.
    public var clientIP: String?
    public var limits: EventLimits
    public var privacy: PrivacyRules
    /// Project API keys accepted; empty accepts any key, or none.
    public var apiKeys: Set<String>

    public init(now: Int64, sentAtQuery: Int64? = nil, clientIP: String? = nil, limits: EventLimits = EventLimits(),
                privacy: PrivacyRules = PrivacyRules(), apiKeys: Set<String> = []) {
        self.now = now
        self.sentAtQuery = sentAtQuery
        self.clientIP = clientIP
        self.limits = limits
        self.privacy = privacy
        self.apiKeys = apiKeys
    }
}
