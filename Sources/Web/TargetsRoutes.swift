import Foundation
import Hummingbird
import Ingest
import TSDB

/// Prometheus's `/api/v1/targets` and `/api/v1/targets/metadata`, from the scrape manager.
struct TargetsRoutes: Sendable {
    let manager: ScrapeManager

    func register(on router: Router<some RequestContext>) {
        router.get("/api/v1/targets") { req, _ in try await targets(req) }
        router.get("/api/v1/targets/metadata") { req, _ in try await metadata(req) }
    }

    /// `state` = active, dropped or any (default); `scrapePool` narrows to one job.
    func targets(_ req: Request) async throws -> Response {
        let p = try await RequestParameters(req)
        let state = (p.get("state") ?? "any").lowercased()
        guard ["active", "dropped", "any", ""].contains(state) else {
            throw APIError.badData("invalid parameter \"state\": must be active, dropped or any")
        }
        let pool = p.get("scrapePool").flatMap { $0.isEmpty ? nil : $0 }
        let snapshot = manager.targets()
        let showActive = state != "dropped", showDropped = state != "active"
        return JSONWriter.success { w in
            w.beginObject()
            w.key("activeTargets")
            w.beginArray()
            for t in snapshot.active where showActive && (pool == nil || t.target.scrapePool == pool) {
                w.beginObject()
                w.key("discoveredLabels"); w.labels(t.target.discoveredLabels)
                w.key("labels"); w.labels(t.target.labels)
                w.key("scrapePool"); w.string(t.target.scrapePool)
                w.key("scrapeUrl"); w.string(t.target.url)
                w.key("globalUrl"); w.string(t.target.globalURL)
                w.key("lastError"); w.string(t.lastError)
                w.key("lastScrape"); w.string(TargetsRoutes.rfc3339(t.lastScrape))
                w.key("lastScrapeDuration"); w.raw(formatValue(t.lastScrapeDuration))
                w.key("health"); w.string(t.health.rawValue)
                w.key("scrapeInterval"); w.string(PrometheusDuration.format(t.target.interval))
                w.key("scrapeTimeout"); w.string(PrometheusDuration.format(t.target.timeout))
                w.endObject()
            }
            w.endArray()
            w.key("droppedTargets")
            w.beginArray()
            for d in snapshot.dropped where showDropped && (pool == nil || d.pool == pool) {
                w.beginObject()
                w.key("discoveredLabels"); w.labels(d.labels)
                w.key("scrapePool"); w.string(d.pool)
                w.endObject()
            }
            w.endArray()
            w.key("droppedTargetCounts")
            w.beginObject()
            for (name, count) in snapshot.droppedCounts where pool == nil || name == pool {
                w.key(name); w.raw(String(count))
            }
            w.endObject()
            w.endObject()
        }
    }

    /// `match_target` (a label selector over target labels), `metric` and `limit`, as Prometheus
    /// takes them.
    func metadata(_ req: Request) async throws -> Response {
        let p = try await RequestParameters(req)
        let matchers = try p.get("match_target").map { try SeriesSelector.parse($0) } ?? []
        let metric = p.get("metric").flatMap { $0.isEmpty ? nil : $0 }
        var limit = Int.max
        if let l = p.get("limit"), !l.isEmpty {
            guard let n = Int(l) else { throw APIError.badData("invalid parameter \"limit\": must be a number") }
            if n >= 0 { limit = n }
        }
        var rows: [(Labels, String, MetricMetadata)] = []
        for t in manager.metadata.byTarget() where matchers.allSatisfy({ $0.matches(t.target[$0.name] ?? "") }) {
            for name in t.families.keys.sorted() where metric == nil || name == metric {
                if let m = t.families[name] { rows.append((t.target, name, m)) }
            }
        }
        if let metric, rows.isEmpty {
            throw APIError(.notFound, "specified metadata not found for metric \(metric)")
        }
        return JSONWriter.success { w in
            w.beginArray()
            for (target, name, m) in rows.prefix(limit) {
                w.beginObject()
                w.key("target"); w.labels(target)
                w.key("metric"); w.string(name)
                w.key("type"); w.string(m.type)
                w.key("help"); w.string(m.help)
                w.key("unit"); w.string(m.unit)
                w.endObject()
            }
            w.endArray()
        }
    }

    /// Go's RFC 3339 with fractional seconds, in UTC; Go's zero time before the first scrape.
    static func rfc3339(_ date: Date?) -> String {
        guard let date else { return "0001-01-01T00:00:00Z" }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}
