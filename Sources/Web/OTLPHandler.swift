import Foundation
import Hummingbird
import Ingest
import Logging
import TSDB

/// OTLP/HTTP metrics (https://opentelemetry.io/docs/specs/otlp/#otlphttp) at `POST /v1/metrics`,
/// and at Prometheus's `/api/v1/otlp/v1/metrics` and VictoriaMetrics' `/opentelemetry/v1/metrics`.
///
/// Bodies are protobuf (`application/x-protobuf`) or JSON (`application/json`), plain, gzip or
/// deflate. Answers, in the request's encoding, as the OTLP spec says:
/// - 200 with an `ExportMetricsServiceResponse`; when some data points were refused (or
///   something was skipped) its `partial_success` counts them and says why, and the rest is
///   stored (the sender must not retry);
/// - 400 with a `google.rpc.Status` for a body that does not decode (nothing is stored);
/// - 413 past the body limit (as sent or decompressed), 415 for other content types;
/// - 503 or 500 when storage fails (nothing stored; the sender retries 503).
struct OTLPHandler: Sendable {
    static let paths = ["/v1/metrics", "/api/v1/otlp/v1/metrics", "/opentelemetry/v1/metrics"]

    let db: DB
    let limits: IngestLimits
    let options: OTLPTranslationOptions
    let deltas: OTLPDeltaState
    let logger: Logger

    init(db: DB, limits: IngestLimits, lookbackDelta: Int64, deltas: OTLPDeltaState = OTLPDeltaState(), logger: Logger) {
        self.db = db
        self.limits = limits
        var options = OTLPTranslationOptions()
        options.lookbackDelta = lookbackDelta
        self.options = options
        self.deltas = deltas
        self.logger = logger
    }

    func register(on router: Router<some RequestContext>) {
        for path in Self.paths {
            router.post(RouterPath(path)) { req, _ in await handle(req) }
        }
    }

    enum Encoding {
        case protobuf, json

        init?(contentType: String?) {
            let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            switch type {
            case "application/x-protobuf", "application/protobuf": self = .protobuf
            case "application/json": self = .json
            default: return nil
            }
        }

        var contentType: String { self == .json ? "application/json" : "application/x-protobuf" }
    }

    func handle(_ request: Request) async -> Response {
        guard let encoding = Encoding(contentType: request.headers[.contentType]) else {
            let type = request.headers[.contentType] ?? "none"
            return failure(.unsupportedMediaType, grpc: 3, "unsupported Content-Type \"\(type)\": send application/x-protobuf or application/json", .json)
        }
        do {
            let coding = try ContentCoding(header: request.headers[.contentEncoding])
            let raw = try await collectBody(request, limit: limits.maxBodyBytes)
            let body = Array(buffer: try coding.decode(raw, limit: limits.maxDecompressedBytes))
            let data = encoding == .json
                ? try OTLPJSONDecoder.decode(body, limits: limits.remoteWrite)
                : try OTLPProtobufDecoder.decode(body, limits: limits.remoteWrite)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let translation = try OTLPTranslator.translate(data, options: options, deltas: deltas, now: now, limits: limits.remoteWrite)
            let outcome = try mapStorageError { try db.store(translation.batch, limits: limits.remoteWrite) }
            let rejected = translation.rejectedPoints(refusedEntries: outcome.refusedEntries)
            var problems = translation.problems + outcome.problems
            if problems.count > 20 { problems = Array(problems.prefix(20)) + ["\(problems.count - 20) more"] }
            let message = problems.joined(separator: "; ")
            if !message.isEmpty {
                logger.debug("OTLP write partly refused", metadata: ["rejected": "\(rejected)", "why": "\(message)"])
            }
            return success(rejected: rejected, message: message, encoding)
        } catch let e as IngestError {
            if e.code == .tooLarge { return failure(.contentTooLarge, grpc: 8, e.description, encoding) }
            return failure(.badRequest, grpc: 3, "cannot decode OTLP metrics: \(e)", encoding)
        } catch let e as APIError {
            let grpc: Int32 = e.status == .contentTooLarge ? 8 : e.status == .serviceUnavailable ? 14 : 13
            return failure(e.status, grpc: grpc, e.message, encoding)
        } catch {
            return failure(.internalServerError, grpc: 13, "\(error)", encoding)
        }
    }

    /// 200 with an `ExportMetricsServiceResponse`.
    func success(rejected: Int, message: String, _ encoding: Encoding) -> Response {
        let bytes: [UInt8]
        switch encoding {
        case .protobuf:
            bytes = OTLPEncoder.exportResponse(rejectedDataPoints: rejected, errorMessage: message)
        case .json:
            var w = JSONWriter()
            w.beginObject()
            if rejected > 0 || !message.isEmpty {
                w.key("partialSuccess")
                w.beginObject()
                // int64 fields are strings in protobuf's JSON mapping.
                if rejected > 0 { w.key("rejectedDataPoints"); w.string(String(rejected)) }
                w.key("errorMessage"); w.string(message)
                w.endObject()
            }
            w.endObject()
            bytes = w.bytes
        }
        return Response(status: .ok, headers: [.contentType: encoding.contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A failure status with a `google.rpc.Status` body (`grpc` is its gRPC code).
    func failure(_ status: HTTPResponse.Status, grpc: Int32, _ message: String, _ encoding: Encoding) -> Response {
        let bytes: [UInt8]
        switch encoding {
        case .protobuf:
            bytes = OTLPEncoder.status(code: grpc, message: message)
        case .json:
            var w = JSONWriter()
            w.beginObject()
            w.key("code"); w.raw(String(grpc))
            w.key("message"); w.string(message)
            w.endObject()
            bytes = w.bytes
        }
        return Response(status: status, headers: [.contentType: encoding.contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
