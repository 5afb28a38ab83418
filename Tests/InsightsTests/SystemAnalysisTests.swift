@testable import Insights
import PromQL
import Testing
import TSDB

/// Bottlenecks, suggestions and health over one snapshot of a small system: an API with a
/// slow search, a fast home page and a report endpoint; a CPU-bound web host and a database
/// host short of memory and disk, with its database exporter down.
@Suite struct SystemAnalysisTests {
    static let time = monday + hour
    static let q = SystemQueries(windowMillis: 5 * minute)

    func fake() -> FakeQuery {
        let f = FakeQuery()
        func put(_ query: String, _ rows: [([String: String], Double)]) {
            f.series[query] = rows.map { series($0.0, start: Self.time, step: minute, [$0.1]) }
        }
        let search = ["job": "api", "handler": "/search"], home = ["job": "api", "handler": "/"]
        let report = ["job": "api", "handler": "/db/report"]
        put(Self.q.endpointTime, [(search, 3), (home, 0.5), (report, 1.5)])
        put(Self.q.endpointCount, [(search, 10), (home, 50), (report, 1)])
        put(Self.q.endpointQuantile(0.5), [(search, 0.1), (home, 0.008), (report, 1.2)])
        put(Self.q.endpointQuantile(0.99), [(search, 2), (home, 0.02), (report, 1.5)])
        put(Self.q.endpointRequests, [(search, 10), (home, 50), (report, 1)])
        put(Self.q.endpointErrors, [(search, 1)])
        put(Self.q.endpointBuckets, [(search, 12), (home, 12), (report, 3)])
        put(Self.q.instanceRequests, [(["instance": "web-1:8080"], 61)])
        put(Self.q.instanceErrors, [(["instance": "web-1:8080"], 1)])
        put(Self.q.instanceP99, [(["instance": "web-1:8080"], 1.9)])
        put(Self.q.cpu, [(["instance": "web-1:9100"], 0.97), (["instance": "db-1:9100"], 0.2)])
        put(Self.q.memory, [(["instance": "web-1:9100", "job": "node"], 0.5), (["instance": "db-1:9100", "job": "node"], 0.93)])
        put(Self.q.disk, [(["instance": "web-1:9100", "mountpoint": "/"], 0.6), (["instance": "db-1:9100", "mountpoint": "/"], 0.4),
                          (["instance": "db-1:9100", "mountpoint": "/var"], 0.96)])
        put(Self.q.diskIO, [(["instance": "db-1:9100", "device": "sda"], 0.85)])
        put(Self.q.up, [(["instance": "web-1:8080", "job": "api"], 1), (["instance": "web-1:9100", "job": "node"], 1),
                        (["instance": "db-1:9100", "job": "node"], 1), (["instance": "db-1:9187", "job": "postgres"], 0)])
        return f
    }

    func snapshot() throws -> SystemSnapshot {
        try SystemSnapshot.collect(query: fake().function, at: Self.time, window: 5 * minute)
    }

    @Test func everyQueryIsValidPromQL() throws {
        for text in Self.q.all { _ = try PromQLParser.parse(text) }
        #expect(SystemQueries.duration(90_000) == "90s" && SystemQueries.duration(7_200_000) == "2h" && SystemQueries.duration(1500) == "1500ms")
    }

