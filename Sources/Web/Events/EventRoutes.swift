import EventStore
import Foundation
import Hummingbird
import Ingest
import Logging

/// `POST /api/analytics/events`: Sextant's native event batches (docs/events-api.md).
///
/// Answers 200 once the envelope parses, even when every event was refused: per-event problems
/// are in the body, `{"accepted", "rejected", "duplicates", "dropped", "errors", "batchId"}`.
/// 400 for a body that is not JSON or not the envelope, 413 past a size or count limit, 415
/// for an unknown content type or coding, 503 only when storage failed and nothing was stored.
struct EventRoutes: Sendable {
    let sink: EventSink

    func register(on router: Router<some RequestContext>) {
        router.post("/api/analytics/events") { req, ctx in try await self.ingest(req, context: ctx) }
    }

    func ingest(_ request: Request, context: some RequestContext) async throws -> Response {
        let limits = sink.config.limits
        if let type = request.headers[.contentType], !EventRoutes.acceptsContentType(type) {
            throw APIError(.badData, "unsupported Content-Type \"\(type)\": send application/json", status: .unsupportedMediaType)
        }
        let coding: ContentCoding
        do {
            coding = try ContentCoding(header: request.headers[.contentEncoding])
        } catch {
            throw APIError(.badData, error.message, status: .unsupportedMediaType)
        }
        let body = try await collectBody(request, limit: limits.maxBodyBytes)
        let batch: NativeBatch
        do {
            let decoded = try coding.decode(body, limit: limits.maxDecodedBytes)
            let result: Result<NativeBatch, IngestError> = decoded.withUnsafeReadableBytes { raw in
                Result { () throws(IngestError) in try NativeEventDecoder.decode(raw, limits: limits, scrubber: sink.privacy.scrubber) }
            }
            batch = try result.get()
        } catch {
            throw APIError(error.code == .tooLarge ? .tooLarge : .badData, "\(error)")
        }
        var prepared = batch.prepare(now: sink.now(), limits: limits, privacy: sink.privacy, clientIP: clientAddress(context))
        var outcome = AppendOutcome(stored: 0)
        if !prepared.events.isEmpty {
            do {
                outcome = try sink.writer.append(prepared.events, batchID: batch.batchID)
            } catch {
                throw APIError(.unavailable, "events not stored (storage error: \(error)); retry the batch")
            }
        }
        // Events the store itself refused (its own limits) are reported like the others.
        prepared.problems += storeProblems(outcome, indexes: prepared.indexes)
        prepared.problems.sort { $0.index < $1.index }
        let duplicates = outcome.duplicateBatch ? prepared.events.count : outcome.duplicates.count
        sink.metrics.record(stored: outcome.stored, duplicates: duplicates, rejected: prepared.problems.count,
                       noConsent: prepared.droppedNoConsent)
        return EventRoutes.answer(prepared, duplicates: duplicates, batchID: batch.batchID)
    }

    /// JSON, or text/plain as `navigator.sendBeacon` sends it.
    static func acceptsContentType(_ type: String) -> Bool {
        let media = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return media == "application/json" || media == "text/plain" || media.isEmpty
    }

    static func answer(_ p: PreparedEvents, duplicates: Int, batchID: String?) -> Response {
        var w = JSONWriter(capacity: 128 + p.problems.count * 96)
        w.beginObject()
        w.key("accepted"); w.raw(String(p.count - p.problems.count))
        w.key("rejected"); w.raw(String(p.problems.count))
        w.key("duplicates"); w.raw(String(duplicates))
        w.key("dropped"); w.raw(String(p.droppedNoConsent))
        w.key("errors")
        w.beginArray()
        for e in p.problems {
            w.beginObject()
            w.key("index"); w.raw(String(e.index))
            w.key("field"); w.string(e.field)
            w.key("message"); w.string(e.message)
            w.endObject()
        }
        w.endArray()
        w.key("batchId")
        if let batchID { w.string(batchID) } else { w.raw("null") }
        w.endObject()
        return w.response
    }
}

/// The store's refusals as problems at their indexes in the request's batch.
func storeProblems(_ outcome: AppendOutcome, indexes: [Int]) -> [EventProblem] {
    outcome.rejections.compactMap { r in
        indexes.indices.contains(r.index) ? EventProblem(index: indexes[r.index], field: "", message: r.message) : nil
    }
}

/// The connection's address, when the request context knows it.
func clientAddress(_ context: some RequestContext) -> String? {
    (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
}
