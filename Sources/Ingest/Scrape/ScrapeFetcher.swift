/// One HTTP scrape to make: where, with which headers, within which bounds.
public struct ScrapeRequest: Sendable {
    public var url: String
    /// Accept, Accept-Encoding, User-Agent, X-Prometheus-Scrape-Timeout-Seconds, Authorization.
    public var headers: [(String, String)]
    /// Milliseconds the whole scrape (connect, headers, body) may take.
    public var timeout: Int64
    /// Most body bytes to read, after decompression.
    public var bodyLimit: Int
    public var tls: HTTPSettings.TLS
    public var followRedirects: Bool
}

/// A target's answer: the decoded body and its `Content-Type`.
public struct ScrapeResponse: Sendable {
    public var body: [UInt8]
    public var contentType: String?

    public init(body: [UInt8], contentType: String?) {
        self.body = body
        self.contentType = contentType
    }
}

/// Fetches scrape bodies. The production one is `HTTPScrapeFetcher`; tests may serve bodies
/// from memory. Implementations must be safe to call concurrently and must throw
/// `IngestError(.scrapeFailed)` (or `.tooLarge`) with a message for the targets API.
public protocol ScrapeFetcher: Sendable {
    func fetch(_ request: ScrapeRequest) async throws(IngestError) -> ScrapeResponse
    /// Releases connections; called once when the scrape manager stops.
    func shutdown() async
}
