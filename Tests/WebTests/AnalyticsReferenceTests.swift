import Foundation
import Testing

/// The analyses over HTTP on the real server equal `events_reference.py`'s DuckDB answers on
/// the same generated events, posted as a client would and read back after a restart.
///
/// Sextant keeps events whose sender did not allow profiling (`canProfile` false) without
/// their user and session ids, while the reference script keeps them: so the reference runs
/// on a copy of the events with those ids removed, which is what Sextant holds. One
/// definitional difference remains, handled below: DuckDB's `SELECT DISTINCT user_id, variant`
/// counts the missing user as one exposed user per variant; Sextant never counts events
/// without a user as a user.
///
/// 2,000 users by default (about 88k events); `ANALYTICS_REFERENCE_USERS=20000` for the
/// default 886k-event workload.
@Suite(.serialized) struct AnalyticsReferenceTests {
    /// Writes the privacy-applied copy and lists the variants with an exposure that has no user.
    static let privacyScript = """
    import gzip, json, sys
    src, dst, meta = sys.argv[1:4]
    anonymous = set()
    with gzip.open(src, "rt") as f, open(dst, "w") as out:
        for line in f:
            e = json.loads(line)
            flags = e.get("privacyFlags") or {}
            if flags.get("canProfile") is False:
                e.pop("userId", None)
                e.pop("sessionId", None)
                props = e.get("properties") or {}
                if flags.get("canTrack") is not False and e.get("action") == "$experiment_exposure" and props.get("experiment") == "rec_model":
                    anonymous.add(props.get("variant"))
            out.write(json.dumps(e) + "\\n")
    with open(meta, "w") as f:
        json.dump(sorted(anonymous), f)
    """

