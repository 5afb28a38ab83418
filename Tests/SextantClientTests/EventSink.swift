import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Synchronization

/// An event, decoded by its own mirror of the documented wire format (not the client's type),
/// so a change to the client's encoding that breaks the format fails here.
struct WireEvent: Decodable, Hashable, Sendable {
    struct Device: Decodable, Hashable, Sendable {
        var platform: String
        var appVersion: String
        var osVersion: String
    }

    struct Privacy: Decodable, Hashable, Sendable {
        var canTrack: Bool
        var canProfile: Bool
        var canShare: Bool
        var consentDate: String
        var consentVersion: String
    }

    var id: String
    var timestamp: String
    var userId: String?
    var sessionId: String
    var eventType: String
    var category: String
    var action: String
    var label: String?
    var value: Double?
    var properties: [String: JSONValue]
    var deviceInfo: Device
    var userSegment: String?
    var privacyFlags: Privacy
}

/// Any JSON value, for checking properties as the server would see them.
enum JSONValue: Decodable, Hashable, Sendable {
    case string(String), number(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}

struct WireEnvelope: Decodable, Sendable {
    var events: [WireEvent]
    var batchId: String
    var clientTimestamp: String
}

/// One request the sink received, as it came.
struct ReceivedRequest: Sendable {
    var contentEncoding: String?
    var contentType: String?
    var envelope: WireEnvelope?
    var status: Int
}

/// A stand-in for Sextant's events endpoint: decodes gzip, records every request, stores each
/// batch once by batchId (as the real endpoint promises), and answers as scripted.
final class EventSink: Sendable {
    enum Answer: Sendable {
        /// Answer with this status; only 2xx stores the batch.
        case status(Int)
        /// Store the batch, then answer 503: the reply was "lost", so the client retries a batch
        /// the server already has.
        case storeThenFail
        /// Store the batch but its first event, and say so per event in a 200.
        case rejectFirstEvent
    }

    private struct State {
        var script: [Answer]
        var requests: [ReceivedRequest] = []
        var stored: [(batchId: String, events: [WireEvent])] = []
    }

    private let state: Mutex<State>

    init(script: [Answer] = []) {
        state = Mutex(State(script: script))
    }

    var requests: [ReceivedRequest] { state.withLock { $0.requests } }
    /// Batches stored, in arrival order, each batchId once.
    var storedBatches: [(batchId: String, events: [WireEvent])] { state.withLock { $0.stored } }
    var storedEvents: [WireEvent] { storedBatches.flatMap(\.events) }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/api/analytics/events") { request, context -> Response in
            var body = try await request.body.collect(upTo: 16 << 20)
            let encoding = request.headers[.contentEncoding]
            if encoding == "gzip" { body = try body.decompress(with: .gzip(), maxSize: 64 << 20) }
            guard let envelope = try? JSONDecoder().decode(WireEnvelope.self, from: Data(body.readableBytesView)) else {
                self.record(ReceivedRequest(contentEncoding: encoding, contentType: request.headers[.contentType], envelope: nil, status: 400))
                return Response(status: .badRequest)
            }
            return self.answer(envelope, encoding: encoding, contentType: request.headers[.contentType])
        }
        return router
    }

    private func record(_ request: ReceivedRequest) {
        state.withLock { $0.requests.append(request) }
    }

    private func answer(_ envelope: WireEnvelope, encoding: String?, contentType: String?) -> Response {
        var rejected = false
        let (status, duplicate) = state.withLock { state -> (Int, Bool) in
            let answer = state.script.isEmpty ? .status(200) : state.script.removeFirst()
            let duplicate = state.stored.contains { $0.batchId == envelope.batchId }
            let status: Int
            var events = envelope.events
            switch answer {
            case .status(let code): status = code
            case .storeThenFail: status = 503
            case .rejectFirstEvent:
                status = 200
                events.removeFirst()
                rejected = true
            }
            let stores = if case .storeThenFail = answer { true } else { (200..<300).contains(status) }
            if stores && !duplicate { state.stored.append((envelope.batchId, events)) }
            state.requests.append(ReceivedRequest(contentEncoding: encoding, contentType: contentType, envelope: envelope, status: status))
            return (status, duplicate)
        }
        guard (200..<300).contains(status) else {
            return Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: #"{"error":"scripted"}"#)))
        }
        let count = envelope.events.count - (rejected ? 1 : 0)
        let errors = rejected ? #"[{"index":0,"field":"timestamp","message":"scripted rejection"}]"# : "[]"
        let reply = #"{"accepted":\#(duplicate ? 0 : count),"rejected":\#(rejected ? 1 : 0),"errors":\#(errors),"batchId":"\#(envelope.batchId)","duplicates":\#(duplicate ? count : 0)}"#
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: reply)))
    }

    /// Runs a live server on a free loopback port for the duration of `body`.
    func serve<T: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> T) async throws -> T {
        let app = Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port ?? 0)")
        }
    }
}

/// A loopback URL where nothing listens: a port bound and released again.
func deadServerURL() async throws -> String {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 9
    try await channel.close()
    return "http://127.0.0.1:\(port)"
}

/// A fresh empty directory under the system temporary directory.
func temporaryQueueDirectory() -> String {
    let path = NSTemporaryDirectory() + "sextant-client-tests-" + UUID().uuidString
    try? FileManager.default.removeItem(atPath: path)
    return path
}

/// The batch files in a queue directory, in name (= age) order.
func batchFiles(in directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
}

/// A clock that does not wait: every sleep is recorded and returns at once, so backoff can be
/// checked without time passing.
final class RecordingClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let state = Mutex<(now: Instant, sleeps: [Duration])>((Instant(offset: .zero), []))

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(state.now.duration(to: deadline))
            state.now = max(state.now, deadline)
        }
    }
}
