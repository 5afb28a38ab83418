import Foundation
import Testing

/// The real PostHog Python SDK (`pip install posthog`) sends to a running Sextant; the trends
/// API then counts every event, and the anonymous visitor `$identify` merged into a user once.
@Suite(.serialized) struct AnalyticsPostHogTests {
    static let script = """
    import json, sys
    try:
        from posthog import Posthog
    except ImportError:
        print(json.dumps({"missing": True}))
        sys.exit(0)
    errors = []
    ph = Posthog("phc_e2e", host="http://127.0.0.1:" + sys.argv[1], max_retries=0, flush_at=4,
                 on_error=lambda e, batch: errors.append(str(e)))
    ph.capture("page_view", distinct_id="anon-1", properties={"$current_url": "/"})
    ph.capture("page_view", distinct_id="anon-1", properties={"$current_url": "/pricing"})
    ph.capture("$identify", distinct_id="user-1", properties={"$anon_distinct_id": "anon-1"})
    ph.capture("purchase", distinct_id="user-1", properties={"plan": "pro"})
    ph.capture("page_view", distinct_id="user-2")
    ph.capture("page_view", distinct_id="user-2")
    ph.capture("purchase", distinct_id="user-2", properties={"plan": "team"})
    ph.capture("page_view", distinct_id="user-3")
    ph.flush()
    ph.shutdown()
    print(json.dumps({"errors": errors}))
    """

    @Test func sdkEventsAreCountedAndMergedPersonsOnce() async throws {
        guard AnalyticsE2E.hasPython("posthog") else {
            print("skipped: pip install posthog")
            return
        }
        let dir = NSTemporaryDirectory() + "sextant-posthog-e2e-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = ServerProcess.freePort()
        let server = try ServerProcess(data: dir, port: port)
        defer { server.stop() }
        try await server.waitReady()
        let output = try await runProcess(["python3", "-c", AnalyticsPostHogTests.script, String(port)])
        let doc = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        #expect((doc["errors"] as? [String]) == [], "\(output)")

        let count = try await AnalyticsE2E.analysis(server, "trends", #"{"measure": "count", "interval": "day", "breakdown": "action"}"#)
        #expect(AnalyticsE2E.totals(count) == ["page_view": 5, "purchase": 2, "$identify": 1])
        // anon-1 is user-1 after the identify: three people, not four.
        let users = try await AnalyticsE2E.analysis(server, "trends", #"{"measure": "unique_users", "interval": "day"}"#)
        #expect(AnalyticsE2E.totals(users).values.first == 3)
        let viewers = try await AnalyticsE2E.analysis(server, "trends", #"{"measure": "unique_users", "interval": "day", "action": "page_view"}"#)
        #expect(AnalyticsE2E.totals(viewers).values.first == 3)
    }
}
