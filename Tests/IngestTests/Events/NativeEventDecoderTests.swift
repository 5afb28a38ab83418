import EventStore
import Foundation
@testable import Ingest
import Testing

@Suite struct NativeEventDecoderTests {
    @Test func decodesTheGeneratorsFormat() throws {
        let batch = try decodeNative([nativeEvent(["value": 9.99, "label": "monthly", "userSegment": "power",
                                                   "properties": ["plan": "monthly", "n": 3, "trial": true, "x": NSNull(),
                                                                  "tags": ["a", "b"], "nested": ["k": ["v": 1]]]])])
        #expect(batch.count == 1)
        #expect(batch.problems.isEmpty)
        let e = try #require(batch.events.first)
        #expect(e.index == 0)
        #expect(e.event == Event(id: "u0000001-1", timestamp: testNow - 60_000, userId: "u0000001", sessionId: "u0000001-s1",
                                 eventType: "user_action", category: "navigation", action: "screen_view", label: "monthly",
                                 value: 9.99,
                                 properties: ["plan": .string("monthly"), "n": .number(3), "trial": .bool(true), "x": .null,
                                              "tags": .json(#"["a","b"]"#), "nested": .json(#"{"k":{"v":1}}"#)],
                                 device: DeviceInfo(platform: "ios", appVersion: "3.2.1", osVersion: "17.4"),
                                 userSegment: "power"))
        #expect(e.consent == Consent(canTrack: true, canProfile: true, canShare: false,
                                     consentDate: 1_767_225_600_000, consentVersion: "2026-01"))
    }

    @Test func envelopeFields() throws {
        let batch = try NativeEventDecoder.decode(envelope([nativeEvent()], batchID: "b-1", clientTimestamp: "2026-01-05T10:05:00Z"))
        #expect(batch.batchID == "b-1")
        #expect(batch.clientTimestamp == testNow + 300_000)
    }

    /// (key, its JSON value or nil to remove it, field at fault, message).
    @Test(arguments: [
        ("id", nil, "id", "missing"),
        ("id", #""""#, "id", "must not be empty"),
        ("id", "7", "id", "must be a string, not a number"),
        ("timestamp", #""yesterday""#, "timestamp", "is not an RFC 3339 timestamp"),
        ("timestamp", "1767607200", "timestamp", "must be an RFC 3339 string, not a number"),
        ("sessionId", nil, "sessionId", "missing"),
        ("action", "\"" + String(repeating: "x", count: 300) + "\"", "action", "is 300 bytes, longer than the limit of 256"),
        ("userId", #"["nested"]"#, "userId", "must be a string or null, not an array"),
        ("value", #""9.99""#, "value", "must be a number or null, not a string"),
        ("properties", #""plan=monthly""#, "properties", "must be an object, not a string"),
        ("deviceInfo", nil, "deviceInfo", "missing"),
        ("deviceInfo", #"{"platform": 3}"#, "deviceInfo.platform", "must be a string or null, not a number"),
        ("privacyFlags", #"{"canProfile": true}"#, "privacyFlags.canTrack", "missing"),
        ("privacyFlags", #"{"canTrack": "yes", "canProfile": true}"#, "privacyFlags.canTrack", "must be true or false, not a string"),
        ("properties", #"{"big": ""# + String(repeating: "y", count: 70_000) + #""}"#, "properties.big", "longer than the limit of 65536"),
        ("properties", #"{"deep": [[[[[[[[[["x"]]]]]]]]]]}"#, "properties.deep", "nested deeper than 8 levels"),
    ] as [(String, String?, String, String)])
    func rejectsOneEventWithItsReason(key: String, value: String?, field: String, message: String) throws {
        let v = try value.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
        let batch = try decodeNative([nativeEvent(id: "good-0"), nativeEvent([key: v], id: "bad"), nativeEvent(id: "good-2")])
        #expect(batch.events.map(\.index) == [0, 2])
        #expect(batch.problems.count == 1)
        let p = try #require(batch.problems.first)
        #expect(p.index == 1)
        #expect(p.field == field)
        #expect(p.message.contains(message), "\(p)")
    }

    @Test func limitsOnCountsAndSizes() throws {
        var many: [String: Any] = [:]
        for i in 0..<20 { many["k\(i)"] = i }
        let limits = EventLimits(maxEventBytes: 600, maxProperties: 10)
        let batch = try decodeNative([nativeEvent(["properties": many]),
                                      nativeEvent(["label": String(repeating: "z", count: 700)])], limits: limits)
        #expect(batch.problems.map(\.field) == ["properties", ""])
        #expect(batch.problems[0].message == "has more than 10 properties")
        #expect(batch.problems[1].message.hasPrefix("is ") && batch.problems[1].message.hasSuffix("bytes, more than the limit of 600"))

        do {
            _ = try decodeNative((0..<4).map { nativeEvent(id: "e\($0)") }, limits: EventLimits(maxEventsPerBatch: 3))
            Issue.record("expected tooLarge")
        } catch let e as IngestError {
            #expect(e.code == .tooLarge)
            #expect(e.message == "batch has more than 3 events")
        }
    }

    @Test func nonObjectElementsAreRejectedNotFatal() throws {
        let body = Array(#"{"events": [1, "x", null, {"id": 3}]}"#.utf8)
        let batch = try NativeEventDecoder.decode(body)
        #expect(batch.count == 4)
        #expect(batch.problems.map(\.message) == ["must be a JSON object, not a number", "must be a JSON object, not a string",
                                                  "must be a JSON object, not null", "must be a string, not a number"])
    }

    @Test(arguments: [
        ("<html>", "expected a value", 0),
        ("[]", "must be a JSON object", 0),
        (#"{"event": []}"#, "no \"events\" array", 0),
        (#"{"events": {}}"#, "\"events\" must be an array", 11),
        (#"{"events": [{"id": "a",}]}"#, "expected a quoted key", 23),
        (#"{"events": [], "batchId": 5}"#, "\"batchId\" must be a string", 26),
        (#"{"events": [], "clientTimestamp": "soon"}"#, "RFC 3339", 34),
    ])
    func refusesBadEnvelopesWithPositions(text: String, phrase: String, offset: Int) {
        do {
            _ = try NativeEventDecoder.decode(Array(text.utf8))
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.code == .badJSON)
            #expect(error.message.contains(phrase), "\(error)")
            #expect(error.offset == offset, "\(error)")
        }
    }

    @Test func scrubsKeysAtEveryDepthIgnoringCase() throws {
        let props: [String: Any] = ["Email": "a@b.c", "plan": "pro",
                                    "profile": ["phone": "123", "city": "Oslo", "list": [["NAME": "x", "ok": 1]]]]
        let batch = try decodeNative([nativeEvent(["properties": props])], scrubber: KeyScrubber(keys: KeyScrubber.defaultKeys))
        let p = try #require(batch.events.first).event.properties
        #expect(p["Email"] == nil)
        #expect(p["plan"] == .string("pro"))
        #expect(p["profile"] == .json(#"{"city":"Oslo","list":[{"ok":1}]}"#))
    }

    @Test func unknownFieldsAreIgnoredAndEscapedKeysMatch() throws {
        let body = Array(#"{"events": [{"future": {"a": [1]}, "\u0069d": "e1", "timestamp": "2026-01-05T10:00:00Z", "sessionId": "s", "eventType": "t", "category": "c", "action": "a", "deviceInfo": {}, "privacyFlags": {"canTrack": true, "canProfile": false}}], "extra": 1}"#.utf8)
        let batch = try NativeEventDecoder.decode(body)
        #expect(batch.problems.isEmpty)
        #expect(batch.events.first?.event.id == "e1")
        #expect(batch.events.first?.consent.canProfile == false)
    }
}
