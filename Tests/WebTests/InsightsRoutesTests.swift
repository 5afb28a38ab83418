import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Web

/// Regression, anomaly and capacity analyses end to end: series stored through remote-write,
/// read back through the engine by `/api/v1/insights/…`, with known injected changes.
@Suite struct InsightsRoutesTests {
    static let step: Int64 = 15_000
    /// /search's latency moves from 100 ms to 120 ms (2 sd) at this sample; / stays at 50 ms.
    static let shiftIndex = 60

    static func latencies() -> [StoredSeries] {
        var noise = TestNoise(seed: 7)
        let search = (0..<120).map { i in
            (t0 + Int64(i) * step, noise.gaussian(mean: i < shiftIndex ? 0.100 : 0.120, sd: 0.010))
        }
        let home = (0..<120).map { i in (t0 + Int64(i) * step, noise.gaussian(mean: 0.050, sd: 0.005)) }
        return [(["__name__": "bench_latency_seconds", "job": "api", "handler": "/search"], search),
                (["__name__": "bench_latency_seconds", "job": "api", "handler": "/"], home)]
    }

    static var regressionWindows: [(String, String)] {
        [("baselineStart", seconds(t0)), ("baselineEnd", seconds(t0 + Int64(shiftIndex - 1) * step)),
         ("currentStart", seconds(t0 + Int64(shiftIndex) * step)), ("currentEnd", seconds(t0 + 119 * step)), ("step", "15s")]
    }

