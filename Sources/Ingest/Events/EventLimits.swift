/// Bounds on what one events request may carry, for the native API and PostHog capture alike.
///
/// Request-wide limits (body sizes, events per batch) refuse the whole request with `.tooLarge`
/// (HTTP 413); they cap the memory one request can make the server use. Per-event limits
/// (event size, ids, names, strings, property count and depth) reject only the offending event,
/// with its index, field and reason; the rest of the batch is stored.
///
/// Sizes are in UTF-8 bytes. The defaults sit far above what PostHog's SDKs and Sextant's own
/// clients send (batches of 100 to 1,000 events of a few hundred bytes to a few KiB each).
public struct EventLimits: Sendable, Equatable {
    /// Largest request body as sent (compressed or not).
    public var maxBodyBytes: Int
    /// Largest body once decompressed (gzip, deflate, base64, lz64).
    public var maxDecodedBytes: Int
    /// Most events in one request.
    public var maxEventsPerBatch: Int
    /// Largest single event, measured on its JSON text.
    public var maxEventBytes: Int
    /// Longest `id`, `userId`, `sessionId`, PostHog `distinct_id` (PostHog trims those to 200
    /// characters; Sextant truncates PostHog ids and refuses longer native ones).
    public var maxIDBytes: Int
    /// Longest event name, type, category, segment, device field, or property key.
    public var maxNameBytes: Int
    /// Longest `label`, string property, or compact JSON text of an object/array property.
    public var maxStringBytes: Int
    /// Most properties (top-level keys of `properties`) one event may have.
    public var maxProperties: Int
    /// Deepest nesting of objects and arrays inside one property value (1 allows `{"a":1}`).
    public var maxPropertyDepth: Int
    /// How far past the server's clock (after clock-skew correction) a native event's timestamp
    /// may be, in milliseconds. PostHog events further ahead are moved to the server's time,
    /// as PostHog does with its fixed 23 hours.
    public var futureToleranceMillis: Int64

    public init(maxBodyBytes: Int = 10 << 20, maxDecodedBytes: Int = 32 << 20, maxEventsPerBatch: Int = 5_000,
                maxEventBytes: Int = 1 << 20, maxIDBytes: Int = 200, maxNameBytes: Int = 256,
                maxStringBytes: Int = 64 << 10, maxProperties: Int = 1_000, maxPropertyDepth: Int = 8,
                futureToleranceMillis: Int64 = 86_400_000) {
        self.maxBodyBytes = maxBodyBytes
        self.maxDecodedBytes = maxDecodedBytes
        self.maxEventsPerBatch = maxEventsPerBatch
        self.maxEventBytes = maxEventBytes
        self.maxIDBytes = maxIDBytes
        self.maxNameBytes = maxNameBytes
        self.maxStringBytes = maxStringBytes
        self.maxProperties = maxProperties
        self.maxPropertyDepth = maxPropertyDepth
        self.futureToleranceMillis = futureToleranceMillis
    }
}
