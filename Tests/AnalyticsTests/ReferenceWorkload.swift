import EventFixtures
import EventStore
import Foundation

/// The generated workload (2,000 users, 30 days; `ANALYTICS_REFERENCE_USERS=20000` for the
/// default 886k-event workload) and DuckDB's answers for it, built once per test run by
/// `../shared/bench/gen_events.py` and `events_reference.py`; nil (with a note printed) when
/// DuckDB is not installed.
struct ReferenceWorkload: Sendable {
    let reader: MemoryEventReader
    /// `results` of events_reference.py's JSON.
    let results: [String: any Sendable]

    static let shared: ReferenceWorkload? = {
        do { return try load() } catch {
            print("reference workload failed: \(error)")
            return nil
        }
    }()

    /// `shared`, or nil with the reason printed (the test then passes without comparing).
    static func get() throws -> ReferenceWorkload? {
        guard python(["-c", "import duckdb"]) == 0 else {
            print("skipped: pip install duckdb")
            return nil
        }
        guard let w = shared else { throw WorkloadError(description: "the reference workload could not be built (see above)") }
        return w
    }

    struct WorkloadError: Error, CustomStringConvertible { let description: String }

    /// `<repo>/../shared/bench`: the repository root is three levels above this file.
    static let bench = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/bench")

    static func load() throws -> ReferenceWorkload {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("analytics-reference-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let events = dir.appendingPathComponent("events.ndjson.gz").path, ref = dir.appendingPathComponent("ref.json").path
        let users = ProcessInfo.processInfo.environment["ANALYTICS_REFERENCE_USERS"] ?? "2000"
        guard python([bench.appendingPathComponent("gen_events.py").path, events, "--users", users, "--days", "30"]) == 0,
              python([bench.appendingPathComponent("events_reference.py").path, events, "--json", ref]) == 0 else {
            throw WorkloadError(description: "gen_events.py or events_reference.py failed")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: ref))) as? [String: Any]
        guard let results = json?["results"] as? [String: Any] else { throw WorkloadError(description: "no results in \(ref)") }
        let loaded = try GeneratedEvents.load(path: events)
        return ReferenceWorkload(reader: MemoryEventReader(events: loaded), results: results.mapValues { SendableJSON($0) })
    }

    /// Rows of one reference result (`funnel`, `dau`, ...).
    func rows(_ name: String) -> [[Any]] {
        ((results[name] as? SendableJSON)?.value as? [[Any]]) ?? []
    }

    func object(_ name: String) -> [String: Any] {
        ((results[name] as? SendableJSON)?.value as? [String: Any]) ?? [:]
    }

    @discardableResult
    static func python(_ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + arguments
        p.standardOutput = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}

/// A JSONSerialization value (immutable once parsed).
struct SendableJSON: @unchecked Sendable {
    let value: Any
    init(_ value: Any) { self.value = value }
}

extension Array where Element == Any {
    func string(_ i: Int) -> String { self[i] as? String ?? "\(self[i])" }
    func int(_ i: Int) -> Int { (self[i] as? NSNumber)?.intValue ?? -1 }
    func double(_ i: Int) -> Double { (self[i] as? NSNumber)?.doubleValue ?? .nan }
}
