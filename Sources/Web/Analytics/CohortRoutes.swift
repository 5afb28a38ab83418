import Analytics
import AppState
import EventStore
import Foundation
import Hummingbird
import UTCTime

/// Saved cohorts (docs/analytics-api.md), stored in `AppState`:
/// - `POST /api/analytics/cohorts` `{"name", "definition"}` -> 201 with the saved cohort;
/// - `GET /api/analytics/cohorts` -> `{"cohorts": [...]}` (definitions, not evaluated);
/// - `GET /api/analytics/cohorts/{id}` -> the cohort with `count` evaluated on the events held
///   now, and with `?users=true` the member ids (at most `user_limit`, default 1,000, at most
///   100,000; `truncated` says when cut); `as_of` (RFC 3339 or ms) moves the instant;
/// - `PUT /api/analytics/cohorts/{id}` `{"name", "definition"}` replaces both;
/// - `DELETE /api/analytics/cohorts/{id}` -> 204.
/// Definitions are checked as `Cohorts` would evaluate them before they are stored, and stored
/// in canonical form (times as ms). 400 for a bad name or definition, 404 for an unknown id,
/// 409 for a name taken, 413 past 64 KiB of body.
struct CohortRoutes: Sendable {
    let analyses: AnalyticsRoutes
    var state: AppState { analyses.state }

    static let maxBodyBytes = SavedCohort.maxDefinitionBytes

    func register(on router: Router<some RequestContext>) {
        router.post("/api/analytics/cohorts") { request, _ in
            let (name, definition) = try await body(request)
            let saved = try await analyses.storing { try await state.createCohort(name: name, definition: definition) }
            return answer(saved, status: .created)
        }
        router.get("/api/analytics/cohorts") { _, _ in
            let all = try await analyses.storing { try await state.cohorts() }
            var w = JSONWriter(capacity: 256 + all.count * 256)
            w.beginObject()
            w.key("cohorts")
            w.beginArray()
            for c in all { write(c, to: &w) { _ in } }
            w.endArray()
            w.endObject()
            return w.response
        }
        router.get("/api/analytics/cohorts/{id}") { request, context in
            let arrived = ContinuousClock.now
            let saved = try await analyses.storing { try await state.cohort(id: try id(context)) }
            let evaluation = try evaluationRequest(saved, query: request.uri.queryParameters)
            let result = try await analyses.evaluate(since: arrived, what: "cohort") { [reader = analyses.reader] in
                try Cohorts.run(evaluation.request, on: reader)
            }
            return answer(saved) { w in
                w.key("as_of"); w.raw(String(result.asOf))
                w.key("count"); w.raw(String(result.count))
                if evaluation.users {
                    w.key("users"); w.strings(result.users)
                    w.key("truncated"); w.raw(result.truncated ? "true" : "false")
                }
            }
        }
        router.put("/api/analytics/cohorts/{id}") { request, context in
            let id = try id(context)
            let (name, definition) = try await body(request)
            let saved = try await analyses.storing { try await state.updateCohort(id: id, name: name, definition: definition) }
            return answer(saved)
        }
        router.delete("/api/analytics/cohorts/{id}") { _, context in
            let id = try id(context)
            try await analyses.storing { try await state.deleteCohort(id: id) }
            return Response(status: .noContent)
        }
    }

    /// `{"name", "definition"}`: the name, and the definition validated and re-encoded.
    func body(_ request: Request) async throws -> (String, String) {
        let raw = try await collectBody(request, limit: CohortRoutes.maxBodyBytes)
        let object = try AnalyticsBody.parseObject(raw)
        guard let name = object["name"] as? String else { throw APIError.badData("name: required, a string") }
        guard let definition = object["definition"] else { throw APIError.badData("definition: required") }
        if let unknown = object.keys.first(where: { $0 != "name" && $0 != "definition" }) {
            throw APIError.badData("\(unknown): unknown key (expected name, definition)")
        }
        let converted = try AnalyticsBody.cohortDefinition(definition, at: "definition")
        let wrapped: Wrapped = try AnalyticsRoutes.decode(try JSONSerialization.data(withJSONObject: ["definition": converted]))
        let parsed = wrapped.definition
        do {
            try parsed.validate()
        } catch {
            throw APIError(error)
        }
        let canonical = try JSONEncoder.sorted.encode(parsed)
        return (name, String(decoding: canonical, as: UTF8.self))
    }

    /// Decodes `{"definition": ...}` so that errors name `definition.and[0].action`.
    struct Wrapped: Decodable {
        let definition: CohortDefinition
    }

    struct Evaluation: Sendable {
        let request: Cohorts.Request
        let users: Bool
    }

    /// The saved definition with the query's `users`, `user_limit` and `as_of`.
    func evaluationRequest(_ saved: SavedCohort, query: Parameters) throws -> Evaluation {
        let definition = try AnalyticsRoutes.definition(of: saved)
        let users: Bool
        switch query.get("users") {
        case nil, "false", "0": users = false
        case "true", "1": users = true
        case let other?: throw APIError.badData("users: expected true or false, got \"\(other)\"")
        }
        var limit = 1000
        if let text = query.get("user_limit") {
            guard let n = Int(text), (0...100_000).contains(n) else {
                throw APIError.badData("user_limit: expected 0 to 100000, got \"\(text)\"")
            }
            limit = n
        }
        let asOf = try query.get("as_of").map { text in try AnalyticsBody.millis(Int64(text).map { $0 as Any } ?? text, field: "as_of") }
        return Evaluation(request: Cohorts.Request(definition: definition, asOf: asOf, userLimit: users ? limit : 0), users: users)
    }

    func id(_ context: some RequestContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw APIError(.notFound, "no saved cohort with id \"\(text)\"") }
        return id
    }

    func answer(_ c: SavedCohort, status: HTTPResponse.Status = .ok, _ more: (inout JSONWriter) -> Void = { _ in }) -> Response {
        var w = JSONWriter(capacity: 512 + c.definition.utf8.count)
        write(c, to: &w, more)
        var r = w.response
        r.status = status
        return r
    }

    /// `{"id", "name", "definition", "created_at", "updated_at", ...more}`; the definition is
    /// the canonical JSON this server wrote.
    func write(_ c: SavedCohort, to w: inout JSONWriter, _ more: (inout JSONWriter) -> Void) {
        w.beginObject()
        w.key("id"); w.raw(String(c.id ?? 0))
        w.key("name"); w.string(c.name)
        w.key("definition"); w.raw(c.definition)
        w.key("created_at"); w.string(Timestamp.format(c.createdAt))
        w.key("updated_at"); w.string(Timestamp.format(c.updatedAt))
        more(&w)
        w.endObject()
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
