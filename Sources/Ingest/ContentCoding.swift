import CompressNIO
import NIOCore

/// The `Content-Encoding` of a request body, and its bounded decoding. Every ingest endpoint
/// that accepts compressed bodies (events, OTLP, Influx) decodes through this.
public enum ContentCoding: Sendable, Equatable {
    case identity
    case gzip
    /// zlib-wrapped deflate, which is what HTTP's `deflate` means.
    case deflate

    /// Parses a `Content-Encoding` header value; nil or empty is identity.
    public init(header: String?) throws(IngestError) {
        switch header?.trimmingCharacters(in: .whitespaces).lowercased() {
        case nil, "", "identity": self = .identity
        case "gzip", "x-gzip": self = .gzip
        case "deflate": self = .deflate
        case let other?:
            throw IngestError(.badCompression, "unsupported Content-Encoding \"\(other)\" (use gzip, deflate or none)")
        }
    }

    /// The decoded body; throws `.tooLarge` past `limit` decoded bytes and `.badCompression` when
    /// the body is not valid data of this coding.
    public func decode(_ body: ByteBuffer, limit: Int) throws(IngestError) -> ByteBuffer {
        var input = body
        let algorithm: CompressionAlgorithm
        switch self {
        case .identity:
            if body.readableBytes > limit { throw IngestError(.tooLarge, "body is larger than the limit of \(limit) bytes") }
            return body
        case .gzip: algorithm = .gzip()
        case .deflate: algorithm = .zlib()
        }
        do {
            return try input.decompress(with: algorithm, maxSize: limit)
        } catch let e as CompressNIOError where e == .bufferOverflow {
            throw IngestError(.tooLarge, "body is larger than the limit of \(limit) bytes once decompressed")
        } catch {
            throw IngestError(.badCompression, "body is not valid \(self) data")
        }
    }
}

extension ContentCoding: CustomStringConvertible {
    public var description: String {
        switch self {
        case .identity: "identity"
        case .gzip: "gzip"
        case .deflate: "deflate"
        }
    }
}
