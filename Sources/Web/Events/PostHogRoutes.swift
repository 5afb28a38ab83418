import EventStore
import Foundation
import Hummingbird
import Ingest

/// PostHog's capture API, so PostHog's SDKs send to Sextant unchanged (docs/posthog.md):
/// `/capture`, `/e`, `/i/v0/e`, `/track`, `/batch` (GET and POST, with or without a trailing
/// slash), and `/decide`, `/flags`, `/array/TOKEN/config` answering with no feature flags.
///
/// Capture answers 200 `{"status": 1}` (204 with `beacon=1`); 400 with a `detail` for a payload
/// that does not decode or events that are refused (the valid ones are stored); 401 for a
/// missing or wrong API key when keys are configured; 413 past a limit; 503 when storage
/// failed and nothing was stored. Browsers may call from any origin (CORS).
struct PostHogRoutes: Sendable {
    let sink: EventSink

    static let capturePaths = ["/capture", "/e", "/i/v0/e", "/track", "/batch"]

    func register(on router: Router<some RequestContext>) {
        let group = router.group().add(middleware: CORSMiddleware(
            allowOrigin: .originBased, allowHeaders: [.accept, .contentType, .contentEncoding, .origin, .authorization],
            allowMethods: [.get, .post, .options], allowCredentials: true))
        // Hummingbird matches paths with and without a trailing slash alike. OPTIONS routes give
        // the CORS middleware a route to answer browsers' preflight requests on.
        for path in PostHogRoutes.capturePaths {
            group.get(RouterPath(path)) { req, ctx in try await self.capture(req, context: ctx) }
            group.post(RouterPath(path)) { req, ctx in try await self.capture(req, context: ctx) }
            group.on(RouterPath(path), method: .options) { _, _ in Response(status: .noContent) }
        }
        for path in ["/decide", "/flags"] {
            group.get(RouterPath(path)) { req, _ in PostHogFlags.answer(req, decide: path == "/decide") }
            group.post(RouterPath(path)) { req, _ in PostHogFlags.answer(req, decide: path == "/decide") }
            group.on(RouterPath(path), method: .options) { _, _ in Response(status: .noContent) }
        }
        group.get("/array/:token/config") { _, ctx in PostHogFlags.remoteConfig(token: ctx.parameters.get("token") ?? "") }
    }

    func capture(_ request: Request, context: some RequestContext) async throws -> Response {
        let limits = sink.config.limits
        let query: [(String, String)]
        do {
            query = try decodeForm(request.uri.query ?? "")
        } catch {
            throw PostHogError.invalidPayload("malformed query string")
        }
        let body: ByteBuffer
        do {
            body = try await collectBody(request, limit: limits.maxBodyBytes)
        } catch let e as APIError where e.status == .contentTooLarge {
            throw PostHogError(status: .contentTooLarge, type: "validation_error", code: "payload_too_large",
                               detail: "request body is larger than the limit of \(limits.maxBodyBytes) bytes")
        }
        let parts = PostHogPayload.Request(query: query, contentType: request.headers[.contentType],
                                           contentEncoding: request.headers[.contentEncoding], body: Array(buffer: body))
        var batch: PostHogBatch
        do {
            let json = try PostHogPayload.extract(parts, limits: limits)
            let context = PostHogContext(now: sink.now(), sentAtQuery: PostHogRoutes.sentAt(query), clientIP: clientAddress(context),
                                         limits: limits, privacy: sink.privacy, apiKeys: Set(sink.config.postHogAPIKeys))
            batch = try PostHogDecoder.decode(json, context: context)
        } catch {
            throw PostHogError(error)
        }
        var outcome = AppendOutcome(stored: 0)
        do {
            for m in batch.merges { try sink.writer.mergeUser(m.alias, into: m.person) }
            if !batch.events.isEmpty { outcome = try sink.writer.append(batch.events, batchID: nil) }
        } catch {
            throw PostHogError(status: .serviceUnavailable, type: "server_error", code: "storage_unavailable",
                               detail: "events not stored (storage error: \(error)); retry")
        }
        batch.problems += storeProblems(outcome, indexes: batch.indexes)
        batch.problems.sort { $0.index < $1.index }
        let duplicates = outcome.duplicateBatch ? batch.events.count : outcome.duplicates.count
        sink.metrics.record(stored: outcome.stored, duplicates: duplicates, rejected: batch.problems.count, noConsent: 0)
        if !batch.problems.isEmpty {
            let shown = batch.problems.prefix(10).map(\.description).joined(separator: "; ")
            let more = batch.problems.count > 10 ? " (and \(batch.problems.count - 10) more)" : ""
            throw PostHogError.invalidPayload(
                "\(batch.problems.count) of \(batch.count) events not stored: \(shown)\(more)")
        }
        if query.last(where: { $0.0 == "beacon" })?.1 == "1" { return Response(status: .noContent) }
        var w = JSONWriter()
        w.beginObject()
        w.key("status"); w.raw("1")
        w.endObject()
        return w.response
    }

    /// `sent_at` or `_` in the query: ms since the epoch, as recent posthog-js sends it; values
    /// that would fall before 2021 (seconds, from older SDKs) are ignored, as PostHog does.
    static func sentAt(_ query: [(String, String)]) -> Int64? {
        guard let text = query.last(where: { $0.0 == "sent_at" || $0.0 == "_" })?.1, let ms = Int64(text),
              ms > 1_609_459_200_000 else { return nil }
        return ms
    }
}
