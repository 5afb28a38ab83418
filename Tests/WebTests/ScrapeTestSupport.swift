import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import TSDB
@testable import Web

/// Polls `condition` every 100 ms until it holds; false once `seconds` have passed *and* ten
/// tries per second were made (on a loaded machine this task may get no thread for a long
/// stretch, and a wall-clock deadline alone would give up on a condition that held meanwhile).
func eventually(_ seconds: Double = 30, _ condition: () async throws -> Bool) async throws -> Bool {
    let start = Date()
    var tries = 0
    while tries < Int(seconds * 10) || Date().timeIntervalSince(start) < seconds {
        if try await condition() { return true }
        tries += 1
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

/// A database in a fresh temporary directory, read back by metric name.
struct ScrapeTestDB {
    let dir = NSTemporaryDirectory() + "sextant-webscrape-\(UUID().uuidString)"
    let db: DB

    init() throws { db = try DB(directory: dir) }

    func cleanup() {
        try? db.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func series(_ name: String) throws -> [SeriesSamples] {
        try db.querier(mint: Int64.min, maxt: Int64.max).select([Matcher.equal(Labels.metricName, name)])
    }
}

/// An instant query's result vector as label sets and values (NaN for a value that is not a
/// number), from a Prometheus `/api/v1/query` answer.
typealias PromVector = [(labels: [String: String], value: Double)]

func promVector(_ data: Data) throws -> PromVector {
    let doc = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let result = (doc?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
    return result.map { r in
        let value = ((r["value"] as? [Any])?.last as? String).flatMap(Double.init) ?? .nan
        return (r["metric"] as? [String: String] ?? [:], value)
    }
}

/// `/api/v1/query?query=q` as a request URI.
func queryURI(_ q: String) -> String {
    "/api/v1/query?query=" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q)
}

extension TestClientProtocol {
    /// The answer of an instant query at the server's current time.
    func vector(_ q: String) async throws -> PromVector {
        try await execute(uri: queryURI(q), method: .get) { r in try promVector(Data(r.body.readableBytesView)) }
    }

    /// Polls an instant query until its result is not empty (or gives up, returning it empty).
    func eventuallyVector(_ q: String, seconds: Double = 60) async throws -> PromVector {
        var v: PromVector = []
        _ = try await eventually(seconds) {
            v = try await vector(q)
            return !v.isEmpty
        }
        return v
    }

    /// A JSON answer's `data` member.
    func data(_ uri: String) async throws -> Any? {
        try await execute(uri: uri, method: .get) { r in
            (try JSONSerialization.jsonObject(with: Data(r.body.readableBytesView)) as? [String: Any])?["data"]
        }
    }
}

/// Runs a whole server (no host collector, no self-scrape) whose configuration file holds
/// `yaml`, live on a loopback port, for the duration of `body`.
func withScrapingServer(_ yaml: String, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    var server = TestServer(); defer { server.cleanup() }
    try FileManager.default.createDirectory(atPath: server.dir, withIntermediateDirectories: true)
    let path = server.dir + "/sextant.yml"
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    try server.config.load(yamlFile: path)
    let app = try await buildApplication(server.config)
    try await app.test(.live) { client in try await body(client) }
}
