import Foundation
@testable import SextantClient
import Testing

/// The hand-written event encoder, read back by Foundation's JSON parser as the outside reference.
@Suite struct EventJSONTests {
    static let tricky = ["", "plain", "quote \" and backslash \\", "lines\n\r\ttabs", "controls \u{01}\u{08}\u{0C}\u{1F}\u{7F}",
                         "é 漢字 🎉 \u{2028}", "</script>", "slash / ok"]
    static let numbers: [Double] = [0, -1, 1.5, 0.1, 1e-7, 1e21, 123_456_789_012_345_680, -0.0, 9_007_199_254_740_994,
                                    .greatestFiniteMagnitude, .leastNonzeroMagnitude, -2.5e-300, 42]

    func event(_ text: String, value: Double?, properties: [String: EventProperty]) -> TrackedEvent {
        TrackedEvent(id: "id-\(text)", timestamp: "2026-01-01T00:00:00.000Z", userId: text.isEmpty ? nil : text, sessionId: text,
                     eventType: "user_action", category: text, action: text, label: text, value: value, properties: properties,
                     deviceInfo: DeviceInfo(platform: text, appVersion: "1", osVersion: "2"), userSegment: nil,
                     privacyFlags: .init(Consent(canTrack: true, canProfile: false, canShare: true, consentDate: Date(timeIntervalSince1970: 0),
                                                 consentVersion: text)))
    }

    @Test(arguments: tricky)
    func stringsRoundTrip(text: String) throws {
        let properties: [String: EventProperty] = [text: .string(text), "nested": ["a": [.string(text), .null, true]]]
        let json = EventJSON.encode(event(text, value: nil, properties: properties))
        let decoded = try JSONDecoder().decode(WireEvent.self, from: Data(json))
        #expect(decoded.action == text && decoded.category == text && decoded.label == text && decoded.sessionId == text)
        #expect(decoded.deviceInfo.platform == text && decoded.privacyFlags.consentVersion == text)
        #expect(decoded.userId == (text.isEmpty ? nil : text))
        #expect(decoded.value == nil)
        #expect(decoded.properties[text] == .string(text))
        #expect(decoded.properties["nested"] == .object(["a": .array([.string(text), .null, .bool(true)])]))
        #expect(decoded.privacyFlags.canTrack && !decoded.privacyFlags.canProfile && decoded.privacyFlags.canShare)
    }

    @Test(arguments: numbers)
    func numbersRoundTrip(number: Double) throws {
        let json = EventJSON.encode(event("n", value: number, properties: ["x": .number(number), "list": [.number(number)]]))
        let decoded = try JSONDecoder().decode(WireEvent.self, from: Data(json))
        #expect(decoded.value == number)
        #expect(decoded.properties["x"] == .number(number))
        #expect(decoded.properties["list"] == .array([.number(number)]))
    }

    @Test func emptyPropertiesAreAnEmptyObject() throws {
        let json = String(decoding: EventJSON.encode(event("a", value: nil, properties: [:])), as: UTF8.self)
        #expect(json.contains(#""properties":{}"#))
        #expect(!json.contains("\"value\""))
        #expect(!json.contains("\"userSegment\""))
    }
}
