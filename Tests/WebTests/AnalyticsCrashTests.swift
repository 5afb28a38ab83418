import Foundation
import Ingest
import UTCTime
import Testing

/// Kills the real server with SIGKILL while two writers post native event batches, restarts
/// it, and checks that every batch it answered 200 is wholly there and no batch is there in
/// part.
@Suite(.serialized) struct AnalyticsCrashTests {
    static let eventsPerBatch = 100

    /// Batch `n`'s events: ids `k<n>-<i>`, property `batch` = `b<n>`, a few users.
    static func batch(_ n: Int) -> [Substring] {
        (0..<eventsPerBatch).map { i in
            let event = nativeEventJSON(id: "k\(n)-\(i)", user: "crash-\(n % 7)", timestamp: Timestamp.format(1_767_607_200_000 + Int64(n * 1000 + i)),
                                        properties: ["batch": "b\(n)", "i": i])
            return Substring(String(decoding: (try? JSONSerialization.data(withJSONObject: event)) ?? Data(), as: UTF8.self))
        }
    }

    @Test func acknowledgedBatchesSurviveKill9Whole() async throws {
        let dir = NSTemporaryDirectory() + "sextant-events-crash-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = ServerProcess.freePort()
        let server = try ServerProcess(data: dir, port: port)
        try await server.waitReady()
        let ackedNow = Set(await server.kill9DuringWrites { n in
            // Bounded: the server is killed long before.
            guard n < 2000, let (status, _) = try? await AnalyticsE2E.post(server, events: AnalyticsCrashTests.batch(n), batchID: "crash-\(n)"),
                  status == 200 else { return nil }
            return AnalyticsCrashTests.eventsPerBatch
        }.keys)
        #expect(ackedNow.count >= 20, "the writers should have been answered many times before the kill")

        let restarted = try ServerProcess(data: dir, port: port)
        defer { restarted.stop() }
        try await restarted.waitReady()
        let answer = try await AnalyticsE2E.analysis(restarted, "trends", """
            {"measure": "count", "interval": "month", "breakdown": "properties.batch", "breakdown_limit": 1000}
            """)
        let counts = AnalyticsE2E.totals(answer)
        let missing = ackedNow.filter { counts["b\($0)"] != Double(AnalyticsCrashTests.eventsPerBatch) }
        #expect(missing.isEmpty, "acknowledged batches lost or cut: \(missing.sorted())")
        let partial = counts.filter { $0.value != Double(AnalyticsCrashTests.eventsPerBatch) }
        #expect(partial.isEmpty, "batches stored in part: \(partial)")
    }
}
