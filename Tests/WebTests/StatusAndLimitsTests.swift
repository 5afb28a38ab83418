import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TSDB
@testable import Web

@Suite struct StatusAndLimitsTests {
    /// 100 series of 4 hours at 15 s: enough samples for a query to take a while and break limits.
    func loadMany(_ client: some TestClientProtocol) async throws {
        let points = (0..<960).map { (t0 + Int64($0) * 15_000, Double($0)) }
        let series = (0..<100).map { i in (["__name__": "load_total", "i": "\(i)"], points) }
        try await client.execute(uri: "/api/v1/write", method: .post, headers: remoteWriteHeaders, body: writeBody(series)) { r in
            #expect(r.status == .noContent)
        }
    }

    @Test func runtimeInfoAndTSDBStatus() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/write", method: .post, headers: remoteWriteHeaders, body: writeBody([
                (["__name__": "a", "job": "x", "instance": "1"], [(t0, 1), (t0 + 15_000, 2)]),
                (["__name__": "a", "job": "x", "instance": "2"], [(t0, 1)]),
                (["__name__": "b", "job": "y"], [(t0 + 30_000, 1)]),
            ])) { r in #expect(r.status == .noContent) }
            try await client.execute(uri: "/api/v1/status/runtimeinfo", method: .get) { r in
                let data = try json(r.body)["data"] as? [String: Any]
                #expect(data?["storageRetention"] as? String == "15d")
                #expect(data?["reloadConfigSuccess"] as? Bool == true)
                #expect(data?["startTime"] as? String != nil)
            }
            try await client.execute(uri: "/api/v1/status/tsdb?limit=2", method: .get) { r in
                let data = try json(r.body)["data"] as? [String: Any]
                let head = data?["headStats"] as? [String: Any]
                #expect(head?["numSeries"] as? Int == 3)
                #expect(head?["minTime"] as? Int == Int(t0))
                #expect(head?["maxTime"] as? Int == Int(t0 + 30_000))
                #expect(head?["numLabelPairs"] as? Int == 6)
                let names = data?["seriesCountByMetricName"] as? [[String: Any]]
                #expect(names?.map { $0["name"] as? String } == ["a", "b"])
                #expect(names?.map { $0["value"] as? Int } == [2, 1])
                let pairs = data?["seriesCountByLabelValuePair"] as? [[String: Any]]
                #expect(pairs?.map { $0["name"] as? String } == ["__name__=a", "job=x"])
                let counts = data?["labelValueCountByLabelName"] as? [[String: Any]]
                #expect(counts?.first?["value"] as? Int == 2)
            }
            try await client.execute(uri: "/api/v1/status/tsdb?limit=0", method: .get) { r in
                #expect(r.status == .badRequest)
            }
        }
    }

    @Test func timeoutAndSampleLimitFailAloneWithPrometheusErrors() async throws {
        var server = TestServer(); defer { server.cleanup() }
        server.config.query.maxSamples = 1000
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await loadMany(client)
            let end = Double(t0) / 1000 + 14_400
            try await client.execute(uri: "/api/v1/query?query=sum(rate(load_total%5B4h%5D))&time=\(end)", method: .get) { r in
                let doc = try json(r.body)
                #expect(r.status == .unprocessableContent)
                #expect(doc["errorType"] as? String == "execution")
                #expect(doc["error"] as? String == "query processing would load too many samples into memory in query execution")
            }
            // A zero timeout parameter expires before evaluation starts.
            try await client.execute(uri: "/api/v1/query?query=load_total&time=\(end)&timeout=0s", method: .get) { r in
                let doc = try json(r.body)
                #expect(r.status == .serviceUnavailable)
                #expect(doc["errorType"] as? String == "timeout")
                #expect((doc["error"] as? String)?.hasPrefix("query timed out in") == true)
            }
            try await client.execute(uri: "/api/v1/query?query=load_total&time=\(end)&timeout=soon", method: .get) { r in
                #expect(r.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/query_range?query=load_total&start=0&end=11001&step=1", method: .get) { r in
                let doc = try json(r.body)
                #expect(r.status == .badRequest)
                #expect(doc["error"] as? String == "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
            }
            // The server still answers small queries.
            try await client.execute(uri: "/api/v1/query?query=count(load_total%7Bi%3D%227%22%7D)&time=\(end)", method: .get) { r in
                #expect(r.status == .ok)
            }
        }
    }

    @Test func queriesPastTheConcurrencyCapWaitThenTimeOutInTheQueue() async throws {
        let gate = QueryGate(limit: 1)
        #expect(await gate.enter(timeout: .seconds(1)))
        // The one slot is taken: the next query waits, then gives up.
        #expect(await gate.enter(timeout: .milliseconds(50)) == false)
        #expect(gate.waiting == 0)
        // A waiter gets the slot as soon as it is given back.
        async let second = gate.enter(timeout: .seconds(10))
        while gate.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        gate.leave()
        #expect(await second)
        gate.leave()
        #expect(await gate.enter(timeout: .zero))
    }

    /// With every slot taken (here held by the test itself, as a long query would hold it), a
    /// query waits in line and gives up there with Prometheus's error; once the slot is back,
    /// queries run again. (That the gate admits and queues in order is tested above; holding the
    /// slot directly keeps this test independent of how fast a slow query is on a loaded machine.)
    @Test func queueTimeoutIsPrometheusError() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let db = try DB(directory: server.dir, options: server.config.db)
        defer { try? db.close() }
        let queries = QueryRoutes(db: db, options: server.config.query, maxConcurrency: 1)
        let router = Router(context: SextantRequestContext.self)
        queries.register(on: router)
        #expect(await queries.gate.enter(timeout: .seconds(1)))
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/v1/query?query=1&timeout=0.3", method: .get) { r in
                let doc = try json(r.body)
                #expect(r.status == .serviceUnavailable)
                #expect(doc["errorType"] as? String == "timeout")
                #expect(doc["error"] as? String == "query timed out in query queue")
            }
            queries.gate.leave()
            try await client.execute(uri: "/api/v1/query?query=1", method: .get) { r in #expect(r.status == .ok) }
        }
    }
}
