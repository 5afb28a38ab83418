import EventStore
import Foundation
@testable import Ingest
import Testing

@Suite struct EventPrivacyTests {
    let limits = EventLimits()

    @Test func noConsentIsNeverStoredOnlyCounted() throws {
        let batch = try decodeNative([nativeEvent(id: "a"),
                                      nativeEvent(["privacyFlags": ["canTrack": false, "canProfile": false]], id: "b")])
        let p = batch.prepare(now: testNow, limits: limits, privacy: PrivacyRules())
        #expect(p.events.map(\.id) == ["a"])
        #expect(p.droppedNoConsent == 1)
        #expect(p.problems.isEmpty)
    }

    @Test func noProfilingConsentDropsUserAndSession() throws {
        let batch = try decodeNative([nativeEvent(["privacyFlags": ["canTrack": true, "canProfile": false],
                                                   "properties": ["$ip": "10.0.0.1", "screen": "home"]])])
        let p = batch.prepare(now: testNow, limits: limits, privacy: PrivacyRules(storeIP: true), clientIP: "127.0.0.1")
        let e = try #require(p.events.first)
        #expect(e.userId == nil)
        #expect(e.sessionId == nil)
        #expect(e.properties == ["screen": .string("home")])
        #expect(e.action == "screen_view")
    }

    @Test func pseudonymisesUserAndSessionWithHMAC() throws {
        let rules = PrivacyRules(pseudonymizeKey: "secret")
        let p = try decodeNative([nativeEvent()]).prepare(now: testNow, limits: limits, privacy: rules)
        let e = try #require(p.events.first)
        #expect(e.userId == HMACSHA256(key: Array("secret".utf8)).hex("u0000001"))
        #expect(e.userId?.count == 64)
        #expect(e.sessionId == rules.pseudonymize("u0000001-s1"))
        #expect(!rules.description.contains("secret"))
        #expect(PrivacyRules().pseudonymize("u1") == "u1")
    }

    @Test func ipIsKeptOnlyWhenConfigured() throws {
        let events = [nativeEvent(["properties": ["$ip": "203.0.113.9", "a": 1]], id: "sent"), nativeEvent(["properties": [:]], id: "conn")]
        let off = PrivacyRules()
        let dropped = try decodeNative(events, scrubber: off.scrubber).prepare(now: testNow, limits: limits, privacy: off, clientIP: "127.0.0.9")
        #expect(dropped.events.map { $0.properties["$ip"] } == [nil, nil])
        let on = PrivacyRules(storeIP: true)
        let kept = try decodeNative(events, scrubber: on.scrubber).prepare(now: testNow, limits: limits, privacy: on, clientIP: "127.0.0.9")
        #expect(kept.events.map { $0.properties["$ip"] } == [.string("203.0.113.9"), .string("127.0.0.9")])
    }

    @Test func scrubKeysAreConfigurable() {
        let s = KeyScrubber(keys: ["email", "Plan"])
        #expect(s.matches("EMAIL") && s.matches("plan") && !s.matches("phone"))
        var v = JSONValue.object([JSONMember("plan", .string("x")), JSONMember("keep", .array([.object([JSONMember("Email", .null)])]))])
        s.scrub(&v)
        #expect(v.compactText == #"{"keep":[{}]}"#)
        #expect(KeyScrubber(keys: []).isEmpty)
    }

    @Test func timestampsBefore2000OrTooFarAheadAreRejected() throws {
        let batch = try decodeNative([nativeEvent(["timestamp": "1999-12-31T23:59:59Z"], id: "old"),
                                      nativeEvent(["timestamp": "2026-01-06T10:00:01Z"], id: "future"),
                                      nativeEvent(["timestamp": "2026-01-06T09:59:59Z"], id: "ok")])
        let p = batch.prepare(now: testNow, limits: limits, privacy: PrivacyRules())
        #expect(p.events.map(\.id) == ["ok"])
        #expect(p.problems.map(\.index) == [0, 1])
        #expect(p.problems[0].message == "1999-12-31T23:59:59.000Z is before 2000-01-01")
        #expect(p.problems[1].message == "2026-01-06T10:00:01.000Z is more than 1d after the server's time 2026-01-05T10:00:00.000Z")
    }

    @Test func clientClockSkewIsCorrectedBeyondTheDeadBand() throws {
        // The sender's clock is one hour ahead: its events are moved back by 1h minus 150 s.
        let ahead = try NativeEventDecoder.decode(envelope([nativeEvent(["timestamp": "2026-01-05T10:59:00Z"])],
                                                          clientTimestamp: "2026-01-05T11:00:00Z"))
        let p = ahead.prepare(now: testNow, limits: limits, privacy: PrivacyRules())
        #expect(p.clockCorrection == 3_600_000 - 150_000)
        #expect(p.events.first?.timestamp == testNow - 60_000 + 150_000)
        // Within the dead band (transit time) nothing moves.
        let near = try NativeEventDecoder.decode(envelope([nativeEvent()], clientTimestamp: "2026-01-05T09:59:30Z"))
        #expect(near.prepare(now: testNow, limits: limits, privacy: PrivacyRules()).events.first?.timestamp == testNow - 60_000)
        #expect(ClockSkew.correction(sentAt: testNow - 200_000, receivedAt: testNow) == -50_000)
    }
}
