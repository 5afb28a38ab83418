import Hummingbird
import TSDB

/// Prometheus's metadata endpoints and VictoriaMetrics' export, none of which needs PromQL.
struct ReadRoutes: Sendable {
    let db: DB

    /// Prometheus's default range when `start`/`end` are absent: all time.
    static let minTime = Int64.min / 2
    static let maxTime = Int64.max / 2

    func register(on router: Router<some RequestContext>) {
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/api/v1/series", method: method) { req, _ in try await series(req) }
            router.on("/api/v1/labels", method: method) { req, _ in try await labels(req) }
        }
        router.get("/api/v1/label/{name}/values") { req, ctx in
            try await labelValues(req, name: ctx.parameters.require("name"))
        }
        router.on("/api/v1/export", method: .get) { req, _ in try await export(req) }
        router.on("/api/v1/export", method: .post) { req, _ in try await export(req) }
    }

    func range(_ p: RequestParameters) throws -> (Int64, Int64) {
        let start = try p.time("start", default: ReadRoutes.minTime)
        let end = try p.time("end", default: ReadRoutes.maxTime)
        if end < start { throw APIError.badData("invalid parameter \"end\": end timestamp must not be before start time") }
        return (start, end)
    }

    /// Series matching any of the selectors (a union, as Prometheus does).
    func matchingSeries(_ q: Querier, _ selectors: [[Matcher]]) throws -> [Labels] {
        if selectors.count == 1 { return try q.series(selectors[0]) }
        var all = Set<Labels>()
        for m in selectors { all.formUnion(try q.series(m)) }
        return all.sorted()
    }

    func series(_ req: Request) async throws -> Response {
        let p = try await RequestParameters(req)
        let selectors = try p.matchers()
        if selectors.isEmpty { throw APIError.badData("no match[] parameter provided") }
        let (start, end) = try range(p)
        let list = try mapStorageError { try matchingSeries(db.querier(mint: start, maxt: end), selectors) }
        let limited = try limit(list, p)
        return JSONWriter.success { w in
            w.beginArray()
            for l in limited { w.labels(l) }
            w.endArray()
        }
    }

    func labels(_ req: Request) async throws -> Response {
        let p = try await RequestParameters(req)
        let (start, end) = try range(p)
        let q = db.querier(mint: start, maxt: end)
        let selectors = try p.matchers()
        var names = Set<String>()
        for l in try mapStorageError({ try selectors.isEmpty ? q.series([]) : matchingSeries(q, selectors) }) {
            for pair in l.pairs { names.insert(pair.name) }
        }
        let list = try limit(names.sorted(), p)
        return JSONWriter.success { $0.strings(list) }
    }

    func labelValues(_ req: Request, name: String) async throws -> Response {
        let p = try await RequestParameters(req)
        let (start, end) = try range(p)
        let q = db.querier(mint: start, maxt: end)
        let selectors = try p.matchers()
        var values = Set<String>()
        for l in try mapStorageError({ try selectors.isEmpty ? q.series([]) : matchingSeries(q, selectors) }) {
            if let v = l[name] { values.insert(v) }
        }
        let list = try limit(values.sorted(), p)
        return JSONWriter.success { $0.strings(list) }
    }

    func limit<T>(_ list: [T], _ p: RequestParameters) throws -> [T] {
        guard let s = p.get("limit") else { return list }
        guard let n = Int(s), n >= 0 else { throw APIError.badData("invalid parameter \"limit\": must be a non-negative integer") }
        return n == 0 ? list : Array(list.prefix(n))
    }

    /// One JSON line per series: `{"metric":{...},"values":[...],"timestamps":[...]}`, streamed.
    func export(_ req: Request) async throws -> Response {
        let p = try await RequestParameters(req)
        let selectors = try p.matchers()
        if selectors.isEmpty { throw APIError.badData("no match[] parameter provided") }
        let (start, end) = try range(p)
        let q = db.querier(mint: start, maxt: end)
        let body = ResponseBody { writer in
            var seen = Set<Labels>()
            for m in selectors {
                for s in try mapStorageError({ try q.select(m) }) where seen.insert(s.labels).inserted {
                    var w = JSONWriter(capacity: 64 + s.samples.count * 24)
                    w.beginObject()
                    w.key("metric"); w.labels(s.labels)
                    w.key("values")
                    w.beginArray()
                    for x in s.samples { w.raw(exportNumber(x.v)) }
                    w.endArray()
                    w.key("timestamps")
                    w.beginArray()
                    for x in s.samples { w.raw(String(x.t)) }
                    w.endArray()
                    w.endObject()
                    w.bytes.append(0x0A)
                    try await writer.write(ByteBuffer(bytes: w.bytes))
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/stream+json"], body: body)
    }
}

/// A value in export lines: a JSON number, or VictoriaMetrics' spellings for what JSON lacks.
/// The stale marker is written as `"StaleNaN"` so a re-import keeps it apart from an ordinary NaN.
func exportNumber(_ v: Double) -> String {
    if v.isStaleMarker { return "\"StaleNaN\"" }
    if v.isNaN { return "\"NaN\"" }
    if v == .infinity { return "\"Inf\"" }
    if v == -.infinity { return "\"-Inf\"" }
    return formatValue(v)
}
