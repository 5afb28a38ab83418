import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Web

/// Every analysis over HTTP, in the shapes other tools rely on, and bad requests answered
/// with a 400 naming the field.
@Suite struct AnalyticsRoutesTests {
    @Test func funnelUsersPerStep() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (status, body) = try await client.postJSON("/api/analytics/funnel", """
                {"steps": [{"action": "signup"}, {"action": "onboarding_completed"}, {"action": "workout_completed"},
                           {"action": "subscription_started"}], "window": "7d", "mode": "sequential"}
                """)
            #expect(status == .ok)
            let steps = objects(body["steps"])
            #expect(steps.map { $0["action"] as? String } == ["signup", "onboarding_completed", "workout_completed", "subscription_started"])
            // u2 onboards 10 days after signing up: outside the window.
            #expect(steps.map { number($0["users"]) } == [3, 2, 1, 1])
        }
    }

    @Test func weeklyRetentionCohorts() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (status, body) = try await client.postJSON("/api/analytics/retention", #"{"period": "week"}"#)
            #expect(status == .ok)
            let cohorts = objects(body["cohorts"])
            #expect(cohorts.map { $0["start"] as? String } == ["2026-01-05", "2026-01-12"])
            #expect(cohorts.map { ($0["users"] as? [Int]) ?? [] } == [[3, 1], [0]])
        }
    }

    @Test func uniqueUsersByDayAndPlatformNarrowedByTime() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (status, body) = try await client.postJSON("/api/analytics/trends", """
                {"measure": "unique_users", "interval": "day", "breakdown": "platform",
                 "from": "2026-01-05T00:00:00Z", "to": "2026-01-07T00:00:00Z"}
                """)
            #expect(status == .ok)
            var points: [String: [[String: Int]]] = [:]
            for s in objects(body["series"]) {
                let list = (s["points"] as? [[Any]] ?? []).map { [$0[0] as? String ?? "": Int(number($0[1]) ?? -1)] }
                points[s["breakdown"] as? String ?? "null"] = list
            }
            #expect(points == ["ios": [["2026-01-05": 1], ["2026-01-06": 1]], "android": [["2026-01-05": 1], ["2026-01-06": 0]],
                               "web": [["2026-01-05": 0], ["2026-01-06": 1]]])
        }
    }

    @Test func countsWithMathOrMeasure() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            for body in [#"{"measure": "count", "interval": "month"}"#, #"{"math": "count", "interval": "month"}"#] {
                let (status, answer) = try await client.postJSON("/api/analytics/trends", body)
                #expect(status == .ok)
                #expect(objects(answer["series"]).map { number($0["total"]) } == [21])
            }
        }
    }

    @Test func experimentVariantsZTestAndBayes() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (status, body) = try await client.postJSON("/api/analytics/experiment", """
                {"experiment": "rec_model", "conversion": {"action": "recommendation_accepted"}, "min_exposures": 1}
                """)
            #expect(status == .ok)
            let variants = objects(body["variants"])
            #expect(variants.map { $0["variant"] as? String } == ["control", "test"])
            #expect(variants.map { number($0["exposed"]) } == [1, 2])
            #expect(variants.map { number($0["converted"]) } == [1, 1])
            // Pooled two-proportion z-test, test (1 of 2) against control (1 of 1).
            let p = 2.0 / 3, z = (0.5 - 1) / (p * (1 - p) * (1 + 0.5)).squareRoot()
            let zTest = body["zTest"] as? [String: Any] ?? [:]
            #expect(zTest["variant"] as? String == "test")
            #expect(abs((number(zTest["z"]) ?? .nan) - z) < 1e-12)
            #expect(abs((number(zTest["pValue"]) ?? .nan) - erfc(abs(z) / 2.0.squareRoot())) < 1e-12)
            let bayes = body["bayes"] as? [String: Any] ?? [:]
            let chance = try #require(number(bayes["chanceToWin"]))
            #expect(chance > 0 && chance < 1)
            #expect(number((bayes["chanceToBeBest"] as? [String: Any])?["test"]) == chance)
        }
    }

    @Test func aiOutcomesPerModelVersion() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (status, body) = try await client.postJSON("/api/analytics/ai", "{}")
            #expect(status == .ok)
            let models = objects(body["models"])
            #expect(models.map { $0["modelVersion"] as? String } == ["rec-v1", "rec-v2"])
            #expect(models.map { m in ["shown", "accepted", "modified", "rejected"].map { k in number(m[k]) } } == [[1, 1, 0, 0], [1, 1, 0, 1]])
            #expect(models.map { number($0["acceptanceRate"]) } == [1, 1])
            #expect(number(models.first?["satisfaction"]) == 4)
            #expect(models.last?["satisfaction"] is NSNull)
        }
    }

    @Test func revenuePerDayTotalAndArpu() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (status, body) = try await client.postJSON("/api/analytics/revenue", #"{"interval": "day"}"#)
            #expect(status == .ok)
            let points = (body["points"] as? [[Any]] ?? []).filter { number($0[1]) != 0 }
            #expect(points.map { $0[0] as? String } == ["2026-01-07", "2026-01-08"])
            #expect(points.map { number($0[1]) } == [9.99, 20.01])
            #expect(number(body["total"]) == 9.99 + 20.01)
            #expect(number(body["activeUsers"]) == 3)
            #expect(number(body["arpu"]) == (9.99 + 20.01) / 3)
        }
    }

    /// The analyses without a shape of their own answer the module's JSON.
    @Test(arguments: [
        ("sessions", "{}", "sessions"), ("stickiness", #"{"interval": "week"}"#, "total_users"),
        ("lifecycle", #"{"interval": "week"}"#, "periods"), ("paths", #"{"action": "signup"}"#, "next"),
        ("segments", #"{"as_of": "2026-01-16T00:00:00Z"}"#, "active"),
        ("features", #"{"feature_field": "platform"}"#, "features"), ("business", "{}", "churn_rate"),
        ("cohorts/evaluate", #"{"definition": {"action": "payment"}}"#, "count"),
    ])
    func otherAnalysesAnswer(_ name: String, _ body: String, _ key: String) async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (status, answer) = try await client.postJSON("/api/analytics/\(name)", body)
            #expect(status == .ok, "\(answer)")
            #expect(answer.keys.contains(key), "\(answer)")
        }
    }

    @Test func pathsAfterSignup() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (_, answer) = try await client.postJSON("/api/analytics/paths", #"{"action": "signup"}"#)
            // u1 and u2 are exposed right after signing up; u3 onboards an hour later, past the
            // 30-minute gap, so counts as having left.
            #expect(objects(answer["next"]).map { $0["action"] as? String } == ["$experiment_exposure"])
            #expect(objects(answer["next"]).map { number($0["count"]) } == [2])
            #expect(number(answer["next_none"]) == 1)
        }
    }

    @Test(arguments: [
        ("funnel", "{not json", "not valid JSON"),
        ("funnel", "[1, 2]", "must be a JSON object"),
        ("funnel", #"{"steps": []}"#, "steps"),
        ("funnel", #"{"window": "7d"}"#, "steps: required"),
        ("funnel", #"{"steps": [{"action": ""}]}"#, "steps[0].action"),
        ("funnel", #"{"steps": [{"action": "signup"}], "mode": "sideways"}"#, "mode: unknown value \"sideways\""),
        ("funnel", #"{"steps": [{"action": "signup"}], "window": "soon"}"#, "window"),
        ("funnel", #"{"steps": [{"action": "signup"}], "window": "7d", "window_seconds": 60}"#, "window"),
        ("trends", #"{"interval": "fortnight"}"#, "interval: unknown value \"fortnight\""),
        ("trends", #"{"measure": "median"}"#, "measure: unknown value \"median\""),
        ("trends", #"{"breakdown": "planet"}"#, "breakdown: unknown field \"planet\""),
        ("trends", #"{"from": "yesterday"}"#, "from"),
        ("trends", #"{"from": true}"#, "from"),
        ("trends", #"{"from": "2026-01-06T00:00:00Z", "to": "2026-01-05T00:00:00Z"}"#, "from"),
        ("trends", #"{"filters": [{"field": "platform", "op": "like", "value": "i"}]}"#, "filters[0].op"),
        ("retention", #"{"period": "year"}"#, "period"),
        ("experiment", #"{"experiment": "rec_model"}"#, "conversion_event: required"),
        ("experiment", #"{"experiment": "rec_model", "conversion": "accepted"}"#, "conversion"),
        ("experiment", #"{"experiment": "rec_model", "conversion": {"event": "accepted"}}"#, "conversion.action"),
        ("ai", #"{"baseline": {"from": "2026-01-05T00:00:00Z", "to": "nope"}}"#, "baseline.to"),
        ("paths", "{}", "action: required"),
    ])
    func badRequestsNameTheField(_ name: String, _ body: String, _ expected: String) async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (status, answer) = try await client.postJSON("/api/analytics/\(name)", body)
            #expect(status == .badRequest)
            #expect(answer["errorType"] as? String == "bad_data")
            let message = answer["error"] as? String ?? ""
            #expect(message.contains(expected), "\(message)")
        }
    }

    @Test func answersPastTheBoundsAreRefused() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (status, answer) = try await client.postJSON("/api/analytics/trends", """
                {"interval": "minute", "from": "2000-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}
                """)
            #expect(status == .badRequest)
            #expect(answer["errorType"] as? String == "too_large")
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let big = #"{"action": ""# + String(repeating: "x", count: AnalyticsRoutes.maxBodyBytes) + #""}"#
            let (status, answer) = try await client.postJSON("/api/analytics/trends", big)
            #expect(status == .contentTooLarge)
            #expect((answer["error"] as? String ?? "").contains("larger than the limit"))
        }
    }

    /// Request and answer trees keep every double exact (JSONSerialization's parser would not).
    @Test func jsonTreeKeepsDoublesExact() throws {
        let tree = try JSONTree.parse(Data(#"{"a": [0.41821138211382114, 3, true, null, "x"]}"#.utf8)) as? [String: Any]
        let list = tree?["a"] as? [Any] ?? []
        #expect((list.first as? NSNumber)?.doubleValue == 0.41821138211382114)
        #expect(String(decoding: try JSONSerialization.data(withJSONObject: tree ?? [:]), as: UTF8.self)
            == #"{"a":[0.41821138211382114,3,true,null,"x"]}"#)
    }

    @Test func emptyStoreAnswersEmpty() async throws {
        try await AnalyticsFixture.app(events: []).test(.router) { client in
            let (status, answer) = try await client.postJSON("/api/analytics/revenue", "")
            #expect(status == .ok)
            #expect(number(answer["total"]) == 0)
            #expect((answer["points"] as? [Any])?.isEmpty == true)
        }
    }
}
