import Foundation
import Testing
@testable import PromQL
import TSDB

/// A database in a temporary directory with samples at fixed times (1970, as the scripts use).
final class EngineTestDB: Sendable {
    let db: DB
    let dir: String

    init() throws {
        dir = NSTemporaryDirectory() + "engine-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var o = DBOptions()
        o.retention = Int64.max / 4
        db = try DB(directory: dir, options: o)
    }

    deinit {
        try? db.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Appends `values[i]` at `i * interval` ms (nil: no sample).
    func add(_ labels: [String: String], interval: Int64, _ values: [Double?]) throws {
        let refs = try db.seriesRefs(for: [Labels(labels)])
        var samples: [Sample] = []
        for (i, v) in values.enumerated() {
            if let v { samples.append(Sample(t: Int64(i) * interval, v: v)) }
        }
        let rejected = try db.append(refs: refs, owners: [Int32](repeating: 0, count: samples.count), samples: samples)
        #expect(rejected.isEmpty)
    }

    var querier: @Sendable (Int64, Int64) -> Querier {
        let db = self.db
        return { db.querier(mint: $0, maxt: $1) }
    }

    func instant(_ q: String, at t: Int64, engine: Engine = Engine()) throws(PromQLError) -> QueryResult {
        try engine.instantQuery(q, at: t, querier: querier)
    }

    func range(_ q: String, _ start: Int64, _ end: Int64, _ step: Int64, engine: Engine = Engine()) throws(PromQLError) -> QueryResult {
        try engine.rangeQuery(q, start: start, end: end, step: step, querier: querier)
    }
}

private func vector(_ r: QueryResult) -> [String: Double] {
    guard case .vector(let v) = r.value else { return [:] }
    return Dictionary(uniqueKeysWithValues: v.map { ($0.labels.description, $0.v) })
}

private func vectorOrder(_ r: QueryResult) -> [String] {
    guard case .vector(let v) = r.value else { return [] }
    return v.map(\.labels.description)
}

private func errorMessage(_ body: () throws(PromQLError) -> QueryResult) -> PromQLError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

@Suite struct EngineTests {
    static func requests() throws -> EngineTestDB {
        let t = try EngineTestDB()
        // http_requests_total 0, 10, 20, ... every minute for 20 minutes.
        for (job, inst, step) in [("api", "0", 10.0), ("api", "1", 20.0), ("web", "0", 30.0)] {
            try t.add(["__name__": "http_requests_total", "job": job, "instance": inst], interval: 60_000,
                      (0..<21).map { Double($0) * step })
        }
        return t
    }

    @Test func instantSelectorUsesLookbackAndStaleness() throws {
        let t = try EngineTestDB()
        try t.add(["__name__": "m"], interval: 10_000, [0, 1, Double.staleMarker, 2])
        #expect(vector(try t.instant("m", at: 10_000)) == ["m{}": 1])
        #expect(vector(try t.instant("m", at: 20_000)).isEmpty)  // stale marker ends the series
        #expect(vector(try t.instant("m", at: 329_999)) == ["m{}": 2])
        #expect(vector(try t.instant("m", at: 330_000)).isEmpty)  // 5m after the last sample
        var o = EngineOptions()
        o.lookbackDelta = 60_000
        #expect(vector(try t.instant("m", at: 100_000, engine: Engine(options: o))).isEmpty)
    }

