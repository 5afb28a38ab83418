import Dispatch
import Foundation
import Hummingbird
import PromQL
import TSDB

/// Prometheus's query API: `/api/v1/query`, `/api/v1/query_range`, `/api/v1/format_query`, answering in Prometheus's envelopes and value encodings.
struct QueryRoutes: Sendable {
    let db: DB
    let options: EngineOptions
    let gate: QueryGate

    init(db: DB, options: EngineOptions, maxConcurrency: Int) {
        self.db = db
        self.options = options
        gate = QueryGate(limit: maxConcurrency)
    }

    /// Evaluation runs here, not on the cooperative pool, so that long queries (two would fill a
    /// 2-core machine's pool) never starve request handling and ingestion. The gate bounds how
    /// many threads it uses.
    static let evaluationQueue = DispatchQueue(label: "sextant.query", attributes: .concurrent)

    /// Prometheus refuses range queries that would return more points per series than this.
    static let maxPointsPerSeries: Int64 = 11_000

    func register(on router: Router<some RequestContext>) {
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/api/v1/query", method: method) { req, _ in try await instant(req) }
            router.on("/api/v1/query_range", method: method) { req, _ in try await range(req) }
            router.on("/api/v1/format_query", method: method) { req, _ in try await formatQuery(req) }
        }
    }

    func querierFactory() -> @Sendable (Int64, Int64) -> Querier {
        let db = self.db
        return { mint, maxt in db.querier(mint: mint, maxt: maxt) }
    }

    func instant(_ req: Request) async throws -> Response {
        let p = try await RequestParameters(req)
        guard let query = p.get("query"), !query.isEmpty else { throw APIError.badData("invalid parameter \"query\": query is empty") }
        let now = Int64(Date.now.timeIntervalSince1970 * 1000)
        let t = try p.time("time", default: now)
        let querier = querierFactory()
        let result = try await run(timeout: try timeout(p)) { engine in try engine.instantQuery(query, at: t, querier: querier) }
        return encode(result)
    }

    func range(_ req: Request) async throws -> Response {
        let p = try await RequestParameters(req)
        guard let query = p.get("query"), !query.isEmpty else { throw APIError.badData("invalid parameter \"query\": query is empty") }
        guard let s = p.get("start") else { throw APIError.badData("invalid parameter \"start\": missing") }
        guard let e = p.get("end") else { throw APIError.badData("invalid parameter \"end\": missing") }
        let start = try parseTime(s, name: "start"), end = try parseTime(e, name: "end")
        if end < start { throw APIError.badData("invalid parameter \"end\": end timestamp must not be before start time") }
        guard let stepText = p.get("step") else { throw APIError.badData("invalid parameter \"step\": missing") }
        let step = try parseStep(stepText)
        if step <= 0 {
            throw APIError.badData("invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        if (end - start) / step > QueryRoutes.maxPointsPerSeries {
            throw APIError.badData("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        let querier = querierFactory()
        let result = try await run(timeout: try timeout(p)) { engine in
            try engine.rangeQuery(query, start: start, end: end, step: step, querier: querier)
        }
        return encode(result)
    }

    func formatQuery(_ req: Request) async throws -> Response {
        let p = try await RequestParameters(req)
        guard let query = p.get("query"), !query.isEmpty else { throw APIError.badData("invalid parameter \"query\": query is empty") }
        do {
            let expr = try PromQLParser.parse(query, options: .init(enableExperimentalFunctions: true))
            let text = format(expr)
            return JSONWriter.success { $0.string(text) }
        } catch let e as PromQLError {
            throw APIError.badData(e.message)
        }
    }

    /// A step as Prometheus takes it: float seconds or a duration such as `15s`. Milliseconds.
    func parseStep(_ s: String) throws -> Int64 {
        if let d = Double(s), d.isFinite {
            guard abs(d) < 9e15 else { throw APIError.badData("invalid parameter \"step\": out of range") }
            return Int64((d * 1000).rounded())
        }
        do {
            return try PromQLParser.parseDuration(s)
        } catch {
            throw APIError.badData("invalid parameter \"step\": cannot parse \"\(s)\" to a valid duration")
        }
    }

    /// The `timeout` parameter (a duration or float seconds), capped by `--query.timeout` as
    /// Prometheus does.
    func timeout(_ p: RequestParameters) throws -> Duration {
        guard let text = p.get("timeout") else { return options.timeout }
        let ms: Int64
        if let d = Double(text), d.isFinite, d >= 0, d < 9e15 {
            ms = Int64((d * 1000).rounded())
        } else if let d = try? PromQLParser.parseDuration(text) {
            ms = d
        } else {
            throw APIError.badData("invalid parameter \"timeout\": cannot parse \"\(text)\" to a valid duration")
        }
        return min(.milliseconds(ms), options.timeout)
    }

    /// Waits for a slot at the gate, then runs a query on the evaluation queue with what is left
    /// of its timeout, mapping its errors onto Prometheus's types.
    func run(timeout: Duration, _ body: @escaping @Sendable (Engine) throws -> QueryResult) async throws -> QueryResult {
        let queued = ContinuousClock.now
        guard await gate.enter(timeout: timeout) else {
            throw APIError(.timeout, "query timed out in query queue")
        }
        defer { gate.leave() }
        var options = self.options
        options.timeout = timeout - (ContinuousClock.now - queued)
        let engine = Engine(options: options)
        do {
            return try await withCheckedThrowingContinuation { continuation in
                QueryRoutes.evaluationQueue.async {
                    continuation.resume(with: Result { try body(engine) })
                }
            }
        } catch let e as PromQLError {
            switch e.kind {
            case .parse: throw APIError.badData(e.message)
            case .execution, .tooManySamples: throw APIError(.execution, e.message)
            case .timeout: throw APIError(.timeout, e.message)
            case .canceled: throw APIError(.canceled, e.message)
            }
        } catch let e as TSDBError {
            throw APIError(.internalError, "storage error: \(e)")
        }
    }

    func encode(_ result: QueryResult) -> Response {
        var w = JSONWriter(capacity: 1 << 16)
        w.beginObject()
        w.key("status"); w.string("success")
        w.key("data")
        w.beginObject()
        w.key("resultType"); w.string(result.value.typeName)
        w.key("result")
        switch result.value {
        case .scalar(let t, let v):
            point(&w, t, formatValue(v))
        case .string(let t, let s):
            point(&w, t, s)
        case .vector(let elements):
            w.beginArray()
            for e in elements {
                w.beginObject()
                w.key("metric"); w.labels(e.labels)
                w.key("value"); point(&w, e.t, formatValue(e.v))
                w.endObject()
            }
            w.endArray()
        case .matrix(let series):
            w.beginArray()
            for s in series {
                w.beginObject()
                w.key("metric"); w.labels(s.labels)
                w.key("values")
                w.beginArray()
                for x in s.samples { point(&w, x.t, formatValue(x.v)) }
                w.endArray()
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        if !result.annotations.warnings.isEmpty {
            w.key("warnings"); w.strings(result.annotations.warnings)
        }
        if !result.annotations.infos.isEmpty {
            w.key("infos"); w.strings(result.annotations.infos)
        }
        w.endObject()
        return w.response
    }

    /// `[1767225600.005, "1.5"]`: seconds as a number, the value as a string.
    func point(_ w: inout JSONWriter, _ t: Int64, _ value: String) {
        w.beginArray()
        w.raw(formatValue(Double(t) / 1000))
        w.string(value)
        w.endArray()
    }
}
