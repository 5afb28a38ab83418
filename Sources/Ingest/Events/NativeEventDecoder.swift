import EventStore

/// A decoded `POST /api/analytics/events` body: `{"events": [...], "batchId"?, "clientTimestamp"?}`.
public struct NativeBatch: Sendable {
    /// Events that decoded and passed per-event checks, in batch order.
    public var events: [DecodedEvent]
    /// One problem per event that did not, in batch order.
    public var problems: [EventProblem]
    public var batchID: String?
    /// The sender's clock when it sent the request (ms), for clock-skew correction.
    public var clientTimestamp: Int64?
    /// Events in the request, good and bad.
    public var count: Int
}

/// Decodes Sextant's native event batches straight from the body bytes, without an
/// intermediate JSON tree; see docs/events-api.md for the format and every check.
///
/// Throws (refusing the whole request) only when the body is not JSON, not the envelope, or
/// over a request-wide limit: `.badJSON` (400) with the byte offset, `.tooLarge` (413) past
/// `maxEventsPerBatch`. Problems with single events are returned in `problems`.
/// Timestamps are returned as sent: range checks and clock-skew correction come after,
/// in `NativeBatch.prepare`. Thread-safe (pure).
public enum NativeEventDecoder {
    public static func decode(_ body: UnsafeRawBufferPointer, limits: EventLimits = EventLimits(),
                              scrubber: KeyScrubber = KeyScrubber(keys: [])) throws(IngestError) -> NativeBatch {
        var d = NativeDecoding(reader: JSONReader(body.bindMemory(to: UInt8.self)), limits: limits, scrubber: scrubber)
        return try d.decodeEnvelope()
    }

    public static func decode(_ body: [UInt8], limits: EventLimits = EventLimits(),
                              scrubber: KeyScrubber = KeyScrubber(keys: [])) throws(IngestError) -> NativeBatch {
        let result: Result<NativeBatch, IngestError> = body.withUnsafeBytes { raw in
            Result { () throws(IngestError) in try decode(raw, limits: limits, scrubber: scrubber) }
        }
        return try result.get()
    }
}

/// The state of one decode: the reader and what is being built.
struct NativeDecoding {
    var r: JSONReader
    let limits: EventLimits
    let scrubber: KeyScrubber

    init(reader: JSONReader, limits: EventLimits, scrubber: KeyScrubber) {
        r = reader
        self.limits = limits
        self.scrubber = scrubber
    }

    mutating func decodeEnvelope() throws(IngestError) -> NativeBatch {
        var batch = NativeBatch(events: [], problems: [], batchID: nil, clientTimestamp: nil, count: 0)
        guard try r.peekKind() == .object else {
            throw r.fail("the body must be a JSON object {\"events\": [...]}")
        }
        try r.beginObject()
        var first = true
        var sawEvents = false
        while let key = try r.nextKey(&first) {
            if r.spanEquals(key, "events") {
                sawEvents = true
                guard try r.peekKind() == .array else { throw r.fail("\"events\" must be an array") }
                try r.beginArray()
                var firstEvent = true
                while try r.nextElement(&firstEvent) {
                    if batch.count == limits.maxEventsPerBatch {
                        throw IngestError(.tooLarge, "batch has more than \(limits.maxEventsPerBatch) events", offset: r.pos)
                    }
                    switch try decodeEvent(index: batch.count) {
                    case .success(let e): batch.events.append(e)
                    case .failure(let p): batch.problems.append(p)
                    }
                    batch.count += 1
                }
            } else if r.spanEquals(key, "batchId") {
                if try r.peekKind() == .null {
                    try r.readNull()
                    continue
                }
                let at = r.pos
                guard try r.peekKind() == .string else { throw r.fail("\"batchId\" must be a string") }
                let id = try r.readString()
                if id.utf8.count > limits.maxIDBytes {
                    throw IngestError(.badJSON, "\"batchId\" is longer than \(limits.maxIDBytes) bytes", offset: at)
                }
                batch.batchID = id.isEmpty ? nil : id
            } else if r.spanEquals(key, "clientTimestamp") {
                if try r.peekKind() == .null {
                    try r.readNull()
                    continue
                }
                let at = r.pos
                guard try r.peekKind() == .string, let t = try readTimestamp() else {
                    throw IngestError(.badJSON, "\"clientTimestamp\" must be an RFC 3339 timestamp such as 2026-01-05T10:00:00.000Z", offset: at)
                }
                batch.clientTimestamp = t
            } else {
                try r.skipValue()
            }
        }
        try r.expectEnd()
        guard sawEvents else { throw IngestError(.badJSON, "the body has no \"events\" array", offset: 0) }
        return batch
    }

    /// Reads a string value as an RFC 3339 timestamp (ms), nil when it is not one. Parsed in
    /// place unless the text holds escapes.
    mutating func readTimestamp() throws(IngestError) -> Int64? {
        let save = r.pos
        let span = try r.readSpan()
        if !span.escaped {
            return Timestamp.parse(UnsafeBufferPointer(rebasing: r.bytes[span.start..<span.start + span.count]), lenient: false)
        }
        r.pos = save
        return Timestamp.parseRFC3339(try r.readString())
    }
}
