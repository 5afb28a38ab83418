import EventStore
import Hummingbird
import Ingest

/// A person's data, for GDPR requests: `GET /api/analytics/users/{id}/events` exports every
/// event held for them as JSON lines (the native format), `DELETE /api/analytics/users/{id}`
/// erases them (merged aliases included) from every file of the store.
///
/// `{id}` is the user id as the app sends it; when ids are pseudonymised the same keyed hash
/// is applied first, so callers never need to know the stored form.
struct UserDataRoutes: Sendable {
    let store: EventStore
    let privacy: PrivacyRules

    func register(on router: Router<some RequestContext>) {
        router.get("/api/analytics/users/{id}/events") { _, ctx in
            let user = try userID(ctx)
            let events = try await runStore { try store.export(user: privacy.pseudonymize(user)) }
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: NativeEventEncoder.jsonLines(events))))
        }
        router.delete("/api/analytics/users/{id}") { _, ctx in
            let user = try userID(ctx)
            let erased = try await runStore { try store.erase(user: privacy.pseudonymize(user)) }
            return JSONWriter.success { w in
                w.beginObject()
                w.key("erasedEvents"); w.raw("\(erased)")
                w.endObject()
            }
        }
    }

    func userID(_ ctx: some RequestContext) throws -> String {
        let user = try ctx.parameters.require("id")
        guard !user.isEmpty, user.utf8.count <= 1024 else {
            throw APIError.badData("user id must be 1 to 1024 bytes")
        }
        return user
    }

    /// Erasure rewrites segments: off the cooperative pool, with storage errors as 5xx.
    func runStore<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await Task.detached { try body() }.value
        } catch let e as EventStoreError {
            throw APIError(e.code == .closed ? .unavailable : .internalError, "event store: \(e)")
        }
    }
}
