import Foundation
import Hummingbird
import Ingest
import PromQL
import TSDB

/// Prometheus's status and metadata endpoints: `/api/v1/status/buildinfo`, `/status/runtimeinfo`,
/// `/status/tsdb`, `/api/v1/metadata`, and `/api/v1/query_exemplars`.
struct StatusRoutes: Sendable {
    let db: DB
    let metadata: MetadataStore
    let startTime = Date()

    /// The Prometheus release whose HTTP API and PromQL Sextant follows. Grafana reads `version`
    /// to decide which API features to use (as it does with VictoriaMetrics, which also answers
    /// with a Prometheus version); Sextant's own version is in `sextantVersion`.
    static let prometheusAPIVersion = "3.0.0"
    static let sextantVersion = "0.1.0"

    func register(on router: Router<some RequestContext>) {
        router.get("/api/v1/status/buildinfo") { _, _ in
            JSONWriter.success { w in
                w.beginObject()
                for (k, v) in [("version", StatusRoutes.prometheusAPIVersion), ("sextantVersion", StatusRoutes.sextantVersion),
                               ("revision", ""), ("branch", "main"), ("buildUser", ""), ("buildDate", ""), ("goVersion", "swift6")] {
                    w.key(k); w.string(v)
                }
                w.endObject()
            }
        }
        router.get("/api/v1/status/runtimeinfo") { _, _ in runtimeInfo() }
        router.get("/api/v1/status/tsdb") { req, _ in try await tsdbStatus(req) }
        router.get("/api/v1/metadata") { req, _ in try await metricMetadata(req) }
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/api/v1/query_exemplars", method: method) { req, _ in try await exemplars(req) }
        }
    }

    func runtimeInfo() -> Response {
        let started = ISO8601DateFormatter().string(from: startTime)
        let threads = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("Threads:") }
            .flatMap { Int($0.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        let corrupted = (try? FileManager.default.contentsOfDirectory(atPath: db.directory + "/corrupted"))?.count ?? 0
        return JSONWriter.success { w in
            w.beginObject()
            w.key("startTime"); w.string(started)
            w.key("CWD"); w.string(FileManager.default.currentDirectoryPath)
            w.key("reloadConfigSuccess"); w.raw("true")
            w.key("lastConfigTime"); w.string(started)
            w.key("corruptionCount"); w.raw("\(corrupted)")
            // Go runtime fields, kept so clients that read them find numbers: OS threads in place
            // of goroutines, CPUs in place of GOMAXPROCS.
            w.key("goroutineCount"); w.raw("\(threads)")
            w.key("GOMAXPROCS"); w.raw("\(ProcessInfo.processInfo.activeProcessorCount)")
            w.key("GOMEMLIMIT"); w.raw("0")
            w.key("GOGC"); w.string("")
            w.key("GODEBUG"); w.string("")
            w.key("storageRetention"); w.string(retentionText())
            w.endObject()
        }
    }

    /// "15d", or "15d or 50GiB" with a size limit, as Prometheus prints it.
    func retentionText() -> String {
        var text = PrometheusDuration.format(db.options.retention)
        if let bytes = db.options.retentionBytes { text += " or \(bytes)B" }
        return text
    }

    func tsdbStatus(_ req: Request) async throws -> Response {
        let p = try await RequestParameters(req)
        var limit = 10
        if let text = p.get("limit") {
            guard let n = Int(text), n > 0, n <= 10_000 else {
                throw APIError.badData("limit must be a positive number at most 10000")
            }
            limit = n
        }
        let stats = db.headCardinality(limit: limit)
        return JSONWriter.success { w in
            w.beginObject()
            w.key("headStats")
            w.beginObject()
            w.key("numSeries"); w.raw("\(stats.series)")
            w.key("numLabelPairs"); w.raw("\(stats.labelPairs)")
            w.key("chunkCount"); w.raw("\(stats.chunks)")
            w.key("minTime"); w.raw("\(stats.minTime ?? Int64.max)")
            w.key("maxTime"); w.raw("\(stats.maxTime ?? Int64.min)")
            w.endObject()
            for (key, list) in [("seriesCountByMetricName", stats.seriesCountByMetricName),
                                ("labelValueCountByLabelName", stats.labelValueCountByLabelName),
                                ("memoryInBytesByLabelName", stats.memoryInBytesByLabelName),
                                ("seriesCountByLabelValuePair", stats.seriesCountByLabelValuePair)] {
                w.key(key)
                w.beginArray()
                for e in list {
                    w.beginObject()
                    w.key("name"); w.string(e.name)
                    w.key("value"); w.raw("\(e.count)")
                    w.endObject()
                }
                w.endArray()
            }
            w.endObject()
        }
    }

    func metricMetadata(_ req: Request) async throws -> Response {
        let p = try await RequestParameters(req)
        // Prometheus: a limit below 0 (the default -1) means no limit; 0 is refused.
        func limit(_ name: String) throws -> Int? {
            guard let text = p.get(name) else { return nil }
            guard let n = Int(text) else { throw APIError.badData("\(name) must be a number") }
            return n < 0 ? nil : n
        }
        let entries = metadata.lookup(metric: p.get("metric").flatMap { $0.isEmpty ? nil : $0 },
                                      limit: try limit("limit"), limitPerMetric: try limit("limit_per_metric"))
        return JSONWriter.success { w in
            w.beginObject()
            for (name, list) in entries {
                w.key(name)
                w.beginArray()
                for m in list {
                    w.beginObject()
                    w.key("type"); w.string(m.type)
                    w.key("help"); w.string(m.help)
                    w.key("unit"); w.string(m.unit)
                    w.endObject()
                }
                w.endArray()
            }
            w.endObject()
        }
    }

    /// Sextant keeps no exemplars yet, so the answer is Prometheus's with exemplar storage off:
    /// an empty list, after the same parameter checks.
    func exemplars(_ req: Request) async throws -> Response {
        let p = try await RequestParameters(req)
        guard let query = p.get("query"), !query.isEmpty else { throw APIError.badData("invalid parameter \"query\": query is empty") }
        let start = try p.time("start", default: ReadRoutes.minTime)
        let end = try p.time("end", default: ReadRoutes.maxTime)
        if end < start { throw APIError.badData("invalid parameter \"end\": end timestamp must not be before start time") }
        do {
            _ = try PromQLParser.parse(query)
        } catch {
            throw APIError.badData(error.message)
        }
        return JSONWriter.success { w in
            w.beginArray()
            w.endArray()
        }
    }
}
