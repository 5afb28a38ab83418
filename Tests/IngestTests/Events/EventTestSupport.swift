import EventStore
import Foundation
@testable import Ingest

/// 2026-01-05T10:00:00Z, the server's clock in these tests.
let testNow: Int64 = 1_767_607_200_000

/// One event in the native format, as gen_events.py writes them, with fields overridable.
func nativeEvent(_ overrides: [String: Any?] = [:], id: String = "u0000001-1") -> [String: Any] {
    var e: [String: Any] = [
        "id": id, "timestamp": "2026-01-05T09:59:00.000Z", "userId": "u0000001", "sessionId": "u0000001-s1",
        "eventType": "user_action", "category": "navigation", "action": "screen_view",
        "properties": ["screen": "home"],
        "deviceInfo": ["platform": "ios", "appVersion": "3.2.1", "osVersion": "17.4"],
        "privacyFlags": ["canTrack": true, "canProfile": true, "canShare": false,
                         "consentDate": "2026-01-01T00:00:00.000Z", "consentVersion": "2026-01"],
    ]
    for (k, v) in overrides {
        if let v { e[k] = v } else { e.removeValue(forKey: k) }
    }
    return e
}

func envelope(_ events: [[String: Any]], batchID: String? = nil, clientTimestamp: String? = nil) -> [UInt8] {
    var body: [String: Any] = ["events": events]
    if let batchID { body["batchId"] = batchID }
    if let clientTimestamp { body["clientTimestamp"] = clientTimestamp }
    return Array(try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
}

func decodeNative(_ events: [[String: Any]], limits: EventLimits = EventLimits(),
                  scrubber: KeyScrubber = KeyScrubber(keys: [])) throws -> NativeBatch {
    try NativeEventDecoder.decode(envelope(events), limits: limits, scrubber: scrubber)
}
