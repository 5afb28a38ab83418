import CompressNIO
import EventStore
import Foundation
@testable import Ingest
import NIOCore
import Testing

@Suite struct PostHogDecoderTests {
    let context = PostHogContext(now: testNow)

    func decode(_ json: String, context: PostHogContext? = nil) throws -> PostHogBatch {
        try PostHogDecoder.decode(Array(json.utf8), context: context ?? self.context)
    }

    @Test func singleEventMapsToSextantsEvent() throws {
        let b = try decode("""
        {"api_key": "phc_key", "event": "$pageview", "distinct_id": "user-1", "uuid": "0190A8F4-1B2C-7D3E-8F40-123456789ABC",
         "timestamp": "2026-01-05T09:00:00.000Z",
         "properties": {"$session_id": "s-9", "$os": "Mac OS X", "$os_version": "14.5", "$browser": "Chrome",
                        "$browser_version": 130, "$app_version": "2.0", "$lib": "web", "$current_url": "https://x/",
                        "token": "phc_key", "distinct_id": "user-1", "plan": "pro"},
         "$set": {"plan": "pro"}, "$set_once": {"first_seen": "2026-01-01"}}
        """)
        #expect(b.token == "phc_key")
        #expect(b.problems.isEmpty)
        let e = try #require(b.events.first)
        #expect(e.id == "0190a8f4-1b2c-7d3e-8f40-123456789abc")
        #expect(e.timestamp == testNow - 3_600_000)
        #expect(e.userId == "user-1")
        #expect(e.sessionId == "s-9")
        #expect(e.eventType == "posthog")
        #expect(e.category == "usage")
        #expect(e.action == "$pageview")
        #expect(e.device == DeviceInfo(platform: "Mac OS X", appVersion: "2.0", osVersion: "14.5"))
        #expect(e.properties["token"] == nil && e.properties["distinct_id"] == nil && e.properties["$session_id"] == nil)
        #expect(e.properties["$current_url"] == .string("https://x/"))
        #expect(e.properties["$browser_version"] == .number(130))
        #expect(e.properties["$set"] == .json(#"{"plan":"pro"}"#))
        #expect(e.properties["$set_once"] == .json(#"{"first_seen":"2026-01-01"}"#))
    }

