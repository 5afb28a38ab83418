@testable import Ingest
import Testing
import TSDB

@Suite struct OTLPTranslatorTests {
    let t1 = otlpT0 + 10_000_000_000

    @Test func gaugesAndSumsGetPrometheusNamesAndLabels() throws {
        let r = try translate(resource([("service.name", .string("checkout")), ("service.namespace", .string("shop")),
                                        ("service.instance.id", .string("i-1"))], [
            E.Metric("process.memory.usage", unit: "By", .gauge([E.NumberPoint([("state", .string("used"))], time: t1, value: .int(512))])),
            E.Metric("http.requests", unit: "{request}", .sum([E.NumberPoint([("http.method", .string("GET"))], start: otlpT0, time: t1, value: .double(7))],
                                                              temporality: 2, monotonic: true)),
            E.Metric("queue.size", .sum([E.NumberPoint(time: t1, value: .int(-3))], temporality: 2, monotonic: false)),
        ]))
        #expect(r.value(#"process_memory_usage_bytes{instance="i-1", job="shop/checkout", state="used"}"#) == 512)
        #expect(r.value(#"http_requests_total{http_method="GET", instance="i-1", job="shop/checkout"}"#) == 7)
        #expect(r.value(#"queue_size{instance="i-1", job="shop/checkout"}"#) == -3)
        #expect(r.series.values.allSatisfy { $0.first?.t == otlpNow + 10_000 })
        #expect(r.translation.refusedPoints == 0)
        #expect(r.series.keys.allSatisfy { !$0.hasPrefix("target_info") }, "only identifying resource attributes: no target_info")
    }