    @Test func offsetAndAtModifier() throws {
        let t = try Self.requests()
        let r = vector(try t.instant(#"http_requests_total{instance="0",job="api"} offset 5m"#, at: 600_000))
        #expect(r.values.first == 50)
        let at = vector(try t.instant(#"http_requests_total{instance="0",job="api"} @ 120"#, at: 900_000))
        #expect(at.values.first == 20)
        let s = try t.range(#"http_requests_total{instance="0",job="api"} @ start()"#, 60_000, 180_000, 60_000)
        guard case .matrix(let m) = s.value else { Issue.record("not a matrix"); return }
        #expect(m.first?.samples.map(\.v) == [10, 10, 10])
    }

    @Test func rangeQueryIsSortedAndScalarBecomesSeries() throws {
        let t = try Self.requests()
        let r = try t.range("rate(http_requests_total[5m])", 300_000, 600_000, 60_000)
        guard case .matrix(let m) = r.value else { Issue.record("not a matrix"); return }
        #expect(m.count == 3)
        #expect(m.map(\.labels) == m.map(\.labels).sorted())
        #expect(m.allSatisfy { $0.labels.metricName == nil })  // rate drops the name
        #expect(m[0].samples.count == 6)
        let s = try t.range("time()", 0, 120_000, 60_000)
        guard case .matrix(let sm) = s.value else { Issue.record("not a matrix"); return }
        #expect(sm.count == 1 && sm[0].labels.isEmpty && sm[0].samples.map(\.v) == [0, 60, 120])
        let e = errorMessage { () throws(PromQLError) in try t.range("http_requests_total[5m]", 0, 60_000, 60_000) }
        #expect(e?.message.contains("invalid expression type \"range vector\" for range query") == true)
    }

    @Test func vectorMatching() throws {
        let t = try Self.requests()
        try t.add(["__name__": "weight", "job": "api"], interval: 60_000, [2])
        let r = vector(try t.instant(#"http_requests_total * on(job) group_left weight"#, at: 0 + 60_000))
        #expect(r == [#"{instance="0", job="api"}"#: 20, #"{instance="1", job="api"}"#: 40])
        let many = errorMessage { () throws(PromQLError) in try t.instant("weight * on(job) http_requests_total", at: 60_000) }
        #expect(many?.message.contains("many-to-many matching not allowed") == true)
        let multi = errorMessage { () throws(PromQLError) in try t.instant("http_requests_total * on(job) group_left weight + on(job) http_requests_total", at: 60_000) }
        #expect(multi != nil)
        let one = errorMessage { () throws(PromQLError) in try t.instant("http_requests_total * ignoring(instance) http_requests_total", at: 60_000) }
        #expect(one?.message.contains("found duplicate series") == true)
        let b = vector(try t.instant(#"http_requests_total > bool 15"#, at: 60_000))
        #expect(b == [#"{instance="0", job="api"}"#: 0, #"{instance="1", job="api"}"#: 1, #"{instance="0", job="web"}"#: 1])
        let and = vector(try t.instant(#"http_requests_total and on(job) weight"#, at: 60_000))
        #expect(and.count == 2)
        let unless = vector(try t.instant(#"http_requests_total unless on(job) weight"#, at: 60_000))
        #expect(unless == [#"http_requests_total{instance="0", job="web"}"#: 30])
    }

    @Test func aggregations() throws {
        let t = try Self.requests()
        #expect(vector(try t.instant("sum by (job) (http_requests_total)", at: 60_000)) == [#"{job="api"}"#: 30, #"{job="web"}"#: 30])
        #expect(vector(try t.instant("count without (instance) (http_requests_total)", at: 60_000)) == [#"{job="api"}"#: 2, #"{job="web"}"#: 1])
        #expect(vectorOrder(try t.instant("topk(2, http_requests_total)", at: 60_000)) == [
            #"http_requests_total{instance="0", job="web"}"#, #"http_requests_total{instance="1", job="api"}"#,
        ])
        #expect(vector(try t.instant("quantile(0.5, http_requests_total)", at: 60_000)).values.first == 20)
        #expect(vector(try t.instant(#"count_values("v", http_requests_total)"#, at: 60_000)).count == 3)
        let nan = errorMessage { () throws(PromQLError) in try t.instant("topk(NaN, http_requests_total)", at: 60_000) }
        #expect(nan?.message == "Parameter value is NaN")
    }

    @Test func functionsAndLabels() throws {
        let t = try Self.requests()
        let r = vector(try t.instant(#"label_replace(http_requests_total, "dst", "x-$1", "job", "(.*)")"#, at: 60_000))
        #expect(r[#"http_requests_total{dst="x-api", instance="0", job="api"}"#] == 10)
        #expect(vectorOrder(try t.instant("sort_desc(http_requests_total)", at: 60_000)).first == #"http_requests_total{instance="0", job="web"}"#)
        #expect(vector(try t.instant(#"absent(nope{job="a", x=~"y"})"#, at: 0)) == [#"{job="a"}"#: 1])
        #expect(vector(try t.instant(#"increase(http_requests_total{job="web"}[5m])"#, at: 600_000)).values.first == 150)
        let sub = vector(try t.instant(#"max_over_time(rate(http_requests_total{job="web"}[2m])[10m:1m])"#, at: 600_000))
        #expect(sub.values.first == 0.5)
        let info = try t.instant("rate(weightless[5m])", at: 0)
        #expect(info.annotations.infos.isEmpty)
        try t.add(["__name__": "gauge"], interval: 60_000, [1, 2, 3])
        let i2 = try t.instant("rate(gauge[5m])", at: 120_000)
        #expect(i2.annotations.infos == [#"PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "gauge" (1:6)"#])
    }

    @Test func limitsAndCancellation() async throws {
        let t = try Self.requests()
        var o = EngineOptions()
        o.maxSamples = 10
        let big = errorMessage { () throws(PromQLError) in try t.range("http_requests_total", 0, 1_200_000, 60_000, engine: Engine(options: o)) }
        #expect(big?.kind == .tooManySamples)
        #expect(big?.message == "query processing would load too many samples into memory in query execution")
        var z = EngineOptions()
        z.timeout = .zero
        let timeout = errorMessage { () throws(PromQLError) in try t.instant("http_requests_total", at: 0, engine: Engine(options: z)) }
        #expect(timeout?.kind == .timeout)
        let task = Task { () -> PromQLError? in
            withUnsafeCurrentTask { $0?.cancel() }
            return errorMessage { () throws(PromQLError) in try t.instant("http_requests_total", at: 0) }
        }
        #expect(await task.value?.kind == .canceled)
    }

    /// A range query's value at each step equals the instant query at that step.
    @Test(arguments: [
        "m", "rate(m[3m])", "sum by (k) (m)", "m offset 2m", "avg_over_time(m[5m])", "m > 5", "-m",
        "max_over_time(m[4m:1m])", "topk(2, m)", "m * on(k) group_left count by (k) (m)", "deriv(m[10m])",
        "changes(m[10m])", "quantile_over_time(0.3, m[7m])", "last_over_time(m[5m] @ 300)", "scalar(sum(m))",
    ])
    func rangeMatchesInstant(_ query: String) throws {
        var rng = EngineSplitMix64(seed: 42)
        let t = try EngineTestDB()
        for s in 0..<5 {
            var values: [Double?] = []
            for _ in 0..<40 {
                let r = rng.next() % 10
                values.append(r == 0 ? nil : (r == 1 ? Double.staleMarker : Double(rng.next() % 100) / 4))
            }
            try t.add(["__name__": "m", "k": "\(s % 2)", "s": "\(s)"], interval: 30_000, values)
        }
        let start: Int64 = 60_000, end: Int64 = 1_200_000, step: Int64 = 45_000
        let r = try t.range(query, start, end, step)
        guard case .matrix(let m) = r.value else { Issue.record("not a matrix"); return }
        var ts = start
        while ts <= end {
            let inst = try t.instant(query, at: ts)
            var want: [Labels: Double] = [:]
            switch inst.value {
            case .vector(let v): for e in v { want[e.labels] = e.v }
            case .scalar(_, let v): want[Labels([Label]())] = v
            default: Issue.record("unexpected type")
            }
            var got: [Labels: Double] = [:]
            for s in m { if let p = s.samples.first(where: { $0.t == ts }) { got[s.labels] = p.v } }
            #expect(got.keys.sorted() == want.keys.sorted(), "\(query) at \(ts)")
            for (k, v) in want {
                let g = got[k] ?? .infinity
                #expect(g == v || (g.isNaN && v.isNaN), "\(query) at \(ts) for \(k)")
            }
            ts += step
        }
    }
}

/// Seeded generator for reproducible random data.
struct EngineSplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
