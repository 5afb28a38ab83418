import DiskIO

/// One entry of the event store's write-ahead log (a `RecordLog` in `<store>/wal`); the byte
/// layout is in docs/format/events.md, "WAL records".
///
/// Everything the head holds that is not yet in a segment is here, and so is the state that
/// lives only in memory between flushes: merges and recent batch ids are logged again (as
/// `merges` and `batches`) right after each flush rotates the WAL, before older segments go.
enum EventWALRecord: Equatable {
    /// An acknowledged `append`: the events stored (duplicates left out) and the batch id
    /// with the time it was first seen (ms).
    case append(batch: (id: String, seen: Int64)?, events: [Event])
    /// `(alias, person)` merges.
    case merges([(alias: String, person: String)])
    /// Every name of one erased person.
    case erase([String])
    /// Batch ids still inside the batch window, with the time each was first seen (ms).
    case batches([(id: String, seen: Int64)])

    enum Kind: UInt8 {
        case append = 1, merges = 2, erase = 3, batches = 4
    }

    var kind: Kind {
        switch self {
        case .append: .append
        case .merges: .merges
        case .erase: .erase
        case .batches: .batches
        }
    }

    static func == (a: EventWALRecord, b: EventWALRecord) -> Bool {
        switch (a, b) {
        case let (.append(x, e), .append(y, f)): x?.id == y?.id && x?.seen == y?.seen && e == f
        case let (.merges(x), .merges(y)): x.map(\.alias) == y.map(\.alias) && x.map(\.person) == y.map(\.person)
        case let (.erase(x), .erase(y)): x == y
        case let (.batches(x), .batches(y)): x.map(\.id) == y.map(\.id) && x.map(\.seen) == y.map(\.seen)
        default: false
        }
    }

    /// Frames the record into `out` (see `RecordLog.encode`).
    func encode(into out: inout [UInt8]) {
        RecordLog.encode(type: kind.rawValue, into: &out) { out in
            typealias W = ByteWriter
            switch self {
            case .append(let batch, let events):
                if let batch {
                    out.append(1)
                    W.appendString(batch.id, to: &out)
                    W.appendVarint(batch.seen, to: &out)
                } else {
                    out.append(0)
                }
                W.appendUvarint(UInt64(events.count), to: &out)
                for e in events { e.encode(into: &out) }
            case .merges(let pairs):
                W.appendUvarint(UInt64(pairs.count), to: &out)
                for p in pairs {
                    W.appendString(p.alias, to: &out)
                    W.appendString(p.person, to: &out)
                }
            case .erase(let names):
                W.appendUvarint(UInt64(names.count), to: &out)
                for n in names { W.appendString(n, to: &out) }
            case .batches(let list):
                W.appendUvarint(UInt64(list.count), to: &out)
                for b in list {
                    W.appendString(b.id, to: &out)
                    W.appendVarint(b.seen, to: &out)
                }
            }
        }
    }

    /// Decodes a payload whose checksum is verified; nil for a kind this version does not
    /// know. Throws `DiskIOError(.corrupted)` when the bytes do not decode.
    static func decode(kind: UInt8, payload: UnsafeRawBufferPointer) throws -> EventWALRecord? {
        guard let k = Kind(rawValue: kind) else { return nil }
        var r = ByteReader(payload)
        // Every entry takes at least 2 bytes, which bounds counts before anything is reserved.
        func count() throws -> Int {
            let n = try r.uvarint()
            guard n <= UInt64(r.remaining / 2) else { throw r.failure("count \(n) cannot fit in the payload") }
            return Int(n)
        }
        let record: EventWALRecord
        switch k {
        case .append:
            var batch: (String, Int64)?
            if try r.uint8() != 0 { batch = (try r.string(), try r.varint()) }
            let n = try count()
            var events: [Event] = []
            events.reserveCapacity(n)
            for _ in 0..<n { events.append(try Event.decode(&r)) }
            record = .append(batch: batch, events: events)
        case .merges:
            let n = try count()
            record = .merges(try (0..<n).map { _ in (try r.string(), try r.string()) })
        case .erase:
            let n = try count()
            record = .erase(try (0..<n).map { _ in try r.string() })
        case .batches:
            let n = try count()
            record = .batches(try (0..<n).map { _ in (try r.string(), try r.varint()) })
        }
        try r.expectEnd()
        return record
    }
}
