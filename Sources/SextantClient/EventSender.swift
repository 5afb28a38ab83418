import AsyncHTTPClient
import CompressNIO
import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Sends one batch file's content to Sextant's native events endpoint and says what became of it.
/// Makes one attempt; retrying is the tracker's decision.
struct EventSender: Sendable {
    /// What one attempt came to.
    enum Outcome: Sendable {
        /// 2xx: the envelope was read. The reply says how many events were accepted, rejected
        /// (with per-event reasons) or already seen; nil if the reply could not be decoded.
        case delivered(Reply?)
        /// A status that retrying cannot fix (4xx but 408 and 429): the batch is dropped.
        case refused(status: Int, message: String)
        /// 5xx, 408, 429, a timeout or a connection error: worth trying again.
        case failed(String)
    }

    /// The server's answer to a batch.
    struct Reply: Decodable, Sendable {
        struct EventError: Decodable, Sendable {
            var index: Int
            var field: String?
            var message: String
        }

        var accepted: Int
        var rejected: Int
        var errors: [EventError]?
        var batchId: String?
        var duplicates: Int?
    }

    static let path = "/api/analytics/events"
    /// Replies are small; a larger one is not Sextant's.
    static let maxReplyBytes = 1 << 20

    let client: HTTPClient
    let url: String
    let headers: [(String, String)]

    /// Sends `content` (a batch file: `{"batchId":…,"events":[…]}`) as the request envelope,
    /// with `clientTimestamp` set to `now` so the server can correct for the device's clock,
    /// gzipped. `timeout` bounds the whole exchange.
    func send(_ content: [UInt8], now: Date, timeout: Duration) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "sextant-swift-client")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        var envelope = ByteBuffer()
        envelope.writeString(#"{"clientTimestamp":""#)
        envelope.writeString(RFC3339.string(from: now))
        envelope.writeString(#"","#)
        envelope.writeBytes(content.dropFirst())
        var input = envelope  // compressing consumes its input; a failure must leave `envelope` whole
        if let compressed = try? input.compress(with: .gzip()) {
            request.headers.add(name: "Content-Encoding", value: "gzip")
            request.body = .bytes(compressed)
        } else {
            request.body = .bytes(envelope)
        }
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(max(0, timeout.clampedNanoseconds)))
            let body = try await response.body.collect(upTo: Self.maxReplyBytes)
            let status = Int(response.status.code)
            switch status {
            case 200..<300:
                return .delivered(try? JSONDecoder().decode(Reply.self, from: Data(body.readableBytesView)))
            case 408, 429, 500..<600:
                return .failed("HTTP \(status): \(Self.excerpt(body))")
            default:
                return .refused(status: status, message: Self.excerpt(body))
            }
        } catch {
            return .failed("\(error)")
        }
    }

    /// The start of a reply body, for logs.
    private static func excerpt(_ body: ByteBuffer) -> String {
        String(decoding: body.readableBytesView.prefix(512), as: UTF8.self)
    }
}
