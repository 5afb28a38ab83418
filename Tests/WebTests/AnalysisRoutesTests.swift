import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Web

/// `POST /api/v1/analysis/compare` and `/forecast`: the shapes other tools rely on, the numbers
/// against scipy's, and every kind of bad body.
@Suite struct AnalysisRoutesTests {
    func relative(_ a: Double?, _ b: Double) -> Double { abs((a ?? .nan) - b) / max(abs(b), 1e-300) }

    @Test func compareAnswersAsScipy() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            let body = #"{"baseline": [10.1, 10.3, 9.8, 10.0, 10.2, 10.4, 9.9, 10.1], "current": [11.0, 11.2, 10.9, 11.4, 11.1, 10.8, 11.3, 11.0]}"#
            let (status, doc) = try await postJSON(client, "/api/v1/analysis/compare", body)
            #expect(status == .ok)
            // scipy 1.x: ttest_ind(baseline, current, equal_var=False), mannwhitneyu(baseline, current).
            let welch = doc["welch"] as? [String: Any] ?? [:]
            #expect(relative(welch["t"] as? Double, -9.79874403254746) < 1e-9)
            #expect(relative(welch["df"] as? Double, 13.996687174633223) < 1e-9)
            #expect(relative(welch["p"] as? Double, 1.2034334623694835e-07) < 1e-6)
            let mw = doc["mannWhitney"] as? [String: Any] ?? [:]
            #expect(mw["u"] as? Double == 0)
            #expect(relative(mw["p"] as? Double, 0.0009228863794545132) < 1e-6)
            #expect((doc["cohensD"] as? Double ?? 0) > 4)
            let change = doc["changePercent"] as? Double ?? 0
            #expect(abs(change - 100 * (11.0875 - 10.1) / 10.1) < 1e-9)
            #expect(doc["verdict"] as? String == "regressed")
            #expect((doc["baseline"] as? [String: Any])?["median"] as? Double == 10.1)

            // Higher is better: the same change is an improvement.
            let better = body.dropLast() + #", "higherIsBetter": true}"#
            let (_, improved) = try await postJSON(client, "/api/v1/analysis/compare", String(better))
            #expect(improved["verdict"] as? String == "improved")
            #expect((improved["rule"] as? [String: Any])?["higherIsBetter"] as? Bool == true)

