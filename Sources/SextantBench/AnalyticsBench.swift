import Analytics
import ArgumentParser
import EventFixtures
import EventStore
import Foundation

/// Each analysis over the generated usage workload in memory, beside DuckDB's time for the
/// same question (`events_reference.py --json`), so both come from one session on one machine.
struct AnalyticsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Analytics over gen_events.py output, ms per analysis (median of 7) beside DuckDB's.")

    @Argument(help: "Events written by ../shared/bench/gen_events.py (.ndjson.gz).") var events: String
    @Option(help: "JSON written by events_reference.py --json for the same events: its timings are printed beside ours.")
    var reference: String?
    @Option(help: "Only the analyses whose name contains this.") var only: String?
    @Option(help: "Timed runs per analysis (the median is reported).") var runs = 7

    func run() throws {
        let loaded = try GeneratedEvents.load(path: events)
        let reader = MemoryEventReader(events: loaded)
        print("\(loaded.count) events, \(reader.users.count) users")
        var duck: [String: Double] = [:]
        if let reference, let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reference))) as? [String: Any] {
            for (k, v) in json["timings_s"] as? [String: Double] ?? [:] { duck[k] = v * 1000 }
        }
        let funnel = Funnel.Request(steps: ["signup", "onboarding_completed", "workout_completed", "subscription_started"].map { Funnel.Step($0) },
                                    windowSeconds: 7 * 86_400)
        // (name, DuckDB query it answers, run)
        let cases: [(String, String?, () throws -> Any)] = [
            // The fixed cost of reading the person column of MemoryEventBlock (merges resolved per row).
            ("read users column (MemoryEventBlock)", nil, { reader.blocks(from: nil, to: nil).map { $0.users().count } }),
            ("funnel", "funnel", { try Funnel.run(funnel, on: reader) }),
            ("retention (weekly, first event)", "retention", { try Retention.run(Retention.Request(period: .week), on: reader) }),
            ("dau (unique users by day, platform)", "dau", {
                try Trends.run(Trends.Request(math: .uniqueUsers, interval: .day, breakdown: .column(.platform)), on: reader)
            }),
            ("ai (per model version)", "ai", { try AIRecommendations.run(AIRecommendations.Request(), on: reader) }),
            ("revenue (sum of payment by day)", "revenue", { try Trends.run(Trends.Request(action: "payment", math: .sum), on: reader) }),
            ("arpu (business metrics)", "arpu", { try Business.run(Business.Request(), on: reader) }),
            ("trends count by day", nil, { try Trends.run(Trends.Request(), on: reader) }),
            ("trends unique users by hour, properties.screen", nil, {
                try Trends.run(Trends.Request(action: "screen_view", math: .uniqueUsers, interval: .hour, breakdown: .property("screen")), on: reader)
            }),
            ("funnel strict", nil, { try Funnel.run(Funnel.Request(steps: funnel.steps, mode: .strict, windowSeconds: 7 * 86_400), on: reader) }),
            ("funnel any order", nil, { try Funnel.run(Funnel.Request(steps: funnel.steps, mode: .anyOrder, windowSeconds: 7 * 86_400), on: reader) }),
            ("retention daily recurring, on or after", nil, {
                try Retention.run(Retention.Request(period: .day, mode: .recurring, retained: .onOrAfter), on: reader)
            }),
            ("sessions by day", nil, { try Sessions.run(Sessions.Request(), on: reader) }),
            ("stickiness (days active)", nil, { try Stickiness.run(Stickiness.Request(), on: reader) }),
            ("lifecycle weekly", nil, { try Lifecycle.run(Lifecycle.Request(interval: .week), on: reader) }),
            ("paths around workout_started", nil, { try Paths.run(Paths.Request(action: "workout_started"), on: reader) }),
            ("segments (new, returning, power)", nil, { try Segments.run(Segments.Request(), on: reader) }),
            ("cohort (3+ workouts and a subscription)", nil, {
                try Cohorts.run(Cohorts.Request(definition: .and([
                    .performed(.init(action: "workout_completed", minCount: 3)), .performed(.init(action: "subscription_started")),
                ])), on: reader)
            }),
            ("feature usage by properties.screen", nil, {
                try FeatureUsage.run(FeatureUsage.Request(featureField: .property("screen"), action: "screen_view"), on: reader)
            }),
        ]
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func left(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        print(pad("analysis", 48) + left("ours ms", 10) + left("best ms", 10) + left("DuckDB ms", 11) + left("ours/DuckDB", 13))
        for (name, query, body) in cases where only.map({ name.contains($0) }) ?? true {
            let (median, best) = try time(runs: runs) { blackHole(try body()) }
            let theirs = query.flatMap { duck[$0] }
            print(pad(name, 48) + left(String(format: "%.2f", median * 1e3), 10) + left(String(format: "%.2f", best * 1e3), 10)
                  + left(theirs.map { String(format: "%.1f", $0) } ?? "-", 11)
                  + left(theirs.map { String(format: "%.2f", median * 1e3 / $0) } ?? "-", 13))
        }
    }
}
