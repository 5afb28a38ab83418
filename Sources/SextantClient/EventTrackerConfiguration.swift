/// Everything an `EventTracker` needs to know; the defaults suit an app sending a few events a
/// second.
public struct EventTrackerConfiguration: Sendable {
    /// The Sextant server's base URL, e.g. `http://127.0.0.1:8686`; events go to
    /// `<serverURL>/api/analytics/events`.
    public var serverURL: String
    /// The directory of the on-disk queue; created if missing. One tracker per directory.
    public var queueDirectory: String
    /// Sent as every event's `deviceInfo`.
    public var device: DeviceInfo
    /// The consent in force at start; change it with `EventTracker.setConsent(_:)`.
    public var consent: Consent
    /// A batch is sealed (written to disk and sent) when it holds this many events (1...5000)...
    public var batchSize = 100
    /// ...or when adding the next event would take it past this many bytes of JSON (at most 8 MiB)...
    public var maxBatchBytes = 512 << 10
    /// ...or, with the tracker running as a service, at least this often.
    public var flushInterval: Duration = .seconds(10)
    /// An event larger than this (as JSON) is dropped when tracked, with a log line.
    public var maxEventBytes = 32 << 10
    /// The on-disk queue holds at most this many bytes of batch files; past it the oldest
    /// batches are deleted and their events counted as dropped.
    public var maxQueueBytes = 16 << 20
    /// ...and at most this many batch files.
    public var maxQueueBatches = 1000
    /// Backoff between attempts of a batch that failed with 5xx, 408, 429 or a connection error.
    public var retry = RetryPolicy()
    /// The longest one HTTP request may take. Against a server that refuses connections an
    /// attempt fails only when this passes: AsyncHTTPClient retries the connection meanwhile.
    public var requestTimeout: Duration = .seconds(10)
    /// On graceful shutdown, how long the tracker keeps trying to send what is queued before it
    /// leaves the rest on disk for the next start.
    public var shutdownTimeout: Duration = .seconds(5)
    /// Extra request headers, e.g. `("Authorization", "Bearer …")`.
    public var headers: [(String, String)] = []

    public init(serverURL: String, queueDirectory: String, device: DeviceInfo, consent: Consent) {
        self.serverURL = serverURL
        self.queueDirectory = queueDirectory
        self.device = device
        self.consent = consent
    }

    /// The events endpoint; throws when a setting is out of its range.
    func validatedEndpoint() throws(SextantClientError) -> String {
        func bad(_ message: String) -> SextantClientError { SextantClientError(.badConfiguration, message) }
        let base = serverURL.hasSuffix("/") ? String(serverURL.dropLast()) : serverURL
        guard base.hasPrefix("http://") || base.hasPrefix("https://"), base.split(separator: "/").count >= 2 else {
            throw bad("serverURL must be an http:// or https:// URL, not \"\(serverURL)\"")
        }
        guard !queueDirectory.isEmpty else { throw bad("queueDirectory must not be empty") }
        guard (1...5000).contains(batchSize) else {
            throw bad("batchSize must be 1 to 5000 (Sextant's most events per request), not \(batchSize)")
        }
        guard maxBatchBytes <= 8 << 20 else {
            throw bad("maxBatchBytes must be at most 8 MiB (Sextant takes 10 MiB bodies), not \(maxBatchBytes)")
        }
        guard maxEventBytes >= 256 else { throw bad("maxEventBytes must be at least 256, not \(maxEventBytes)") }
        guard maxBatchBytes >= maxEventBytes else {
            throw bad("maxBatchBytes (\(maxBatchBytes)) must be at least maxEventBytes (\(maxEventBytes))")
        }
        guard maxQueueBytes >= maxBatchBytes else {
            throw bad("maxQueueBytes (\(maxQueueBytes)) must be at least maxBatchBytes (\(maxBatchBytes))")
        }
        guard maxQueueBatches >= 1 else { throw bad("maxQueueBatches must be at least 1, not \(maxQueueBatches)") }
        guard flushInterval > .zero, requestTimeout > .zero, shutdownTimeout >= .zero else {
            throw bad("flushInterval and requestTimeout must be positive, shutdownTimeout not negative")
        }
        _ = try retry.validated()
        return base + EventSender.path
    }
}
