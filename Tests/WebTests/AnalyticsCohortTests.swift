import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Web

/// Saved cohorts over HTTP: create, list, evaluate (count and members), replace, delete, and
/// the refusals (bad definitions and names, taken names, unknown ids).
@Suite struct AnalyticsCohortTests {
    static let payers = #"{"name": "payers", "definition": {"and": [{"action": "payment", "from": "2026-01-07T00:00:00Z"}, {"action": "signup"}]}}"#

    @Test func createEvaluateUpdateDelete() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (created, saved) = try await client.postJSON("/api/analytics/cohorts", AnalyticsCohortTests.payers)
            #expect(created == .created)
            let id = try #require(number(saved["id"]).map { Int($0) })
            // Stored canonically: times as Unix ms.
            let definition = saved["definition"] as? [String: Any]
            #expect(number(objects(definition?["and"]).first?["from"]) == 1_767_744_000_000)

            let (_, list) = try await client.getJSON("/api/analytics/cohorts")
            #expect(objects(list["cohorts"]).map { $0["name"] as? String } == ["payers"])

            let (status, evaluated) = try await client.getJSON("/api/analytics/cohorts/\(id)")
            #expect(status == .ok)
            #expect(number(evaluated["count"]) == 2)
            #expect(evaluated["users"] == nil)
            let (_, members) = try await client.getJSON("/api/analytics/cohorts/\(id)?users=true")
            #expect(members["users"] as? [String] == ["u1", "u3"])
            #expect(members["truncated"] as? Bool == false)
            let (_, capped) = try await client.getJSON("/api/analytics/cohorts/\(id)?users=true&user_limit=1")
            #expect(capped["users"] as? [String] == ["u1"])
            #expect(capped["truncated"] as? Bool == true)
            // Before u3's payment (2026-01-08), only u1 had paid.
            let (_, earlier) = try await client.getJSON("/api/analytics/cohorts/\(id)?as_of=2026-01-08T00:00:00Z")
            #expect(number(earlier["count"]) == 1)

            let replaced = try await client.execute(uri: "/api/analytics/cohorts/\(id)", method: .put,
                                                    body: ByteBuffer(string: #"{"name": "android", "definition": {"action": "signup", "filters": [{"field": "platform", "op": "eq", "value": "android"}]}}"#)) { r in r.status }
            #expect(replaced == .ok)
            let (_, now) = try await client.getJSON("/api/analytics/cohorts/\(id)?users=true")
            #expect(now["name"] as? String == "android")
            #expect(now["users"] as? [String] == ["u2"])

            let deleted = try await client.execute(uri: "/api/analytics/cohorts/\(id)", method: .delete) { r in r.status }
            #expect(deleted == .noContent)
            let (gone, _) = try await client.getJSON("/api/analytics/cohorts/\(id)")
            #expect(gone == .notFound)
            let (_, empty) = try await client.getJSON("/api/analytics/cohorts")
            #expect(objects(empty["cohorts"]).isEmpty)
        }
    }

    /// A saved cohort as a filter: the analysis sees only its members' events.
    @Test func savedCohortNarrowsAnyAnalysis() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (_, saved) = try await client.postJSON("/api/analytics/cohorts", AnalyticsCohortTests.payers)
            let id = try #require(number(saved["id"]).map { Int($0) })
            // u1 (9 events) and u3 (5); not u2 nor the event without a user.
            let (status, count) = try await client.postJSON("/api/analytics/trends", #"{"measure": "count", "interval": "month", "cohort": \#(id)}"#)
            #expect(status == .ok, "\(count)")
            #expect(objects(count["series"]).map { number($0["total"]) } == [14])
            let (_, users) = try await client.postJSON("/api/analytics/trends", #"{"measure": "unique_users", "interval": "month", "cohort": \#(id)}"#)
            #expect(objects(users["series"]).map { number($0["total"]) } == [2])
            let (_, funnel) = try await client.postJSON("/api/analytics/funnel", """
                {"steps": [{"action": "signup"}, {"action": "onboarding_completed"}, {"action": "workout_completed"}],
                 "window": "7d", "cohort": \(id)}
                """)
            #expect(objects(funnel["steps"]).map { number($0["users"]) } == [2, 2, 1])
            let (_, revenue) = try await client.postJSON("/api/analytics/revenue", #"{"cohort": \#(id)}"#)
            #expect(number(revenue["activeUsers"]) == 2)

            for (body, expected) in [(#"{"cohort": 999}"#, "cohort: "), (#"{"cohort": "payers"}"#, "cohort: expected the id"),
                                     (#"{"cohort": 0}"#, "cohort: expected the id")] {
                let (bad, answer) = try await client.postJSON("/api/analytics/trends", body)
                #expect(bad == .badRequest)
                #expect((answer["error"] as? String ?? "").hasPrefix(expected), "\(answer)")
            }
        }
    }

    @Test(arguments: [
        (#"{"definition": {"action": "x"}}"#, "name: required"),
        (#"{"name": "x"}"#, "definition: required"),
        (#"{"name": "", "definition": {"action": "x"}}"#, "name: must be 1 to"),
        (#"{"name": "x", "definition": {"and": []}}"#, "definition.and: needs at least one"),
        (#"{"name": "x", "definition": {"and": [{"min_count": 2}]}}"#, "definition.and[0].action: required"),
        (#"{"name": "x", "definition": {"action": "a", "from": "soon"}}"#, "definition.from"),
        (#"{"name": "x", "definition": {"action": "a"}, "colour": "red"}"#, "colour: unknown key"),
        ("[]", "must be a JSON object"),
    ])
    func badCohortsAreRefused(_ body: String, _ expected: String) async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (status, answer) = try await client.postJSON("/api/analytics/cohorts", body)
            #expect(status == .badRequest)
            #expect((answer["error"] as? String ?? "").contains(expected), "\(answer)")
            let (_, list) = try await client.getJSON("/api/analytics/cohorts")
            #expect(objects(list["cohorts"]).isEmpty)
        }
    }

    @Test func takenNamesUnknownIDsAndBigBodies() async throws {
        try await AnalyticsFixture.app().test(.router) { client in
            let (first, _) = try await client.postJSON("/api/analytics/cohorts", AnalyticsCohortTests.payers)
            #expect(first == .created)
            let (again, answer) = try await client.postJSON("/api/analytics/cohorts", AnalyticsCohortTests.payers)
            #expect(again == .conflict)
            #expect((answer["error"] as? String ?? "").contains("already exists"))
            for path in ["/api/analytics/cohorts/99", "/api/analytics/cohorts/abc", "/api/analytics/cohorts/-1"] {
                let (status, _) = try await client.getJSON(path)
                #expect(status == .notFound, "\(path)")
            }
            let (badQuery, _) = try await client.getJSON("/api/analytics/cohorts/1?users=maybe")
            #expect(badQuery == .badRequest)
            let big = #"{"name": "big", "definition": {"action": ""# + String(repeating: "x", count: 70_000) + #""}}"#
            let (tooBig, _) = try await client.postJSON("/api/analytics/cohorts", big)
            #expect(tooBig == .contentTooLarge)
        }
    }
}
