import DiskIO

/// One entry of the write-ahead log.
///
/// The WAL stores what the in-memory head needs to be rebuilt after a crash: which series
/// exist (`series`, giving each a numeric reference) and the samples appended to them
/// (`samples`, naming series by that reference). A `series` record must be logged before
/// the first `samples` record that uses its references. The byte layout is described in
/// docs/format/wal.md.
public enum WALRecord: Sendable, Equatable {
    case series([WALSeries])
    case samples([WALSample])
}

/// The definition of one series reference in a `series` record.
public struct WALSeries: Sendable, Equatable {
    /// The head's identifier of the series; later `samples` records name the series by it.
    public var ref: UInt64
    public var labels: Labels

    public init(ref: UInt64, labels: Labels) {
        self.ref = ref
        self.labels = labels
    }
}

/// One sample of a `samples` record: series reference, timestamp in ms, value.
///
/// Values are compared and stored by bit pattern, so NaN payloads (the staleness marker
/// among them) survive the round trip and `==` holds for equal NaNs.
public struct WALSample: Sendable, Equatable {
    public var ref: UInt64
    public var t: Int64
    public var v: Double

    public init(ref: UInt64, t: Int64, v: Double) {
        self.ref = ref
        self.t = t
        self.v = v
    }

    public static func == (a: WALSample, b: WALSample) -> Bool {
        a.ref == b.ref && a.t == b.t && a.v.bitPattern == b.v.bitPattern
    }
}

extension WALRecord {
    /// The type byte of a record header. 0 is never written, so a zero-filled region
    /// never frames as a record. Unknown values are skipped on replay.
    enum Kind: UInt8 {
        case series = 1
        case samples = 2
    }

    /// Bytes before the payload: type (1), payload length (4, LE), checksum (4, LE).
    static let headerSize = RecordLog.headerSize

