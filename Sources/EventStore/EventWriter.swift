/// What the store did with one batch of events.
public struct AppendOutcome: Sendable, Equatable {
    /// Events newly stored.
    public var stored: Int
    /// Indexes (into the batch) of events not stored because an event with the same id is held.
    public var duplicates: [Int]
    /// True when the batch id was seen before: nothing of the batch was stored again.
    public var duplicateBatch: Bool
    /// Events refused because they break the store's limits, each with the reason; the
    /// batch's other events were still stored.
    public var rejections: [Rejection]

    public init(stored: Int, duplicates: [Int] = [], duplicateBatch: Bool = false, rejections: [Rejection] = []) {
        self.stored = stored
        self.duplicates = duplicates
        self.duplicateBatch = duplicateBatch
        self.rejections = rejections
    }
}

/// What ingestion writes through. Safe to call concurrently.
public protocol EventWriter: Sendable {
    /// Stores validated events. When this returns, they survive a crash of the process.
    /// Throws only when nothing was stored (the caller answers 5xx and the sender retries).
    func append(_ events: [Event], batchID: String?) throws -> AppendOutcome
    /// Makes `alias` the same person as `person`, for events held and to come.
    func mergeUser(_ alias: String, into person: String) throws
}
