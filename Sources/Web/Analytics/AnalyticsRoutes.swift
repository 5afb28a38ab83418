import Analytics
import AppState
import EventStore
import Foundation
import Hummingbird

/// The analyses of the Analytics module over HTTP: `POST /api/analytics/NAME` with a JSON body
/// (docs/analytics-api.md). Each runs on the evaluation queue, off the cooperative pool
/// (an analysis reads every event of its range: tens of ms over millions of events), within
/// `timeout` counted from arrival.
///
/// Answers 200 with the result, 400 naming the field for a bad request (`errorType`
/// `bad_data`; `too_large` when the answer would pass a bound), 413 for a body past
/// `maxBodyBytes`, 503 when the queue or the analysis took longer than `timeout`.
///
/// Every analysis takes `cohort`, a saved cohort's id: it then reads only the events of the
/// users in that cohort, evaluated on the events held now (`CohortReader`).
struct AnalyticsRoutes: Sendable {
    let reader: any EventReader
    /// Saved cohorts.
    let state: AppState
    let evaluation: EvaluationQueue
    let timeout: Duration

    /// Requests are small (steps, filters of at most 1,000 values): 1 MiB is generous.
    static let maxBodyBytes = 1 << 20

    func register(on router: Router<some RequestContext>) {
        route(router, "funnel", .funnel) { (r: Funnel.Request, e) in try AnalyticsAnswer.json(Funnel.run(r, on: e)) }
        route(router, "retention", .none) { (r: Retention.Request, e) in try AnalyticsAnswer.json(Retention.run(r, on: e)) }
        route(router, "trends", .trends) { (r: Trends.Request, e) in try AnalyticsAnswer.json(Trends.run(r, on: e)) }
        route(router, "sessions", .none) { (r: Sessions.Request, e) in try AnalyticsAnswer.json(Sessions.run(r, on: e)) }
        route(router, "stickiness", .none) { (r: Stickiness.Request, e) in try AnalyticsAnswer.json(Stickiness.run(r, on: e)) }
        route(router, "lifecycle", .none) { (r: Lifecycle.Request, e) in try AnalyticsAnswer.json(Lifecycle.run(r, on: e)) }
        route(router, "paths", .none) { (r: Paths.Request, e) in try AnalyticsAnswer.json(Paths.run(r, on: e)) }
        route(router, "segments", .none) { (r: Segments.Request, e) in try AnalyticsAnswer.json(Segments.run(r, on: e)) }
        route(router, "features", .none) { (r: FeatureUsage.Request, e) in try AnalyticsAnswer.json(FeatureUsage.run(r, on: e)) }
        route(router, "experiment", .experiment) { (r: Experiment.Request, e) in try AnalyticsAnswer.experiment(Experiment.run(r, on: e)) }
        route(router, "ai", .ai) { (r: AIRecommendations.Request, e) in try AnalyticsAnswer.ai(AIRecommendations.run(r, on: e)) }
        for name in ["revenue", "business"] {
            route(router, name, .none) { (r: Business.Request, e) in try AnalyticsAnswer.revenue(Business.run(r, on: e)) }
        }
        route(router, "cohorts/evaluate", .cohort) { (r: Cohorts.Request, e) in try AnalyticsAnswer.json(Cohorts.run(r, on: e)) }
    }

    /// `POST /api/analytics/NAME`: body rewritten and decoded here, the analysis and the
    /// encoding of its answer on the evaluation queue.
    func route<R: Decodable & Sendable>(_ router: Router<some RequestContext>, _ name: String, _ aliases: AnalyticsBody.Aliases,
                                        _ run: @escaping @Sendable (R, any EventReader) throws -> Data) {
        router.post("/api/analytics/\(name)") { request, _ in
            let arrived = ContinuousClock.now
            let body = try await collectBody(request, limit: AnalyticsRoutes.maxBodyBytes)
            let (json, cohort) = try AnalyticsBody.rewrite(body, aliases: aliases)
            let decoded: R = try AnalyticsRoutes.decode(json)
            let restriction: CohortDefinition? = if let cohort { try await savedDefinition(cohort, field: "cohort") } else { nil }
            let data = try await evaluate(since: arrived, what: name) { [reader] in
                let source: any EventReader = if let restriction { try CohortReader(reader, definition: restriction) } else { reader }
                return try run(decoded, source)
            }
            return AnalyticsAnswer.response(data)
        }
    }

    /// Runs `body` on the evaluation queue within what is left of `timeout`, with Analytics
    /// errors as HTTP ones.
    func evaluate<T: Sendable>(since arrived: ContinuousClock.Instant, what: String,
                               _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let left = timeout - (ContinuousClock.now - arrived)
        do {
            return try await evaluation.run(timeout: left, what: "analysis \(what)", body)
        } catch let e as AnalyticsError {
            throw APIError(e)
        }
    }

    /// The definition of saved cohort `id`. An unknown id is a 400 naming `field` when the
    /// cohort is a request's filter (nil `field`: a 404, the cohort is the resource asked for).
    func savedDefinition(_ id: Int64, field: String? = nil) async throws -> CohortDefinition {
        let saved: SavedCohort
        do {
            saved = try await storing { try await state.cohort(id: id) }
        } catch let e as APIError where e.kind == .notFound && field != nil {
            throw APIError.badData("\(field ?? ""): \(e.message)")
        }
        return try AnalyticsRoutes.definition(of: saved)
    }

    static func definition(of saved: SavedCohort) throws -> CohortDefinition {
        do {
            return try AnalyticsRequest.decode(CohortDefinition.self, from: Data(saved.definition.utf8))
        } catch {
            throw APIError(.internalError, "saved cohort \(saved.id ?? 0) holds a definition that no longer decodes: \(error)")
        }
    }

    /// AppState's errors as HTTP answers.
    func storing<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as AppStateError {
            switch e.code {
            case .invalidArgument: throw APIError.badData(e.message)
            case .notFound: throw APIError(.notFound, e.message)
            case .conflict: throw APIError(.badData, e.message, status: .conflict)
            case .limitReached: throw APIError(.tooLarge, e.message, status: .conflict)
            default: throw APIError(.internalError, "application database: \(e)")
            }
        }
    }

    static func decode<R: Decodable>(_ json: Data) throws -> R {
        do {
            return try AnalyticsRequest.decode(R.self, from: json)
        } catch {
            throw APIError(error)
        }
    }
}

extension APIError {
    /// 400 for every Analytics error; `errorType` `too_large` when the answer would pass a
    /// bound (a coarser interval or a shorter range fixes it), else `bad_data`.
    init(_ e: AnalyticsError) {
        self.init(e.code == .tooLarge ? .tooLarge : .badData, e.message, status: .badRequest)
    }
}
