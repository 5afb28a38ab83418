import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import UTCTime
import Testing
@testable import Web

/// Retention by category, seen over HTTP: an event older than its category's retention is
/// accepted (its age alone does not make it invalid) and removed by the next maintenance
/// pass; analyses then no longer count it, while an equally old event of a category kept
/// longer (billing: seven years) stays.
@Suite struct AnalyticsRetentionTests {
    @Test func eventsPastTheirCategorysRetentionExpire() async throws {
        var server = TestServer()
        defer { server.cleanup() }
        server.config.maintenanceInterval = .milliseconds(200)
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let threeYearsAgo = now - 3 * 365 * 86_400_000
            var oldBilling = nativeEventJSON(id: "old-billing", timestamp: Timestamp.format(threeYearsAgo))
            oldBilling["category"] = "billing"
            let events = [nativeEventJSON(id: "old-usage", timestamp: Timestamp.format(threeYearsAgo)), oldBilling,
                          nativeEventJSON(id: "recent", timestamp: Timestamp.format(now - 3_600_000))]
            let stored = try await client.execute(uri: "/api/analytics/events", method: .post, headers: [.contentType: "application/json"],
                                                  body: jsonBody(["events": events])) { r in try json(r.body) }
            #expect(number(stored["accepted"]) == 3, "\(stored)")

            let query = #"{"measure": "count", "interval": "month", "breakdown": "category"}"#
            var totals: [String: Double] = [:]
            let deadline = ContinuousClock.now + .seconds(60)
            repeat {
                let (status, answer) = try await client.postJSON("/api/analytics/trends", query)
                #expect(status == .ok)
                totals = AnalyticsE2E.totals(answer)
                if totals["navigation"] == 1 { break }
                try await Task.sleep(for: .milliseconds(100))
            } while ContinuousClock.now < deadline
            #expect(totals == ["navigation": 1, "billing": 1])
        }
    }
}