    /// The record checksum (see `RecordLog.checksum`).
    static func checksum(typeAndLength: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> UInt32 {
        RecordLog.checksum(typeAndLength: typeAndLength, payload: payload)
    }

    var kind: Kind {
        switch self {
        case .series: .series
        case .samples: .samples
        }
    }

    /// Appends the payload (without header) to `out`.
    func encodePayload(into out: inout [UInt8]) {
        switch self {
        case .series(let list): Self.encodeSeries(list, into: &out)
        case .samples(let list): Self.encodeSamples(list, into: &out)
        }
    }

    /// Decodes a payload whose checksum has already been verified; nil for a kind this
    /// version does not know. Throws `.corrupted` when the bytes do not decode.
    static func decode(kind: UInt8, payload: UnsafeRawBufferPointer) throws -> WALRecord? {
        try translatingDiskErrors {
            switch Kind(rawValue: kind) {
            case .series: return .series(try decodeSeries(payload))
            case .samples: return .samples(try decodeSamples(payload))
            case nil: return nil
            }
        }
    }

    // MARK: samples

    // Layout: count (uvarint), then per sample: zigzag varint of ref minus the previous
    // sample's ref, zigzag varint of t minus the previous t (both wrapping, the "previous"
    // of the first sample is 0), and the value's 8 bytes little endian. A remote-write
    // batch carries ascending refs at nearly equal timestamps, so the two deltas usually
    // take one byte each: ~10 bytes per sample.

    /// Bytes a sample takes at least (two one-byte varints and the value).
    static let minSampleBytes = 10

    static func encodeSamples(_ samples: [WALSample], into out: inout [UInt8]) {
        let start = out.count
        let worst = 10 + samples.count * (10 + 10 + 8)
        // Grow once, write through a pointer, then drop the unused tail: this is the
        // ingest hot path and per-byte appends cost several times more.
        out.append(contentsOf: repeatElement(0, count: worst))
        let used = out.withUnsafeMutableBytes { raw -> Int in
            var w = ByteWriter(raw.baseAddress! + start)
            w.uvarint(UInt64(samples.count))
            var ref: UInt64 = 0
            var t: Int64 = 0
            for s in samples {
                w.varint(Int64(bitPattern: s.ref &- ref))
                w.varint(s.t &- t)
                w.uint64(s.v.bitPattern)
                ref = s.ref
                t = s.t
            }
            return w.written
        }
        out.removeLast(worst - used)
    }

    static func decodeSamples(_ payload: UnsafeRawBufferPointer) throws -> [WALSample] {
        var r = ByteReader(payload)
        let count = try r.uvarint()
        guard count <= UInt64(payload.count / minSampleBytes) else {
            throw r.failure("sample count \(count) cannot fit in a \(payload.count)-byte payload")
        }
        let n = Int(count)
        var ref: UInt64 = 0
        var t: Int64 = 0
        let samples = try [WALSample](unsafeUninitializedCapacity: n) { buf, initialized in
            for i in 0..<n {
                ref &+= UInt64(bitPattern: try r.varint())
                t &+= try r.varint()
                let bits = try r.uint64()
                (buf.baseAddress! + i).initialize(to: WALSample(ref: ref, t: t, v: Double(bitPattern: bits)))
                initialized = i + 1
            }
        }
        try r.expectEnd()
        return samples
    }

    // MARK: series

    // Layout: count (uvarint), then per series: zigzag varint of ref minus the previous
    // series' ref (the first's previous is 0), label count (uvarint), and per label the
    // name and the value, each as byte length (uvarint) followed by UTF-8 bytes.

    static func encodeSeries(_ series: [WALSeries], into out: inout [UInt8]) {
        typealias W = ByteWriter
        W.appendUvarint(UInt64(series.count), to: &out)
        var ref: UInt64 = 0
        for s in series {
            W.appendVarint(Int64(bitPattern: s.ref &- ref), to: &out)
            ref = s.ref
            W.appendUvarint(UInt64(s.labels.count), to: &out)
            for l in s.labels.pairs {
                W.appendString(l.name, to: &out)
                W.appendString(l.value, to: &out)
            }
        }
    }

    static func decodeSeries(_ payload: UnsafeRawBufferPointer) throws -> [WALSeries] {
        var r = ByteReader(payload)
        let count = try r.uvarint()
        // A series takes at least 2 bytes (ref delta and label count).
        guard count <= UInt64(payload.count / 2) else {
            throw r.failure("series count \(count) cannot fit in a \(payload.count)-byte payload")
        }
        var out: [WALSeries] = []
        out.reserveCapacity(Int(count))
        var ref: UInt64 = 0
        for _ in 0..<count {
            ref &+= UInt64(bitPattern: try r.varint())
            let labelCount = try r.uvarint()
            // A label takes at least 3 bytes (two lengths, a non-empty value).
            guard labelCount <= UInt64(r.remaining / 3) else {
                throw r.failure("label count \(labelCount) runs past the end of the payload")
            }
            var pairs: [Label] = []
            pairs.reserveCapacity(Int(labelCount))
            var strictlySorted = true
            for _ in 0..<labelCount {
                let name = try r.string()
                let value = try r.string()
                // The writer only logs `Labels`, which are sorted and have non-empty
                // values; anything else did not come from us. Equal names are let through:
                // Swift compares canonically equivalent strings as equal, and `Labels`
                // built from such pairs is valid (it just cannot use `init(sorted:)`).
                if let last = pairs.last {
                    if name < last.name {
                        throw r.failure("label names out of order (\"\(last.name)\" then \"\(name)\")")
                    }
                    if !(last.name < name) { strictlySorted = false }
                }
                if value.isEmpty { throw r.failure("empty value for label \"\(name)\"") }
                pairs.append(Label(name, value))
            }
            out.append(WALSeries(ref: ref, labels: strictlySorted ? Labels(sorted: pairs) : Labels(pairs)))
        }
        try r.expectEnd()
        return out
    }
}
