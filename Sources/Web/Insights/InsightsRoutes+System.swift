import Glibc
import Hummingbird
import Insights

/// Bottlenecks, suggestions and health: each reads one `SystemSnapshot` (the standard request
/// metrics and node_exporter's resource metrics at `time`, rates over `window`).
extension InsightsRoutes {
    /// The latency SLO findings are judged against when the caller names none, seconds.
    static let defaultSLO = 0.5

    struct SystemRequest: Sendable {
        let time: Int64
        let window: Int64
        let slo: Double
        let maxSeries: Int
    }

    func systemRequest(_ p: InsightsParameters) throws -> SystemRequest {
        let slo = try p.double("slo") ?? Self.defaultSLO
        return SystemRequest(time: try p.time("time", default: Self.now), window: try p.duration("window", default: 300_000),
                             slo: slo, maxSeries: try p.int("maxSeries") ?? SystemSnapshot.defaultMaxSeries)
    }

    func snapshot(_ p: InsightsParameters, _ r: SystemRequest) async throws -> SystemSnapshot {
        try await analyse(p) { try SystemSnapshot.collect(query: $0, at: r.time, window: r.window, maxSeries: r.maxSeries) }
    }

    func bottlenecks(_ req: Request) async throws -> Response {
        let p = InsightsParameters(p: try await RequestParameters(req))
        let r = try systemRequest(p)
        let report = try Bottlenecks.analyse(try await snapshot(p, r), slo: r.slo)
        return JSONWriter.success { $0.bottlenecks(report, window: r.window) }
    }

    func suggestions(_ req: Request) async throws -> Response {
        let p = InsightsParameters(p: try await RequestParameters(req))
        let r = try systemRequest(p)
        let facts = ServerFacts(retention: retention, dataDirectory: dataDirectory, dataDiskUsed: Self.usedFraction(dataDirectory))
        let list = try Suggestions.suggest(try await snapshot(p, r), slo: r.slo, facts: facts)
        return JSONWriter.success { $0.suggestions(list, time: r.time, slo: r.slo) }
    }

    func health(_ req: Request) async throws -> Response {
        let p = InsightsParameters(p: try await RequestParameters(req))
        let r = try systemRequest(p)
        let report = try HealthScore.score(try await snapshot(p, r), slo: r.slo)
        return JSONWriter.success { $0.health(report, time: r.time, slo: r.slo) }
    }

    /// The used fraction of the filesystem holding `path` (as `df` counts it: blocks not free to
    /// unprivileged users count as used), or nil when statvfs fails.
    static func usedFraction(_ path: String) -> Double? {
        var buf = Glibc.statvfs()
        guard statvfs(path, &buf) == 0, buf.f_blocks > 0 else { return nil }
        return 1 - Double(buf.f_bavail) / Double(buf.f_blocks)
    }
}
