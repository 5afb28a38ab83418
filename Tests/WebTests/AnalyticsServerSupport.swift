import Foundation
import Ingest
import UTCTime
@testable import Web

/// What the end-to-end analytics tests share: the bench scripts, native batches as a client
/// sends them, and the analyses' answers from a running server.
enum AnalyticsE2E {
    /// `<repo>/../shared/bench`: the repository root is three levels above this file.
    static let bench = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/bench")

    /// Whether `python3 -c "import MODULE"` works.
    static func hasPython(_ module: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import \(module)"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// `POST /api/analytics/events` with the events' JSON texts in the native envelope.
    /// Returns the status and the parsed answer.
    static func post(_ server: ServerProcess, events: some Collection<Substring>, batchID: String) async throws -> (Int, [String: Any]) {
        var body = Data(#"{"batchId":""#.utf8)
        body.append(contentsOf: batchID.utf8)
        body.append(contentsOf: #"","clientTimestamp":""#.utf8)
        body.append(contentsOf: Timestamp.format(Int64(Date().timeIntervalSince1970 * 1000)).utf8)
        body.append(contentsOf: #"","events":["#.utf8)
        for (i, e) in events.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: e.utf8)
        }
        body.append(contentsOf: "]}".utf8)
        let (data, status) = try await server.post("/api/analytics/events", body: body, headers: ["Content-Type": "application/json"])
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// Runs an analysis on the server; fails the test with the answer unless it is 200.
    static func analysis(_ server: ServerProcess, _ name: String, _ body: String) async throws -> [String: Any] {
        let (data, status) = try await server.post("/api/analytics/\(name)", body: Data(body.utf8), headers: ["Content-Type": "application/json"])
        // JSONTree, not JSONSerialization: that one rounds doubles to 16 digits on Linux.
        guard status == 200, let answer = (try? JSONTree.parse(data)) as? [String: Any] else {
            throw TestFailure("\(name) answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return answer
    }

    /// A trend's totals by breakdown value (`"null"` for events lacking the field).
    static func totals(_ answer: [String: Any]) -> [String: Double] {
        var out: [String: Double] = [:]
        for s in objects(answer["series"]) {
            out[(s["breakdown"] as? String) ?? (s["breakdown"].map { "\($0)" } ?? "null")] = number(s["total"])
        }
        return out
    }
}
