import Foundation
import Hummingbird
import Insights
import TSDB

/// Insights over stored metrics, `/api/v1/insights/…` (GET, or POST with a form body, with
/// parameters as Prometheus's query API takes them), and over posted numbers,
/// `/api/v1/analysis/…` (JSON bodies). Shapes, parameters and rules: docs/insights.md.
///
/// An analysis runs all its queries in one slot of the query gate, on the evaluation queue,
/// within one query timeout in all, and each query under the engine's sample limit; so an
/// analysis costs what a query may and fails as one does.
struct InsightsRoutes: Sendable {
    let queries: QueryRoutes
    /// `--retention` (ms) and the data directory, for the configuration suggestions.
    let retention: Int64
    let dataDirectory: String

    func register(on router: Router<some RequestContext>) {
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/api/v1/insights/regression", method: method) { req, _ in try await regression(req) }
            router.on("/api/v1/insights/anomalies", method: method) { req, _ in try await anomalies(req) }
            router.on("/api/v1/insights/capacity", method: method) { req, _ in try await capacity(req) }
            router.on("/api/v1/insights/bottlenecks", method: method) { req, _ in try await bottlenecks(req) }
            router.on("/api/v1/insights/suggestions", method: method) { req, _ in try await suggestions(req) }
            router.on("/api/v1/insights/health", method: method) { req, _ in try await health(req) }
        }
        let posted = PostedAnalysis(queries: queries)
        router.post("/api/v1/analysis/compare") { req, _ in try await posted.compare(req) }
        router.post("/api/v1/analysis/forecast") { req, _ in try await posted.forecast(req) }
    }

    /// Runs `body` through the gate with a `RangeQuery` over the store.
    func analyse<T: Sendable>(_ p: InsightsParameters, _ body: @escaping @Sendable (RangeQuery) throws -> T) async throws -> T {
        let querier = queries.querierFactory()
        return try await queries.run(timeout: try queries.timeout(p.p)) { engine in
            try body(engine.insightsQuery(querier: querier))
        }
    }

    static var now: Int64 { Int64(Date.now.timeIntervalSince1970 * 1000) }

    func regression(_ req: Request) async throws -> Response {
        let p = InsightsParameters(p: try await RequestParameters(req))
        let query = try p.string("query")
        // Defaults: the last hour against the hour before it.
        let currentEnd = try p.time("currentEnd", default: Self.now)
        let currentStart = try p.time("currentStart", default: currentEnd - 3_600_000)
        let length = currentEnd - currentStart
        let baselineEnd = try p.time("baselineEnd", default: currentStart - 1)
        let baselineStart = try p.time("baselineStart", default: baselineEnd - length)
        let step = try p.step(longest: max(length, baselineEnd - baselineStart))
        let request = RegressionRequest(query: query, baseline: TimeRange(start: baselineStart, end: baselineEnd),
                                        current: TimeRange(start: currentStart, end: currentEnd), step: step,
                                        rule: try p.rule(), maxSeries: try p.int("maxSeries") ?? 100)
        let report = try await analyse(p) { try RegressionAnalysis.run(request, query: $0) }
        return JSONWriter.success { $0.regression(report, request) }
    }

    func anomalies(_ req: Request) async throws -> Response {
        let p = InsightsParameters(p: try await RequestParameters(req))
        let query = try p.string("query")
        let end = try p.time("end", default: Self.now)
        let start = try p.time("start", default: end - 3_600_000)
        var request = AnomalyRequest(query: query, range: TimeRange(start: start, end: end), step: try p.step(longest: end - start),
                                     method: try p.choice("method", default: AnomalyMethod.robust),
                                     threshold: try p.double("threshold"))
        if let v = try p.int("window") { request.window = v }
        if let v = try p.duration("history") { request.history = v }
        if let v = try p.int("maxSeries") { request.maxSeries = v }
        if let v = try p.int("seed") { request.seed = UInt64(truncatingIfNeeded: v) }
        let report = try await analyse(p) { [request] in try AnomalyDetection.run(request, query: $0) }
        return JSONWriter.success { $0.anomalies(report, request) }
    }

    func capacity(_ req: Request) async throws -> Response {
        let p = InsightsParameters(p: try await RequestParameters(req))
        let query = try p.string("query")
        guard let threshold = try p.double("threshold") else {
            throw APIError.badData("invalid parameter \"threshold\": missing")
        }
        // Defaults: a week of history at a step that divides a day, forecast 30 days ahead.
        let end = try p.time("end", default: Self.now)
        let start = try p.time("start", default: end - 7 * 86_400_000)
        let step = try p.duration("step") ?? InsightsParameters.dayAlignedStep(span: end - start)
        var request = CapacityRequest(query: query, range: TimeRange(start: start, end: end), step: step, threshold: threshold,
                                      direction: try p.choice("direction", default: ThresholdDirection.above),
                                      horizon: try p.duration("horizon", default: 30 * 86_400_000),
                                      method: try p.choice("method", default: ForecastMethod.auto),
                                      seasonLength: try p.duration("seasonLength"))
        if let v = try p.double("level") { request.level = v }
        if let v = try p.int("maxSeries") { request.maxSeries = v }
        let report = try await analyse(p) { [request] in try CapacityPlanning.run(request, query: $0) }
        return JSONWriter.success { $0.capacity(report, request) }
    }
}