            let (_, small) = try await postJSON(client, "/api/v1/analysis/compare", #"{"baseline": [1, 2, 3, 4, 5], "current": [3, 4, 5, 6, 7]}"#)
            #expect(relative((small["welch"] as? [String: Any])?["t"] as? Double, -2) < 1e-12)
            #expect((small["mannWhitney"] as? [String: Any])?["u"] as? Double == 4.5)
            #expect(relative((small["mannWhitney"] as? [String: Any])?["p"] as? Double, 0.11384629800665805) < 1e-6)
            #expect(small["verdict"] as? String == "unchanged")
        }
    }

    @Test func compareRefusesBadBodies() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            let path = "/api/v1/analysis/compare"
            expectBadRequest(try await postJSON(client, path, ""), "body is empty")
            expectBadRequest(try await postJSON(client, path, "[1, 2]"), "must be a JSON object")
            expectBadRequest(try await postJSON(client, path, #"{"baseline": [1, 2"#), "not valid JSON")
            expectBadRequest(try await postJSON(client, path, #"{"current": [1, 2]}"#), "\"baseline\" is missing")
            expectBadRequest(try await postJSON(client, path, #"{"baseline": [], "current": [1, 2]}"#), "\"baseline\" is empty")
            expectBadRequest(try await postJSON(client, path, #"{"baseline": "1 2 3", "current": [1, 2]}"#),
                             "\"baseline\" must be an array of numbers")
            expectBadRequest(try await postJSON(client, path, #"{"baseline": [1, 2, "3ms"], "current": [1, 2]}"#),
                             "\"baseline\"[2] is the string \"3ms\"")
            expectBadRequest(try await postJSON(client, path, #"{"baseline": [1, 2, null], "current": [1, 2]}"#), "\"baseline\"[2] is null")
            expectBadRequest(try await postJSON(client, path, #"{"baseline": [1, NaN], "current": [1, 2]}"#), "NaN at byte")
            expectBadRequest(try await postJSON(client, path, #"{"baseline": [1, 1e999], "current": [1, 2]}"#), "out of range")
            expectBadRequest(try await postJSON(client, path, #"{"baseline": [1], "current": [1, 2, 3]}"#), "baseline has 1 values")
            expectBadRequest(try await postJSON(client, path, #"{"baseline": [1, 2], "current": [1, 2], "alpha": 0}"#), "alpha is 0")
            let tooMany = "{\"baseline\": [" + Array(repeating: "1", count: 1_000_001).joined(separator: ",") + "], \"current\": [1, 2]}"
            expectBadRequest(try await postJSON(client, path, tooMany), "at most 1000000")
        }
    }

    @Test func forecastFollowsATrendWithIntervals() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            // A line with a 12-step cycle: 48 values.
            func truth(_ i: Int) -> Double {
                let x = Double(i)
                let cycle: Double = 5 * sin(2 * Double.pi * x / 12)
                return 100 + 2 * x + cycle
            }
            let values = (0..<48).map(truth)
            let text = values.map { String($0) }.joined(separator: ", ")
            let (status, doc) = try await postJSON(client, "/api/v1/analysis/forecast", #"{"values": [\#(text)], "horizon": 6, "seasonLength": 12, "method": "auto"}"#)
            #expect(status == .ok, "\(doc)")
            #expect(doc["method"] as? String == "holt_winters")
            #expect(doc["seasonLength"] as? Int == 12)
            let forecast = doc["forecast"] as? [Double] ?? []
            let lower = doc["lower"] as? [Double] ?? [], upper = doc["upper"] as? [Double] ?? []
            #expect(forecast.count == 6 && lower.count == 6 && upper.count == 6)
            for (k, f) in forecast.enumerated() {
                let expected = truth(48 + k)
                #expect(abs(f - expected) < 0.5, "step \(k + 1): \(f) against \(expected)")
                #expect(lower[k] <= f && f <= upper[k])
            }
            #expect(doc["level"] as? Double == 0.95)
            #expect((doc["candidates"] as? [[String: Any]])?.count == 3)

            let (_, simple) = try await postJSON(client, "/api/v1/analysis/forecast", #"{"values": [5, 5, 5, 5, 5, 5], "horizon": 2, "method": "simple"}"#)
            #expect(simple["method"] as? String == "simple")
            #expect(simple["forecast"] as? [Double] == [5, 5])
        }
    }

    @Test func forecastRefusesBadBodies() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            let path = "/api/v1/analysis/forecast"
            let values = #""values": [1, 2, 3, 4, 5, 6, 7, 8]"#
            expectBadRequest(try await postJSON(client, path, "{\(values)}"), "\"horizon\" is missing")
            expectBadRequest(try await postJSON(client, path, "{\(values), \"horizon\": 0}"), "\"horizon\" is 0")
            expectBadRequest(try await postJSON(client, path, "{\(values), \"horizon\": 2.5}"), "must be an integer")
            expectBadRequest(try await postJSON(client, path, "{\(values), \"horizon\": 1e9}"), "1...10000")
            expectBadRequest(try await postJSON(client, path, "{\(values), \"horizon\": \"3\"}"), "\"horizon\" must be a finite number")
            expectBadRequest(try await postJSON(client, path, "{\(values), \"horizon\": 3, \"method\": \"arima\"}"),
                             "\"method\" is \"arima\"; use one of auto, simple, holt, holt_winters")
            expectBadRequest(try await postJSON(client, path, "{\(values), \"horizon\": 3, \"seasonLength\": 1}"), "\"seasonLength\" is 1")
            expectBadRequest(try await postJSON(client, path, "{\(values), \"horizon\": 3, \"seasonLength\": 6, \"method\": \"holt_winters\"}"),
                             "needs two full seasons (12 values); got 8")
            expectBadRequest(try await postJSON(client, path, #"{"values": [1, 2], "horizon": 3}"#), "at least 3 needed")
            expectBadRequest(try await postJSON(client, path, #"{"values": [1, 2, Infinity], "horizon": 3}"#), "Infinity at byte")
            expectBadRequest(try await postJSON(client, path, #"{"values": [1, 2, true], "horizon": 3}"#), "\"values\"[2] is true")
            expectBadRequest(try await postJSON(client, path, "{\(values), \"horizon\": 3, \"level\": 1.5}"), "level is 1.5")
            let long = (0..<20_001).map { _ in "1" }.joined(separator: ",")
            expectBadRequest(try await postJSON(client, path, #"{"values": [\#(long)], "horizon": 3}"#), "at most 20000")
        }
    }
}