    @Test func snapshotJoinsInstancesByHost() throws {
        let s = try snapshot()
        #expect(s.hosts.map(\.host) == ["db-1", "web-1"])
        let db = s.hosts[0]
        #expect(db.instances == ["db-1:9100", "db-1:9187"])
        #expect(db.disk?.value == 0.96)
        #expect(db.disk?.evidence.labels["mountpoint"] == "/var")
        #expect(db.down.map { $0.labels["job"] } == ["postgres"])
        #expect(s.hosts[1].errorRatio.map { abs($0 - 1.0 / 61) < 1e-12 } == true)
        #expect(SystemSnapshot.hostName("[::1]:9100") == "[::1]" && SystemSnapshot.hostName("::1") == "::1"
            && SystemSnapshot.hostName("web") == "web")
    }

    @Test func bottlenecksRankByShareAndSeverity() throws {
        let report = try Bottlenecks.analyse(snapshot(), slo: 0.5)
        #expect(report.endpoints.map(\.stats.name) == ["/search", "/db/report", "/"])
        #expect(report.endpoints[0].latencyShare == 0.6)
        #expect(report.endpoints[0].errorShare == 1)
        #expect(report.hosts.map(\.stats.host) == ["web-1", "db-1"])
        let critical = report.findings.filter { $0.severity == .critical }
        // /search answers 10% 5xx (all the errors), its p99 2 s is 4x the SLO; web-1's CPU 97%; db-1's /var 96%.
        #expect(critical.map(\.subject) == ["/search", "/search", "web-1", "db-1"])
        #expect(critical.map(\.kind) == [.errors, .latency, .saturation, .saturation])
        #expect(critical[1].rule == "p99 2s / SLO 0.5s = 4; latency / SLO 4 >= 4: critical")
        #expect(critical[1].evidence[0].query == Self.q.endpointQuantile(0.99))
        let errors = try #require(report.findings.first { $0.kind == .errors })
        #expect(errors.subject == "/search" && errors.severity == .critical && errors.value == 0.1)
        #expect(errors.rule == "5xx ratio 0.1 >= 0.1: critical")
        let io = try #require(report.findings.first { $0.resource == "disk_io" })
        #expect(io.severity == .high)
        #expect(report.findings.last?.severity == .low)
        #expect(throws: InsightsError.self) { try Bottlenecks.analyse(snapshot(), slo: 0) }
    }

    @Test func suggestionsCoverTheRules() throws {
        let list = try Suggestions.suggest(snapshot(), slo: 0.5,
                                           facts: ServerFacts(retention: 15 * day, dataDirectory: "/data", dataDiskUsed: 0.9))
        let rules = Set(list.map(\.rule))
        #expect(rules == ["tail-ratio", "database-handler", "histogram-buckets", "memory-used", "cpu-busy", "disk-full",
                          "disk-busy", "target-down", "sextant-disk"])
        #expect(zip(list, list.dropFirst()).allSatisfy { $0.priority >= $1.priority })
        let caching = try #require(list.first { $0.category == .caching })
        #expect(caching.subject == "/search")
        #expect(caching.impact == 5 && caching.effort == 2)
        #expect(caching.detail.hasPrefix("p99 2s is 20x p50 0.1s"))
        let down = try #require(list.first { $0.rule == "target-down" })
        #expect(down.title == "1 target(s) of job postgres are down")
        #expect(down.evidence.map { $0.labels["instance"] } == ["db-1:9187"])
        let own = try #require(list.first { $0.rule == "sextant-disk" })
        #expect(own.detail.contains("--retention 15d"))
        #expect(Set(list.map(\.category)).isSuperset(of: [.database, .caching, .memory, .cpu, .io, .configuration]))
    }

    @Test func slowEndpointsOnIdleHostsPointAtTheDatabase() throws {
        let f = fake()
        f.series[Self.q.cpu] = [series(["instance": "web-1:9100"], start: Self.time, step: minute, [0.2])]
        let s = try SystemSnapshot.collect(query: f.function, at: Self.time, window: 5 * minute)
        let list = try Suggestions.suggest(s, slo: 0.5)
        let search = try #require(list.first { $0.category == .database && $0.subject == "/search" })
        #expect(search.rule == "slow-and-idle")
        #expect(search.detail.contains("CPU on its hosts is at most 20%"))
    }

    @Test func anEmptySystemAsksForInstrumentation() throws {
        let s = try SystemSnapshot.collect(query: FakeQuery().function, at: Self.time, window: 5 * minute)
        #expect(try Suggestions.suggest(s, slo: 0.5).map(\.rule) == ["no-host-metrics", "no-request-metrics"])
        #expect(try HealthScore.score(s, slo: 0.5).overall == nil)
        #expect(try Bottlenecks.analyse(s, slo: 0.5).findings.isEmpty)
    }

    @Test func healthFollowsTheFormula() throws {
        let report = try HealthScore.score(snapshot(), slo: 0.5)
        #expect(report.hosts.map(\.host) == ["db-1", "web-1"])
        let db = report.hosts[0], web = report.hosts[1]
        // db-1: half its targets down (20), memory 0.93 (10 · 0.13/0.15), /var 0.96 (10).
        #expect(abs(db.score - (100 - 20 - 10 * 0.13 / 0.15 - 10)) < 1e-9)
        // web-1: 5xx 1/61 (20 · ratio/0.05), p99 3.8x the SLO (10), CPU 0.97 (10).
        #expect(abs(web.score - (100 - 20 * (1.0 / 61) / 0.05 - 10 - 10)) < 1e-9)
        #expect(abs((report.overall ?? 0) - (db.score + web.score) / 2) < 1e-9)
        #expect(db.components.map(\.name) == ["up", "errors", "latency", "cpu", "memory", "disk"])
        #expect(db.components[1].value == nil && db.components[1].penalty == 0)
        #expect(db.components.reduce(0) { $0 + $1.weight } == 100)
    }

    @Test func tooManySeriesInASnapshotIsSaidSo() throws {
        let e = #expect(throws: InsightsError.self) { try SystemSnapshot.collect(query: fake().function, at: Self.time, window: 5 * minute, maxSeries: 2) }
        #expect(e?.code == .tooLarge)
        #expect(e?.message.contains("returned 3 series; at most 2 are analysed") == true)
    }
}
