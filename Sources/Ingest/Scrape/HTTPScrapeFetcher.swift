import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import TSDB

/// Scrapes over HTTP(S) with AsyncHTTPClient: keeps connections to targets alive between
/// scrapes, bounds each scrape by its timeout (connect, headers and body together) and its body
/// limit (compressed and decompressed), and decodes gzip itself so the limit holds.
///
/// Safe to use from many scrape loops at once.
public final class HTTPScrapeFetcher: ScrapeFetcher {
    private let following: HTTPClient
    private let notFollowing: HTTPClient

    public init() {
        var config = HTTPClient.Configuration(redirectConfiguration: .follow(max: 10, allowCycles: false))
        config.connectionPool = .init(idleTimeout: .seconds(90))
        config.decompression = .disabled
        following = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        config.redirectConfiguration = .disallow
        notFollowing = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    public func shutdown() async {
        try? await following.shutdown()
        try? await notFollowing.shutdown()
    }

    public func fetch(_ r: ScrapeRequest) async throws(IngestError) -> ScrapeResponse {
        var request = HTTPClientRequest(url: r.url)
        request.method = .GET
        for (name, value) in r.headers { request.headers.add(name: name, value: value) }
        if r.url.hasPrefix("https:") { request.tlsConfiguration = try HTTPScrapeFetcher.tlsConfiguration(r.tls) }
        let client = r.followRedirects ? following : notFollowing
        let url = r.url, limit = r.bodyLimit, timeout = r.timeout
        let request_ = request
        do {
            return try await withThrowingTaskGroup(of: ScrapeResponse?.self) { group in
                group.addTask {
                    try await HTTPScrapeFetcher.get(request_, client: client, url: url, timeout: timeout, limit: limit)
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(timeout))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw IngestError(.scrapeFailed, "Get \"\(url)\": timed out after \(PrometheusDuration.format(timeout)) (scrape_timeout)")
                }
                return response
            }
        } catch let e as IngestError {
            throw e
        } catch {
            throw IngestError(.scrapeFailed, "Get \"\(url)\": \(HTTPScrapeFetcher.describe(error, timeout: timeout))")
        }
    }

    // Kept as three small functions: one body with the response loop, the typed-throws
    // do/catch and the status check made the compiler's AllocBoxToStack pass spin for minutes.
    private static func get(_ request: HTTPClientRequest, client: HTTPClient, url: String,
                            timeout: Int64, limit: Int) async throws -> ScrapeResponse {
        let response = try await client.execute(request, timeout: .milliseconds(timeout))
        guard response.status == .ok else {
            throw IngestError(.scrapeFailed, "server returned HTTP status \(response.status.code) \(response.status.reasonPhrase)")
        }
        let body = try await read(response.body, limit: limit)
        let decoded = try decode(body, contentEncoding: response.headers.first(name: "content-encoding"), limit: limit)
        return ScrapeResponse(body: decoded, contentType: response.headers.first(name: "content-type"))
    }

    /// The body as received, failing past `limit` bytes.
    private static func read(_ body: HTTPClientResponse.Body, limit: Int) async throws -> ByteBuffer {
        var buffer = ByteBuffer()
        for try await chunk in body {
            if buffer.readableBytes + chunk.readableBytes > limit {
                throw IngestError(.tooLarge, "body size limit exceeded (more than \(limit) bytes)")
            }
            buffer.writeImmutableBuffer(chunk)
        }
        return buffer
    }

    /// The body's bytes after its `Content-Encoding`, failing past `limit` decoded bytes.
    private static func decode(_ body: ByteBuffer, contentEncoding: String?, limit: Int) throws(IngestError) -> [UInt8] {
        let coding = try ContentCoding(header: contentEncoding)
        do {
            return Array(buffer: try coding.decode(body, limit: limit))
        } catch {
            guard error.code == .tooLarge else { throw error }
            throw IngestError(.tooLarge, "body size limit exceeded (more than \(limit) bytes once decompressed)")
        }
    }

    static func tlsConfiguration(_ s: HTTPSettings.TLS) throws(IngestError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if s.insecureSkipVerify { tls.certificateVerification = .none }
        if let ca = s.caFile { tls.trustRoots = .file(ca) }
        if let cert = s.certFile, let key = s.keyFile {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
            } catch {
                throw IngestError(.scrapeFailed, "cannot read client certificate \(cert): \(error)")
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            } catch {
                throw IngestError(.scrapeFailed, "cannot read client key \(key): \(error)")
            }
        }
        return tls
    }

    /// Short descriptions of connection failures, for `lastError`; `timeout` is the scrape's, in
    /// milliseconds (the client's own deadline may fire first, with the same meaning).
    static func describe(_ error: any Error, timeout: Int64) -> String {
        if let e = error as? NIOConnectionError {
            let causes = e.connectionErrors.map { "\($0.error)" }
            if let first = causes.first { return "dial tcp \(e.host):\(e.port): \(first)" }
            if let dns = e.dnsAError ?? e.dnsAAAAError { return "lookup \(e.host): \(dns)" }
            return "dial tcp \(e.host):\(e.port): connection failed"
        }
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: return "connect timed out"
            case .readTimeout, .deadlineExceeded: return "timed out after \(PrometheusDuration.format(timeout)) (scrape_timeout)"
            case .remoteConnectionClosed: return "the target closed the connection"
            default: return "\(e)"
            }
        }
        if let e = error as? IOError { return e.description }
        if let e = error as? NIOSSLError { return "TLS: \(e)" }
        return "\(error)"
    }
}