    @Test func otherResourceAttributesGoToTargetInfo() throws {
        let r = try translate(resource([("service.name", .string("api")), ("host.name", .string("web-1")), ("cloud.region", .string("eu"))], [
            E.Metric("up", .gauge([E.NumberPoint(time: otlpT0, value: .int(1)), E.NumberPoint([("x", .string("y"))], time: otlpT0 + 400_000_000_000, value: .int(1))])),
        ]))
        let info = r.series[#"target_info{cloud_region="eu", host_name="web-1", job="api"}"#] ?? []
        // Every 2.5 minutes from the earliest to the latest point, and at the latest.
        #expect(info.map(\.t) == [otlpNow, otlpNow + 150_000, otlpNow + 300_000, otlpNow + 400_000])
        #expect(info.allSatisfy { $0.v == 1 })
        #expect(r.value(#"up{job="api"}"#) == 1, "resource attributes stay off the metric's own series")
        #expect(r.translation.entryPoints.filter { $0 < 0 }.count == 4)
    }

    @Test func promotedResourceAttributesAndScopeLabels() throws {
        var options = OTLPTranslationOptions()
        options.promotedResourceAttributes = ["deployment.environment", "absent"]
        let resources = [E.Resource([("service.name", .string("api")), ("deployment.environment", .string("prod"))], scopes: [
            E.Scope(name: "io.sextant.shop", version: "1.2", attributes: [("team", .string("core"))], metrics: [
                E.Metric("a", .gauge([E.NumberPoint(time: otlpT0, value: .int(1))])),
                E.Metric("b", .gauge([E.NumberPoint([("deployment.environment", .string("own"))], time: otlpT0, value: .int(2))])),
            ]),
        ])]
        let r = try translate(resources, options: options)
        #expect(r.value(#"a{deployment_environment="prod", job="api", otel_scope_name="io.sextant.shop", otel_scope_team="core", otel_scope_version="1.2"}"#) == 1)
        #expect(r.value(#"b{deployment_environment="own", job="api", otel_scope_name="io.sextant.shop", otel_scope_team="core", otel_scope_version="1.2"}"#) == 2)
        options.scopeLabels = false
        #expect(try translate(resources, options: options).value(#"a{deployment_environment="prod", job="api"}"#) == 1)
    }

    @Test func attributeValuesAndCollisions() throws {
        let r = try translate(resource([], [E.Metric("m", .gauge([E.NumberPoint([
            ("a_b", .string("second")), ("a.b", .string("first")),
            ("n", .int(-42)), ("f", .double(0.25)), ("big", .double(1e21)), ("t", .bool(true)),
            ("raw", .bytes([0xde, 0xad])), ("list", .array([.string("x"), .int(1)])),
            ("obj", .map([("k", .bool(false))])), ("empty", .string("")), ("__name__", .string("ignored")),
            ("1st", .string("digit")),
        ], time: otlpT0, value: .double(1))]))]))
        let labels = try #require(r.translation.batch.entries.first?.labels)
        let dict = Labels(labels).dictionary
        #expect(dict["a_b"] == "first;second", "collisions join values in the order of the original names")
        #expect(dict["n"] == "-42")
        #expect(dict["f"] == "0.25")
        #expect(dict["big"] == "1e+21")
        #expect(dict["t"] == "true")
        #expect(dict["raw"] == "3q0=")
        #expect(dict["list"] == #"["x",1]"#)
        #expect(dict["obj"] == #"{"k":false}"#)
        #expect(dict["empty"] == nil)
        #expect(dict["key_1st"] == "digit")
        #expect(dict["__name__"] == "m")
    }

    @Test func histogramsBecomeClassicBuckets() throws {
        let r = try translate(resource([], [E.Metric("http.server.duration", unit: "s", .histogram([
            E.HistogramPoint([("route", .string("/a"))], start: otlpT0, time: t1, count: 10, sum: 2.5,
                             bucketCounts: [1, 2, 3, 4], bounds: [0.005, 0.1, 1]),
        ], temporality: 2))]))
        let base = "http_server_duration_seconds"
        #expect(r.value(#"\#(base)_bucket{le="0.005", route="/a"}"#) == 1)
        #expect(r.value(#"\#(base)_bucket{le="0.1", route="/a"}"#) == 3)
        #expect(r.value(#"\#(base)_bucket{le="1", route="/a"}"#) == 6)
        #expect(r.value(#"\#(base)_bucket{le="+Inf", route="/a"}"#) == 10)
        #expect(r.value(#"\#(base)_sum{route="/a"}"#) == 2.5)
        #expect(r.value(#"\#(base)_count{route="/a"}"#) == 10)
        #expect(r.series.count == 6)
        #expect(Set(r.translation.entryPoints) == [0])
    }

    @Test func histogramWithoutSumHasNoSumSeries() throws {
        let r = try translate(resource([], [E.Metric("h", .histogram([
            E.HistogramPoint(time: t1, count: 2, sum: nil, bucketCounts: [2], bounds: []),
        ], temporality: 2))]))
        #expect(r.series.keys.sorted() == [#"h_bucket{le="+Inf"}"#, "h_count{}"])
    }

    @Test func summariesBecomeQuantiles() throws {
        let r = try translate(resource([], [E.Metric("rpc.latency", unit: "ms", .summary([
            E.SummaryPoint(time: t1, count: 4, sum: 100, quantiles: [(0.5, 20), (0.99, 70)]),
        ]))]))
        #expect(r.value(#"rpc_latency_milliseconds{quantile="0.5"}"#) == 20)
        #expect(r.value(#"rpc_latency_milliseconds{quantile="0.99"}"#) == 70)
        #expect(r.value("rpc_latency_milliseconds_sum{}") == 100)
        #expect(r.value("rpc_latency_milliseconds_count{}") == 4)
    }

    @Test func exponentialHistogramsAndBadTemporalityAreRefusedWithReasons() throws {
        let r = try translate(resource([], [
            E.Metric("latency", .exponentialHistogram(times: [t1, t1])),
            E.Metric("odd", .sum([E.NumberPoint(time: t1, value: .int(1))], temporality: 0, monotonic: true)),
            E.Metric("ok", .gauge([E.NumberPoint(time: t1, value: .int(1))])),
        ]))
        #expect(r.translation.refusedPoints == 3)
        #expect(r.translation.pointCount == 4)
        #expect(r.translation.problems.contains { $0.contains("\"latency\"") && $0.contains("exponential histograms are not supported") && $0.contains("(2 data points)") })
        #expect(r.translation.problems.contains { $0.contains("\"odd\"") && $0.contains("temporality 0") })
        #expect(r.value("ok{}") == 1)
    }

    @Test func badAttributeNameRefusesOnlyThatPoint() throws {
        let r = try translate(resource([], [E.Metric("m", .gauge([
            E.NumberPoint([("", .string("x"))], time: t1, value: .int(1)),
            E.NumberPoint([("ok", .string("x"))], time: t1, value: .int(2)),
        ]))]))
        #expect(r.translation.refusedPoints == 1)
        #expect(r.translation.problems.first?.contains("cannot be a label name") == true)
        #expect(r.value(#"m{ok="x"}"#) == 2)
    }

    @Test func noRecordedValueIsAStalenessMarker() throws {
        let r = try translate(resource([], [
            E.Metric("g", .gauge([E.NumberPoint(time: t1, value: .int(5), flags: 1)])),
            E.Metric("h", .histogram([E.HistogramPoint(time: t1, count: 0, sum: 0, bucketCounts: [0, 0], bounds: [1], flags: 1)], temporality: 2)),
        ]))
        #expect(r.series["g{}"]?.first?.v.isStaleMarker == true)
        #expect(r.series.count == 5)
        #expect(r.series.values.allSatisfy { $0.allSatisfy { $0.v.isStaleMarker } })
    }

    @Test func missingTimestampMeansNow() throws {
        let r = try translate(resource([], [E.Metric("g", .gauge([E.NumberPoint(time: 0, value: .int(5))]))]))
        #expect(r.series["g{}"]?.first?.t == otlpNow)
    }

    @Test func deltaSumsAccumulateAcrossRequests() throws {
        let state = OTLPDeltaState()
        func send(_ start: UInt64, _ end: UInt64, _ v: Int64, attrs: E.Attributes = []) throws -> Translated {
            try translate(resource([E.Metric("jobs.done", .sum([E.NumberPoint(attrs, start: start, time: end, value: .int(v))],
                                                                temporality: 1, monotonic: true))]), state: state)
        }
        let s = 1_000_000_000 as UInt64
        #expect(try send(otlpT0, otlpT0 + 10 * s, 3).value(#"jobs_done_total{job="shop"}"#) == 3)
        #expect(try send(otlpT0 + 10 * s, otlpT0 + 20 * s, 4).value(#"jobs_done_total{job="shop"}"#) == 7)
        // A gap (20 s -> 30 s never arrived) keeps the total; a repeated delta is refused.
        #expect(try send(otlpT0 + 30 * s, otlpT0 + 40 * s, 1).value(#"jobs_done_total{job="shop"}"#) == 8)
        let repeated = try send(otlpT0 + 30 * s, otlpT0 + 40 * s, 1)
        #expect(repeated.series.isEmpty)
        #expect(repeated.translation.refusedPoints == 1)
        #expect(repeated.translation.problems.first?.contains("out of order") == true)
        // From an older run (start before the series' first start).
        #expect(try send(otlpT0 - 10 * s, otlpT0 + 50 * s, 1).translation.refusedPoints == 1)
        // Another attribute set is another series.
        #expect(try send(otlpT0, otlpT0 + 10 * s, 5, attrs: [("k", .string("v"))]).value(#"jobs_done_total{job="shop", k="v"}"#) == 5)
        #expect(state.streamCount == 2)
    }

    @Test func deltaHistogramsAccumulateAndResetOnNewBounds() throws {
        let state = OTLPDeltaState()
        let s = 1_000_000_000 as UInt64
        func send(_ end: UInt64, _ counts: [UInt64], bounds: [Double]) throws -> Translated {
            try translate(resource([], [E.Metric("d", unit: "s", .histogram([
                E.HistogramPoint(start: end - 10 * s, time: end, count: counts.reduce(0, +), sum: 1, bucketCounts: counts, bounds: bounds),
            ], temporality: 1))]), state: state)
        }
        _ = try send(otlpT0 + 10 * s, [1, 2], bounds: [1])
        let second = try send(otlpT0 + 20 * s, [3, 4], bounds: [1])
        #expect(second.value(#"d_seconds_bucket{le="1"}"#) == 4)
        #expect(second.value(#"d_seconds_bucket{le="+Inf"}"#) == 10)
        #expect(second.value("d_seconds_sum{}") == 2)
        let rebounded = try send(otlpT0 + 30 * s, [5, 0, 1], bounds: [0.5, 2])
        #expect(rebounded.value(#"d_seconds_bucket{le="0.5"}"#) == 5)
        #expect(rebounded.value("d_seconds_count{}") == 6)
    }

    @Test func deltaStateForgetsIdleSeriesAndHonoursItsLimit() throws {
        let state = OTLPDeltaState(maxStreams: 1, maxIdle: 60_000)
        let s = 1_000_000_000 as UInt64
        var u = [OTLPDeltaState.Update(key: [Label("__name__", "a")], start: 0, time: s, stale: false, value: .sum(1)),
                 OTLPDeltaState.Update(key: [Label("__name__", "b")], start: 0, time: s, stale: false, value: .sum(1))]
        state.apply(&u, now: 0)
        #expect((try? u[0].result.get()) != nil)
        #expect("\(u[1].result)".contains("more than 1 delta series"))
        var later = [OTLPDeltaState.Update(key: [Label("__name__", "a")], start: 0, time: 2 * s, stale: false, value: .sum(1))]
        state.apply(&later, now: 120_000)
        if case .success(.sum(let v)) = later[0].result { #expect(v == 1, "an idle series starts over") } else { Issue.record("refused") }
    }
}
