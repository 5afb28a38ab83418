import Foundation
import Hummingbird
import Ingest
import Logging
import TSDB

/// InfluxDB line protocol writes: `POST /api/v2/write?org=&bucket=&precision=ns|us|ms|s`
/// (InfluxDB 2) and `POST /write?db=&rp=&precision=n|u|ms|s|m|h` (InfluxDB 1), plain, gzip or
/// deflate. `bucket` (v2) and `db` (v1) become a `db` label; `org` and `rp` are ignored.
///
/// Answers as InfluxDB does, with its JSON error body `{"code":"invalid","message":"..."}`:
/// - 204 when every line is stored; string fields are skipped (Sextant stores numbers) and
///   named in an `X-Sextant-Skipped` header;
/// - 400 naming each malformed line by line and column (and storage refusals), while the good
///   lines are still stored (InfluxDB 2 would refuse the whole batch; InfluxDB 1 and
///   VictoriaMetrics' stream mode keep the good lines, and a client must not retry a 400);
/// - 413 past the body limit; 503 or 500 when storage fails and nothing was stored.
struct InfluxHandler: Sendable {
    let db: DB
    let limits: IngestLimits
    let logger: Logger

    enum API { case v1, v2 }

    func register(on router: Router<some RequestContext>) {
        router.post("/api/v2/write") { req, _ in await handle(req, api: .v2) }
        router.post("/write") { req, _ in await handle(req, api: .v1) }
    }

    func handle(_ request: Request, api: API) async -> Response {
        let query = request.uri.queryParameters
        let precisionText = query["precision"].map(String.init)
        let precision = api == .v2 ? InfluxPrecision(v2: precisionText) : InfluxPrecision(v1: precisionText)
        guard let precision else {
            let allowed = api == .v2 ? "ns, us, ms or s" : "n, u, ms, s, m or h"
            return error(.badRequest, "invalid", "invalid precision \"\(precisionText ?? "")\": use \(allowed)")
        }
        let database = (api == .v2 ? query["bucket"] : query["db"]).map(String.init)
        do {
            let coding = try ContentCoding(header: request.headers[.contentEncoding])
            let raw = try await collectBody(request, limit: limits.maxBodyBytes)
            let body = Array(buffer: try coding.decode(raw, limit: limits.maxDecompressedBytes))
            let lines = try InfluxLineParser.parse(body, maxFields: limits.remoteWrite.maxSamples)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let conversion = InfluxSeries.convert(lines, precision: precision, database: database, now: now)
            let outcome = try mapStorageError { try db.store(conversion.batch, limits: limits.remoteWrite) }
            var problems = lines.errors.prefix(10).map(\.description)
            if lines.errors.count > 10 { problems.append("\(lines.errors.count - 10) more malformed lines") }
            problems += conversion.problems + outcome.problems
            guard problems.isEmpty else {
                let stored = "stored \(outcome.stored) of \(outcome.total) samples"
                return error(.badRequest, "invalid", "\(stored); \(problems.joined(separator: "; "))")
            }
            var response = Response(status: .noContent)
            if conversion.skippedStringFields > 0 {
                let names = conversion.skippedStringNames.joined(separator: ", ")
                response.headers[.init("X-Sextant-Skipped")!] =
                    "\(conversion.skippedStringFields) string fields (only numbers are stored): \(names)"
            }
            return response
        } catch let e as IngestError {
            if e.code == .tooLarge { return error(.contentTooLarge, "request too large", e.description) }
            return error(.badRequest, "invalid", "\(e)")
        } catch let e as APIError {
            let code = e.status == .contentTooLarge ? "request too large" : e.status == .serviceUnavailable ? "unavailable" : "internal error"
            return error(e.status, code, e.message)
        } catch {
            return self.error(.internalServerError, "internal error", "\(error)")
        }
    }

    /// InfluxDB's error body.
    func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.key("code"); w.string(code)
        w.key("message"); w.string(message)
        w.endObject()
        var r = w.response
        r.status = status
        return r
    }
}
