@testable import EventStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import MetricsTestKit
import Synchronization
@testable import Web

/// An `EventWriter` in memory, deduplicating by event id and batch id as the real store must.
final class FakeEventWriter: EventWriter {
    struct State {
        var events: [Event] = []
        var merges: [(alias: String, person: String)] = []
        var batches: Set<String> = []
        var ids: Set<String> = []
        var failing = false
    }

    let state = Mutex(State())

    var events: [Event] { state.withLock { $0.events } }
    var merges: [(alias: String, person: String)] { state.withLock { $0.merges } }

    func fail(_ on: Bool) { state.withLock { $0.failing = on } }

    func append(_ events: [Event], batchID: String?) throws -> AppendOutcome {
        try state.withLock { s in
            if s.failing { throw TestFailure("disk on fire") }
            if let batchID, !s.batches.insert(batchID).inserted { return AppendOutcome(stored: 0, duplicateBatch: true) }
            var out = AppendOutcome(stored: 0)
            for (i, e) in events.enumerated() {
                // A limit of the store's own, as the real store has (EventStoreLimits).
                if e.action == "refused-by-store" {
                    out.rejections.append(AppendOutcome.Rejection(index: i, message: "event \(e.id): action refused by the store"))
                    continue
                }
                if s.ids.insert(e.id).inserted {
                    s.events.append(e)
                    out.stored += 1
                } else {
                    out.duplicates.append(i)
                }
            }
            return out
        }
    }

    func mergeUser(_ alias: String, into person: String) throws {
        try state.withLock { s in
            if s.failing { throw TestFailure("disk on fire") }
            s.merges.append((alias, person))
        }
    }
}

/// 2026-01-05T10:00:00Z: the server clock of the event tests.
let eventNow: Int64 = 1_767_607_200_000

/// An application serving only the event routes, over `writer`, with the clock fixed at
/// `eventNow` unless `now` is given.
func eventApp(_ writer: any EventWriter, config: AnalyticsConfig = AnalyticsConfig(), metrics: TestMetrics = TestMetrics(),
              now: @escaping @Sendable () -> Int64 = { eventNow }) -> some ApplicationProtocol {
    let router = Router(context: SextantRequestContext.self)
    let sink = EventSink(writer: writer, config: config, metrics: EventMetrics(factory: metrics), now: now)
    EventRoutes(sink: sink).register(on: router)
    PostHogRoutes(sink: sink).register(on: router)
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
}

/// One native event as gen_events.py writes it.
func nativeEventJSON(id: String, user: String = "u0000001", canTrack: Bool = true, canProfile: Bool = true,
                     timestamp: String = "2026-01-05T09:59:00.000Z", properties: [String: Any] = ["screen": "home"]) -> [String: Any] {
    ["id": id, "timestamp": timestamp, "userId": user, "sessionId": "\(user)-s1", "eventType": "user_action",
     "category": "navigation", "action": "screen_view", "properties": properties,
     "deviceInfo": ["platform": "ios", "appVersion": "3.2.1", "osVersion": "17.4"],
     "privacyFlags": ["canTrack": canTrack, "canProfile": canProfile, "canShare": false,
                      "consentDate": "2026-01-01T00:00:00.000Z", "consentVersion": "2026-01"]]
}

func jsonBody(_ object: Any) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
}