    @Test func batchAndArrayShapes() throws {
        let batch = try decode(#"{"api_key": "k", "batch": [{"event": "a", "distinct_id": 42}, {"event": "b", "$distinct_id": "x"}]}"#)
        #expect(batch.events.map(\.action) == ["a", "b"])
        #expect(batch.events.map(\.userId) == ["42", "x"])
        let array = try decode(#"[{"event": "a", "properties": {"distinct_id": "from-props", "token": "k"}}]"#)
        #expect(array.events.first?.userId == "from-props")
        #expect(array.token == "k")
        #expect(try decode(#"{"event": "a", "distinct_id": {"b": 1, "a": [2]}}"#).events.first?.userId == #"{"b":1,"a":[2]}"#)
        let long = String(repeating: "é", count: 150)
        #expect(try decode(#"{"event": "a", "distinct_id": "\#(long)"}"#).events.first?.userId == String(repeating: "é", count: 100))
    }

    @Test func badEventsAreRefusedOneByOne() throws {
        let b = try decode(#"[{"event": "ok", "distinct_id": "u"}, {"event": "", "distinct_id": "u"}, {"event": "x"}, {"event": "x", "distinct_id": "u", "uuid": "nope"}, 5, {"event": "x", "distinct_id": null}]"#)
        #expect(b.events.map(\.action) == ["ok"])
        #expect(b.problems.map(\.index) == [1, 2, 3, 4, 5])
        #expect(b.problems.map(\.field) == ["event", "distinct_id", "uuid", "", "distinct_id"])
        #expect(b.problems[0].message == "event submitted with an empty event name")
        #expect(b.problems[1].message == "event submitted without a distinct_id")
    }

    @Test func wholeRequestErrors() {
        func code(_ json: String, keys: Set<String> = []) -> IngestError.Code? {
            var c = context
            c.apiKeys = keys
            do {
                _ = try PostHogDecoder.decode(Array(json.utf8), context: c)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code("{oops") == .badJSON)
        #expect(code("[]") == .badJSON)
        #expect(code("3") == .badJSON)
        #expect(code(#"{"batch": {}}"#) == .badJSON)
        #expect(code(#"[{"event":"a","distinct_id":"u","token":"t1"},{"event":"a","distinct_id":"u","token":"t2"}]"#) == .unauthorized)
        #expect(code(#"{"event":"a","distinct_id":"u","api_key":"phx_personal"}"#) == .unauthorized)
        #expect(code(#"{"event":"a","distinct_id":"u"}"#, keys: ["right"]) == .unauthorized)
        #expect(code(#"{"event":"a","distinct_id":"u","token":"wrong"}"#, keys: ["right"]) == .unauthorized)
        #expect(code(#"{"event":"a","distinct_id":"u","token":"right"}"#, keys: ["right"]) == nil)
        #expect(code(#"{"event":"a","distinct_id":"u"}"#) == nil)
        var c = context
        c.limits.maxEventsPerBatch = 1
        #expect(throws: IngestError.self) { try PostHogDecoder.decode(Array(#"[{"event":"a","distinct_id":"u"},{"event":"a","distinct_id":"u"}]"#.utf8), context: c) }
    }

    @Test func identifyAndAliasAskForMerges() throws {
        let b = try decode("""
        {"batch": [
          {"event": "$identify", "distinct_id": "user@x", "properties": {"$anon_distinct_id": "anon-1"}},
          {"event": "$create_alias", "distinct_id": "user@x", "properties": {"alias": "other-id"}},
          {"event": "$merge_dangerously", "distinct_id": "user@x", "properties": {"alias": "third"}},
          {"event": "$identify", "distinct_id": "user@x", "properties": {"$anon_distinct_id": "user@x"}},
          {"event": "$identify", "distinct_id": "user@x", "properties": {"$anon_distinct_id": "undefined"}},
          {"event": "$create_alias", "distinct_id": "null", "properties": {"alias": "someone"}}
        ]}
        """)
        #expect(b.events.count == 6)
        #expect(b.merges == [.init(alias: "anon-1", into: "user@x"), .init(alias: "other-id", into: "user@x"),
                             .init(alias: "third", into: "user@x")])
    }

    @Test func pseudonymisationCoversMergesAndIdentityProperties() throws {
        let rules = PrivacyRules(pseudonymizeKey: "k")
        let b = try decode(#"{"event": "$identify", "distinct_id": "user", "$set": {"email": "a@b", "plan": "x"}, "properties": {"$anon_distinct_id": "anon", "$session_id": "s", "$ip": "1.2.3.4"}}"#,
                           context: PostHogContext(now: testNow, privacy: rules))
        let e = try #require(b.events.first)
        #expect(e.userId == rules.pseudonymize("user"))
        #expect(e.sessionId == rules.pseudonymize("s"))
        #expect(e.properties["$anon_distinct_id"] == .string(rules.pseudonymize("anon")))
        #expect(e.properties["$ip"] == nil)
        #expect(e.properties["$set"] == .json(#"{"plan":"x"}"#))
        #expect(b.merges == [.init(alias: rules.pseudonymize("anon"), into: rules.pseudonymize("user"))])
    }

    @Test func connectionAddressIsStoredOnlyWhenAsked() throws {
        let json = #"{"event": "a", "distinct_id": "u"}"#
        #expect(try decode(json, context: PostHogContext(now: testNow, clientIP: "127.0.0.5")).events.first?.properties["$ip"] == nil)
        let keep = PostHogContext(now: testNow, clientIP: "127.0.0.5", privacy: PrivacyRules(storeIP: true))
        #expect(try decode(json, context: keep).events.first?.properties["$ip"] == .string("127.0.0.5"))
    }

    @Test func timestampsFollowPostHog() throws {
        let now = testNow
        // sent_at one hour ahead of the server: corrected by 1h less the 150 s dead band.
        #expect(PostHogTime.resolve(timestamp: "2026-01-05T10:30:00Z", offset: nil, sentAt: now + 3_600_000, ignoreSentAt: false, now: now)
            == now + 1_800_000 - 3_600_000 + 150_000)
        #expect(PostHogTime.resolve(timestamp: "2026-01-05T10:30:00Z", offset: nil, sentAt: now + 3_600_000, ignoreSentAt: true, now: now)
            == now + 1_800_000)
        #expect(PostHogTime.resolve(timestamp: nil, offset: 5_000, sentAt: nil, ignoreSentAt: false, now: now) == now - 5_000)
        #expect(PostHogTime.resolve(timestamp: "garbage", offset: nil, sentAt: nil, ignoreSentAt: false, now: now) == now)
        #expect(PostHogTime.resolve(timestamp: "2026-01-07T00:00:00Z", offset: nil, sentAt: nil, ignoreSentAt: false, now: now) == now)
        let b = try decode(#"{"batch": [{"event": "a", "distinct_id": "u", "timestamp": "2026-01-05T10:00:00Z"}], "sent_at": "2026-01-05T10:10:00.000Z"}"#)
        #expect(b.events.first?.timestamp == now - 600_000 + 150_000)
    }

    @Test func propertyLimitsApply() throws {
        var c = context
        c.limits.maxPropertyDepth = 2
        let b = try decode(#"[{"event": "a", "distinct_id": "u", "properties": {"x": [[[1]]]}}, {"event": "b", "distinct_id": "u", "properties": {"x": [[1]]}}]"#, context: c)
        #expect(b.problems.map(\.field) == ["properties.x"])
        #expect(b.events.first?.properties["x"] == .json("[[1]]"))
    }
}

@Suite struct PostHogPayloadTests {
    let json = #"{"event":"a","distinct_id":"u"}"#
    let limits = EventLimits()

    func gzip(_ s: String) throws -> [UInt8] {
        var b = ByteBuffer(string: s)
        return Array(buffer: try b.compress(with: .gzip()))
    }

    func extract(_ r: PostHogPayload.Request) throws -> String {
        String(decoding: try PostHogPayload.extract(r, limits: limits), as: UTF8.self)
    }

    @Test func everyWayTheSDKsSendIt() throws {
        let b64 = Data(json.utf8).base64EncodedString()
        #expect(try extract(.init(body: Array(json.utf8))) == json)
        #expect(try extract(.init(body: Array(b64.utf8))) == json)
        #expect(try extract(.init(query: [("data", json)])) == json)
        #expect(try extract(.init(query: [("data", b64)])) == json)
        #expect(try extract(.init(query: [("compression", "gzip-js")], body: try gzip(json))) == json)
        #expect(try extract(.init(body: try gzip(json))) == json)  // found by its magic bytes
        #expect(try extract(.init(contentEncoding: "gzip", body: try gzip(json))) == json)
        let form = "data=" + b64.replacingOccurrences(of: "+", with: "%2B") + "&compression=base64"
        #expect(try extract(.init(contentType: "application/x-www-form-urlencoded", body: Array(form.utf8))) == json)
        let lz = "NobwRApgbhB2AuYBcYAkAHAhgc2gSwgHcwAaMdAJwHt0IL4CBnZceKgazmTEwCMBjUmAAmeRg1j94AfTzDuAVwCMYAL6qAukA==="
        #expect(try extract(.init(query: [("compression", "lz64")], contentType: "application/x-www-form-urlencoded",
                                  body: Array("data=\(lz)".utf8)))
            == #"[{"event":"$pageview","properties":{"token":"abc","distinct_id":"u1"}}]"#)
    }

    @Test func problemsAreReported() {
        func code(_ r: PostHogPayload.Request, limits: EventLimits = EventLimits()) -> IngestError.Code? {
            do {
                _ = try PostHogPayload.extract(r, limits: limits)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code(.init()) == .badJSON)
        #expect(code(.init(contentType: "application/x-www-form-urlencoded", body: Array(json.utf8))) == .badJSON)
        #expect(code(.init(query: [("compression", "gzip")], body: Array("not gzip".utf8))) == .badCompression)
        #expect(code(.init(query: [("compression", "lz64")], body: Array("%%%".utf8))) == .badCompression)
        #expect(code(.init(body: Array(String(repeating: " ", count: 200).utf8)), limits: EventLimits(maxDecodedBytes: 100)) == .tooLarge)
    }
}
