import Analytics
import ArgumentParser
import EventFixtures
import EventStore
import Foundation

/// Each analysis over the generated usage workload, in memory (`MemoryEventReader`) and, with
/// `--store`, from the persistent `EventStore`, beside DuckDB's time for the same question
/// (`events_reference.py --json`), so all come from one session on one machine.
struct AnalyticsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Analytics over gen_events.py output, ms per analysis (median of 7) beside DuckDB's.")

    @Argument(help: "Events written by ../shared/bench/gen_events.py (.ndjson.gz or .ndjson).") var events: String
    @Option(help: "JSON written by events_reference.py --json for the same events: its timings are printed beside ours.")
    var reference: String?
    @Option(help: "Only the analyses whose name contains this.") var only: String?
    @Option(help: "Timed runs per analysis (the median is reported).") var runs = 7
    @Flag(help: "Also time every analysis on a persistent EventStore holding the same events (built in a temporary directory).")
    var store = false

    func run() throws {
        let loaded = try GeneratedEvents.load(path: events)
        let memory = MemoryEventReader(events: loaded)
        print("\(loaded.count) events, \(memory.users.count) users")
        var duck: [String: Double] = [:]
        if let reference, let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reference))) as? [String: Any] {
            for (k, v) in json["timings_s"] as? [String: Double] ?? [:] { duck[k] = v * 1000 }
        }
        var persistent: EventStore?
        let dir = NSTemporaryDirectory() + "sextant-analyticsbench-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        if store {
            var options = EventStoreOptions()
            let now = (loaded.map(\.timestamp).max() ?? 0) + 3_600_000  // inside the workload, so nothing expires
            options.now = { now }
            options.flushEvents = .max
            let s = try EventStore(directory: dir, options: options)
            for i in stride(from: 0, to: loaded.count, by: 1000) {
                _ = try s.append(Array(loaded[i..<min(i + 1000, loaded.count)]), batchID: nil)
            }
            try s.flush()
            persistent = s
        }

        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func left(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        func ms(_ t: Double?) -> String { t.map { String(format: "%.2f", $0 * 1e3) } ?? "-" }
        print(pad("analysis", 48) + left("memory ms", 11) + left("best", 9) + (store ? left("store ms", 10) : "")
              + left("DuckDB ms", 11) + left("memory/DuckDB", 15))
        for (name, query, body) in Self.cases where only.map({ name.contains($0) }) ?? true {
            let (median, best) = try time(runs: runs) { blackHole(try body(memory)) }
            let onStore = try persistent.map { s in try time(runs: runs) { blackHole(try body(s)) }.median }
            let theirs = query.flatMap { duck[$0] }
            print(pad(name, 48) + left(ms(median), 11) + left(ms(best), 9) + (store ? left(ms(onStore), 10) : "")
                  + left(theirs.map { String(format: "%.1f", $0) } ?? "-", 11)
                  + left(theirs.map { String(format: "%.2f", median * 1e3 / $0) } ?? "-", 15))
        }
        try persistent?.close()
    }

    static let funnel = Funnel.Request(steps: ["signup", "onboarding_completed", "workout_completed", "subscription_started"].map { Funnel.Step($0) },
                                       windowSeconds: 7 * 86_400)

    /// (name, the events_reference.py query it answers, the analysis)
    static let cases: [(String, String?, @Sendable (any EventReader) throws -> Any)] = [
        // The fixed cost of reading the person column of every block.
        ("read users column", nil, { r in r.blocks(from: nil, to: nil).map { $0.users().count } }),
        ("funnel", "funnel", { r in try Funnel.run(funnel, on: r) }),
        ("retention (weekly, first event)", "retention", { r in try Retention.run(Retention.Request(period: .week), on: r) }),
        ("dau (unique users by day, platform)", "dau", { r in
            try Trends.run(Trends.Request(math: .uniqueUsers, interval: .day, breakdown: .column(.platform)), on: r)
        }),
        ("experiment (counts, z-test, Bayesian)", "experiment", { r in
            try Experiment.run(Experiment.Request(experiment: "rec_model", conversionEvent: "recommendation_accepted"), on: r)
        }),
        ("ai (per model version)", "ai", { r in try AIRecommendations.run(AIRecommendations.Request(), on: r) }),
        ("revenue (sum of payment by day)", "revenue", { r in try Trends.run(Trends.Request(action: "payment", math: .sum), on: r) }),
        ("arpu (business metrics)", "arpu", { r in try Business.run(Business.Request(), on: r) }),
        ("trends count by day", nil, { r in try Trends.run(Trends.Request(), on: r) }),
        ("trends unique users by hour, properties.screen", nil, { r in
            try Trends.run(Trends.Request(action: "screen_view", math: .uniqueUsers, interval: .hour, breakdown: .property("screen")), on: r)
        }),
        ("funnel strict", nil, { r in try Funnel.run(Funnel.Request(steps: funnel.steps, mode: .strict, windowSeconds: 7 * 86_400), on: r) }),
        ("funnel any order", nil, { r in try Funnel.run(Funnel.Request(steps: funnel.steps, mode: .anyOrder, windowSeconds: 7 * 86_400), on: r) }),
        ("retention daily recurring, on or after", nil, { r in
            try Retention.run(Retention.Request(period: .day, mode: .recurring, retained: .onOrAfter), on: r)
        }),
        ("sessions by day", nil, { r in try Sessions.run(Sessions.Request(), on: r) }),
        ("stickiness (days active)", nil, { r in try Stickiness.run(Stickiness.Request(), on: r) }),
        ("lifecycle weekly", nil, { r in try Lifecycle.run(Lifecycle.Request(interval: .week), on: r) }),
        ("paths around workout_started", nil, { r in try Paths.run(Paths.Request(action: "workout_started"), on: r) }),
        ("segments (new, returning, power)", nil, { r in try Segments.run(Segments.Request(), on: r) }),
        ("cohort (3+ workouts and a subscription)", nil, { r in
            try Cohorts.run(Cohorts.Request(definition: .and([
                .performed(.init(action: "workout_completed", minCount: 3)), .performed(.init(action: "subscription_started")),
            ])), on: r)
        }),
        ("feature usage by properties.screen", nil, { r in
            try FeatureUsage.run(FeatureUsage.Request(featureField: .property("screen"), action: "screen_view"), on: r)
        }),
    ]
}