    @Test func httpAnswersEqualDuckDB() async throws {
        guard AnalyticsE2E.hasPython("duckdb") else {
            print("skipped: pip install duckdb")
            return
        }
        let dir = NSTemporaryDirectory() + "sextant-analytics-ref-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let users = ProcessInfo.processInfo.environment["ANALYTICS_REFERENCE_USERS"] ?? "2000"
        let events = dir + "/events.ndjson.gz", kept = dir + "/kept.ndjson", anonymous = dir + "/anonymous.json", ref = dir + "/ref.json"
        _ = try await runProcess(["python3", AnalyticsE2E.bench.appendingPathComponent("gen_events.py").path, events,
                                  "--users", users, "--days", "30"])
        _ = try await runProcess(["python3", "-c", AnalyticsReferenceTests.privacyScript, events, kept, anonymous])
        _ = try await runProcess(["python3", AnalyticsE2E.bench.appendingPathComponent("events_reference.py").path, kept, "--json", ref])
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: ref))) as? [String: Any]
        let results = try #require(reference?["results"] as? [String: Any], "events_reference.py wrote no results")
        let anonymousVariants = Set(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: anonymous))) as? [String] ?? [])

        let port = ServerProcess.freePort()
        let first = try ServerProcess(data: dir + "/data", port: port)
        try await first.waitReady()
        let lines = try await runProcess(["gzip", "-dc", events]).split(separator: "\n")
        var posted = 0
        for start in stride(from: 0, to: lines.count, by: 1000) {
            let (status, answer) = try await AnalyticsE2E.post(first, events: lines[start..<min(start + 1000, lines.count)], batchID: "ref-\(start)")
            #expect(status == 200 && number(answer["rejected"]) == 0, "\(answer)")
            posted += Int(number(answer["accepted"]) ?? 0)
        }
        #expect(posted == lines.count)
        // Answers from what the store recovers on opening, not only from memory.
        first.stop()
        let server = try ServerProcess(data: dir + "/data", port: port)
        defer { server.stop() }
        try await server.waitReady()

        let funnel = try await AnalyticsE2E.analysis(server, "funnel", """
            {"steps": [{"action": "signup"}, {"action": "onboarding_completed"}, {"action": "workout_completed"},
                       {"action": "subscription_started"}], "window": "7d", "mode": "sequential"}
            """)
        let funnelRow = rows(results["funnel"]).first ?? []
        #expect(objects(funnel["steps"]).map { int($0["users"]) } == funnelRow.map(int))

        let retention = try await AnalyticsE2E.analysis(server, "retention", #"{"period": "week"}"#)
        var ours: [String: Int] = [:]
        for c in objects(retention["cohorts"]) {
            for (n, u) in ((c["users"] as? [Int]) ?? []).enumerated() where u != 0 { ours["\(c["start"] ?? "") \(n)"] = u }
        }
        var theirs: [String: Int] = [:]
        for r in rows(results["retention"]) { theirs["\(r[0]) \(int(r[1]))"] = int(r[2]) }
        #expect(!theirs.isEmpty)
        #expect(ours == theirs)

        let dau = try await AnalyticsE2E.analysis(server, "trends", #"{"measure": "unique_users", "interval": "day", "breakdown": "platform"}"#)
        ours = [:]
        for s in objects(dau["series"]) {
            for p in (s["points"] as? [[Any]]) ?? [] where int(p[1]) != 0 { ours["\(p[0]) \(s["breakdown"] ?? "null")"] = int(p[1]) }
        }
        theirs = [:]
        for r in rows(results["dau"]) where int(r[2]) != 0 { theirs["\(r[0]) \(r[1])"] = int(r[2]) }
        #expect(!theirs.isEmpty)
        #expect(ours == theirs)

        try await compareExperiment(server, rows(results["experiment"]), anonymousVariants)
        try await compareAI(server, rows(results["ai"]))
        try await compareRevenue(server, rows(results["revenue"]), rows(results["arpu"]).first ?? [])
    }

    /// Exposed counts less the missing user DuckDB counts in each variant that has an
    /// exposure without a user; z and p recomputed from those counts by events_reference.py's
    /// pooled formula.
    func compareExperiment(_ server: ServerProcess, _ reference: [[Any]], _ anonymousVariants: Set<String>) async throws {
        let answer = try await AnalyticsE2E.analysis(server, "experiment", #"{"experiment": "rec_model", "conversion": {"action": "recommendation_accepted"}}"#)
        let variants = objects(answer["variants"])
        #expect(variants.map { $0["variant"] as? String } == reference.map { $0[0] as? String })
        let expectedExposed = reference.map { int($0[1]) - (anonymousVariants.contains($0[0] as? String ?? "") ? 1 : 0) }
        #expect(variants.map { int($0["exposed"]) } == expectedExposed)
        #expect(variants.map { int($0["converted"]) } == reference.map { int($0[2]) })
        guard expectedExposed.count == 2 else {
            Issue.record("expected two variants, got \(reference)")
            return
        }
        let (x1, n1, x2, n2) = (Double(int(reference[0][2])), Double(expectedExposed[0]), Double(int(reference[1][2])), Double(expectedExposed[1]))
        let p = (x1 + x2) / (n1 + n2)
        let z = (x2 / n2 - x1 / n1) / (p * (1 - p) * (1 / n1 + 1 / n2)).squareRoot()
        let zTest = answer["zTest"] as? [String: Any] ?? [:]
        #expect(abs((number(zTest["z"]) ?? .nan) - z) < 1e-9)
        #expect(abs((number(zTest["pValue"]) ?? .nan) - erfc(abs(z) / 2.0.squareRoot())) < 1e-9)
    }

    func compareAI(_ server: ServerProcess, _ reference: [[Any]]) async throws {
        let models = objects(try await AnalyticsE2E.analysis(server, "ai", "{}")["models"])
        #expect(models.count == reference.count)
        for (m, r) in zip(models, reference) {
            #expect("\(m["modelVersion"] ?? "")" == "\(r[0])")
            #expect(["shown", "accepted", "modified", "rejected"].map { int(m[$0]) } == (1...4).map { int(r[$0]) })
            #expect(abs((number(m["satisfaction"]) ?? .nan) - (number(r[5]) ?? .nan)) < 1e-9)
            #expect(number(m["acceptanceRate"]) == Double(int(r[2])) / Double(int(r[1])))
        }
    }

    /// To the cent, as the reference rounds.
    func compareRevenue(_ server: ServerProcess, _ reference: [[Any]], _ arpu: [Any]) async throws {
        let answer = try await AnalyticsE2E.analysis(server, "revenue", #"{"interval": "day"}"#)
        let cents = { (x: Double) in (x * 100).rounded() / 100 }
        var ours: [String: Double] = [:]
        for p in (answer["points"] as? [[Any]]) ?? [] where number(p[1]) != 0 { ours["\(p[0])"] = cents(number(p[1]) ?? .nan) }
        var theirs: [String: Double] = [:]
        for r in reference { theirs["\(r[0])"] = number(r[1]) }
        #expect(!theirs.isEmpty)
        #expect(ours == theirs)
        #expect(cents(number(answer["total"]) ?? .nan) == number(arpu.first))
        #expect(int(answer["activeUsers"]) == int(arpu.last))
        #expect(cents(number(answer["arpu"]) ?? .nan) == cents((number(arpu.first) ?? .nan) / Double(int(arpu.last))))
    }

    func rows(_ value: Any?) -> [[Any]] { value as? [[Any]] ?? [] }
    func int(_ value: Any?) -> Int { (value as? NSNumber)?.intValue ?? -1 }
}