    @Test func regressionFindsTheInjectedShift() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await store(client, Self.latencies())
            // As Grafana and scripts send long queries: a form-encoded POST.
            let form = formEncode([("query", "bench_latency_seconds")] + Self.regressionWindows)
            let (status, doc) = try await client.execute(
                uri: "/api/v1/insights/regression", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form)) { r in
                (r.status, try json(r.body))
            }
            #expect(status == .ok)
            let series = data(doc)["series"] as? [[String: Any]] ?? []
            #expect(series.count == 2)
            // Regressions come first.
            let search = series.first ?? [:]
            #expect((search["metric"] as? [String: String])?["handler"] == "/search")
            #expect(search["verdict"] as? String == "regressed")
            #expect((search["reason"] as? String)?.hasPrefix("regressed: Mann-Whitney p = ") == true)
            let change = search["changePercent"] as? Double ?? 0
            #expect(change > 14 && change < 26, "change \(change)%")
            #expect((search["cohensD"] as? Double ?? 0) > 1.2)
            let welch = search["welch"] as? [String: Any] ?? [:]
            #expect((welch["p"] as? Double ?? 1) < 1e-10)
            #expect((welch["t"] as? Double ?? 0) < 0, "baseline minus current, as scipy signs it")
            let mw = search["mannWhitney"] as? [String: Any] ?? [:]
            #expect((mw["u"] as? Double ?? 3600) < 600, "U of the baseline sample, mostly below the current")
            #expect((search["baseline"] as? [String: Any])?["count"] as? Int == Self.shiftIndex)
            let p99 = (search["current"] as? [String: Any])?["p99"] as? Double ?? 0
            #expect(p99 > 0.12 && p99 < 0.16)
            // The change point is where the shift was injected, to a step or two.
            let point = search["changePoint"] as? [String: Any] ?? [:]
            let at = (point["time"] as? Double ?? 0) * 1000
            let truth = Double(t0 + Int64(Self.shiftIndex) * Self.step)
            #expect(abs(at - truth) <= 2.0 * Double(Self.step), "change point \(at), injected \(truth)")
            let home = series.last ?? [:]
            #expect((home["metric"] as? [String: String])?["handler"] == "/")
            #expect(home["verdict"] as? String == "unchanged")
            #expect((data(doc)["rule"] as? [String: Any])?["alpha"] as? Double == 0.05)
        }
    }

    @Test func regressionRefusesBadRequests() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await store(client, Self.latencies())
            let path = "/api/v1/insights/regression"
            expectBadRequest(try await getJSON(client, path, Self.regressionWindows), "\"query\": missing")
            expectBadRequest(try await getJSON(client, path, [("query", "sum(")] + Self.regressionWindows), "parse error")
            // Windows a year before the data.
            let early = [("baselineStart", seconds(t0 - 400 * 86_400_000)), ("baselineEnd", seconds(t0 - 399 * 86_400_000)),
                         ("currentStart", seconds(t0 + 3_600_000)), ("currentEnd", seconds(t0 + 7_200_000)), ("step", "60s")]
            expectBadRequest(try await getJSON(client, path, [("query", "bench_latency_seconds")] + early),
                             "no samples in the baseline window")
            let overlapping = [("baselineStart", seconds(t0)), ("baselineEnd", seconds(t0 + 1_200_000)),
                               ("currentStart", seconds(t0 + 600_000)), ("currentEnd", seconds(t0 + 1_700_000))]
            expectBadRequest(try await getJSON(client, path, [("query", "bench_latency_seconds")] + overlapping),
                             "must end before the current window")
            expectBadRequest(try await getJSON(client, path, [("query", "bench_latency_seconds"), ("maxSeries", "1")] + Self.regressionWindows),
                             "returned 2 series")
            expectBadRequest(try await getJSON(client, path, [("query", "bench_latency_seconds"), ("alpha", "2")] + Self.regressionWindows),
                             "alpha is 2")
            expectBadRequest(try await getJSON(client, path, [("query", "bench_latency_seconds"), ("step", "1ms")] + Self.regressionWindows.dropLast()),
                             "at most 11000")
        }
    }

    /// 240 points around 100 with one spike to 200 at index 150.
    static let spikeIndex = 150

    static func queueDepth() -> [StoredSeries] {
        var noise = TestNoise(seed: 11)
        let values = (0..<240).map { i in (t0 + Int64(i) * step, i == spikeIndex ? 200 : noise.gaussian(mean: 100, sd: 5)) }
        return [(["__name__": "queue_depth", "instance": "worker-1"], values)]
    }

    @Test func anomaliesFlagTheSpike() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await store(client, Self.queueDepth())
            let window = [("query", "queue_depth"), ("start", seconds(t0)), ("end", seconds(t0 + 239 * Self.step)), ("step", "15s")]
            let spikeTime = Double(t0 + Int64(Self.spikeIndex) * Self.step) / 1000
            for method in ["robust", "zscore", "isolation_forest"] {
                let (status, doc) = try await getJSON(client, "/api/v1/insights/anomalies", window + [("method", method)])
                #expect(status == .ok)
                #expect(data(doc)["method"] as? String == method)
                let series = (data(doc)["series"] as? [[String: Any]])?.first ?? [:]
                #expect(series["points"] as? Int == 240)
                let flagged = series["anomalies"] as? [[String: Any]] ?? []
                if method == "isolation_forest" {
                    // Less precise by nature (a 3-sigma point can reach 0.7): the spike scores highest.
                    let top = flagged.max { ($0["score"] as? Double ?? 0) < ($1["score"] as? Double ?? 0) }
                    #expect(top?["time"] as? Double == spikeTime, "\(method) flagged \(flagged)")
                    #expect(flagged.count <= 4)
                    continue
                }
                #expect(flagged.map { $0["time"] as? Double } == [spikeTime], "\(method) flagged \(flagged)")
                #expect(flagged.first?["value"] as? Double == 200)
                let baseline = flagged.first?["baseline"] as? Double ?? 0
                #expect(abs(baseline - 100) < 3, "\(method) baseline \(baseline)")
                #expect((flagged.first?["score"] as? Double ?? 0) > 5)
            }
            let anomalies = "/api/v1/insights/anomalies"
            expectBadRequest(try await getJSON(client, anomalies, window + [("method", "magic")]), "unknown method \"magic\"")
            expectBadRequest(try await getJSON(client, anomalies, window + [("window", "24")]), "odd number")
            expectBadRequest(try await getJSON(client, anomalies, window + [("threshold", "-1")]), "threshold is -1")
            expectBadRequest(try await getJSON(client, anomalies, [("query", "queue_depth"), ("start", seconds(t0 + 86_400_000)),
                                                                   ("end", seconds(t0 + 90_000_000)), ("step", "60s")]),
                             "no samples in the analysis window")
        }
    }

    /// A filesystem of 100 GB at 50 GB used, growing 1 GB a day with noise, sampled every 30
    /// minutes for a week: it reaches 80% used 30 days after the first sample.
    static func fillingDisk() -> [StoredSeries] {
        var noise = TestNoise(seed: 5)
        let half: Int64 = 1_800_000
        let labels = ["instance": "db-1:9100", "job": "node", "mountpoint": "/var", "fstype": "ext4", "device": "/dev/sdb1"]
        var avail: [(Int64, Double)] = [], size: [(Int64, Double)] = []
        for i in 0..<336 {
            let t = t0 + Int64(i) * half
            let used = 50e9 + 1e9 * Double(t - t0) / 86_400_000 + noise.gaussian(sd: 0.05e9)
            avail.append((t, 100e9 - used))
            size.append((t, 100e9))
        }
        return [(labels.merging(["__name__": "node_filesystem_avail_bytes"]) { a, _ in a }, avail),
                (labels.merging(["__name__": "node_filesystem_size_bytes"]) { a, _ in a }, size)]
    }

    @Test func capacityPredictsWhenTheDiskFills() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await store(client, Self.fillingDisk())
            let used = #"1 - node_filesystem_avail_bytes{mountpoint="/var"} / node_filesystem_size_bytes{mountpoint="/var"}"#
            let params = [("query", used), ("start", seconds(t0)), ("end", seconds(t0 + 335 * 1_800_000)), ("threshold", "0.8"),
                          ("horizon", "30d")]
            let (status, doc) = try await getJSON(client, "/api/v1/insights/capacity", params)
            #expect(status == .ok, "\(doc)")
            #expect(data(doc)["step"] as? Double == 1800, "a week's default step is 30m")
            let series = (data(doc)["series"] as? [[String: Any]])?.first ?? [:]
            #expect(["holt", "holt_winters"].contains(series["method"] as? String), "a trend model: \(series["method"] ?? "")")
            let crossing = series["crossing"] as? [String: Any] ?? [:]
            #expect(crossing["status"] as? String == "predicted")
            let truth = Double(t0 + 30 * 86_400_000) / 1000
            let at = crossing["time"] as? Double ?? 0
            #expect(abs(at - truth) < 86_400, "predicted \(at), truth \(truth)")
            let earliest = crossing["earliest"] as? Double ?? .infinity
            #expect(earliest <= at)
            #expect(crossing["latest"] is NSNull || (crossing["latest"] as? Double ?? 0) >= at)
            let forecast = series["forecast"] as? [Double] ?? []
            let lower = series["lower"] as? [Double] ?? [], upper = series["upper"] as? [Double] ?? []
            #expect(forecast.count == 30 * 48 && lower.count == forecast.count && upper.count == forecast.count)
            #expect(zip(lower, upper).allSatisfy { $0 <= $1 })
            #expect(((series["backtest"] as? [String: Any])?["mape"] as? Double ?? 100) < 2)

            let capacity = "/api/v1/insights/capacity"
            expectBadRequest(try await getJSON(client, capacity, params.filter { $0.0 != "threshold" }), "\"threshold\": missing")
            expectBadRequest(try await getJSON(client, capacity, params + [("method", "arima")]), "unknown method \"arima\"")
            expectBadRequest(try await getJSON(client, capacity, params.map { $0.0 == "horizon" ? ("horizon", "100000d") : $0 }),
                             "horizon is")
            expectBadRequest(try await getJSON(client, capacity, params + [("seasonLength", "45m")]), "multiple of step")
            expectBadRequest(try await getJSON(client, capacity, params.map { $0.0 == "query" ? ("query", "no_such_metric") : $0 }),
                             "no samples in the history window")
        }
    }
}
