import Testing
import DiskIO
@testable import TSDB

/// Deterministic generator for property tests.
struct WALTestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }

    /// Values biased toward the edges: specials, NaN payloads, small ints, raw bit patterns.
    mutating func value() -> Double {
        switch below(6) {
        case 0: return [Double.nan, .staleMarker, .infinity, -.infinity, 0, -0.0, .greatestFiniteMagnitude,
                        .leastNonzeroMagnitude, Double(bitPattern: 0xFFF0_0000_DEAD_BEEF)][below(9)]
        case 1: return Double(below(1000))
        default: return Double(bitPattern: next())
        }
    }

    mutating func timestamp() -> Int64 {
        switch below(4) {
        case 0: return [Int64.min, .max, 0, -1][below(4)]
        case 1: return Int64(bitPattern: next())
        default: return 1_700_000_000_000 + Int64(below(100_000))
        }
    }

    mutating func ref() -> UInt64 {
        below(5) == 0 ? [0, UInt64.max, UInt64(Int64.max), 1 << 63][below(4)] : UInt64(below(1 << 20))
    }

    mutating func string() -> String {
        let alphabet = ["a", "b", "_", "z", "9", "é", "日本", "🙂", "\"", "\\", "\n", " "]
        return (0...below(12)).map { _ in alphabet[below(alphabet.count)] }.joined()
    }

    mutating func labels() -> Labels {
        Labels((0..<below(6)).map { i in Label("l\(i)_" + string(), string()) })
    }

    mutating func record() -> WALRecord {
        if below(3) == 0 {
            return .series((0..<below(8)).map { _ in WALSeries(ref: ref(), labels: labels()) })
        }
        return .samples((0..<below(60)).map { _ in WALSample(ref: ref(), t: timestamp(), v: value()) })
    }
}

/// Encodes a record and decodes its payload back, checking the frame header on the way.
func walRoundTrip(_ record: WALRecord) throws -> WALRecord? {
    var bytes: [UInt8] = []
    WAL.encode(record, into: &bytes)
    return try bytes.withUnsafeBytes { raw in
        let length = Int(raw.loadUnaligned(fromByteOffset: 1, as: UInt32.self).littleEndian)
        #expect(length == raw.count - WALRecord.headerSize)
        #expect(raw[0] == record.kind.rawValue)
        let crc = raw.loadUnaligned(fromByteOffset: 5, as: UInt32.self).littleEndian
        let payload = UnsafeRawBufferPointer(rebasing: raw[WALRecord.headerSize...])
        #expect(crc == WALRecord.checksum(typeAndLength: UnsafeRawBufferPointer(rebasing: raw[0..<5]), payload: payload))
        return try WALRecord.decode(kind: raw[0], payload: payload)
    }
}

func walDecodePayload(kind: WALRecord.Kind, _ payload: [UInt8]) throws -> WALRecord? {
    try payload.withUnsafeBytes { try WALRecord.decode(kind: kind.rawValue, payload: $0) }
}

@Suite struct WALRecordTests {
    @Test func samplesEdgeValuesRoundTrip() throws {
        let values: [Double] = [
            .nan, -.nan, .staleMarker, Double(bitPattern: 0x7FF8_0000_0000_0001), Double(bitPattern: 0xFFFF_FFFF_FFFF_FFFF),
            .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1.5, -42,
        ]
        let times: [Int64] = [.min, .max, 0, -1, 1, .min, .max, 1_700_000_000_000, 1_700_000_000_000, 0, .max, .min, 5]
        let refs: [UInt64] = [.max, 0, .max, 1, 1 << 63, (1 << 63) - 1, 7, 6, 5, 0, .max, 3, 3]
        let samples = (0..<values.count).map { WALSample(ref: refs[$0], t: times[$0], v: values[$0]) }
        let back = try walRoundTrip(.samples(samples))
        #expect(back == .samples(samples))
        guard case .samples(let decoded)? = back else { return }
        #expect(decoded.map(\.v.bitPattern) == values.map(\.bitPattern))
        #expect(decoded[2].v.isStaleMarker)
    }

    @Test func seriesRoundTrip() throws {
        let series = [
            WALSeries(ref: 0, labels: Labels(["__name__": "up", "job": "node"])),
            WALSeries(ref: .max, labels: Labels(["__name__": "température_°C", "ville": "Zürich", "emoji": "🙂🚀", "日本": "東京"])),
            WALSeries(ref: 12, labels: Labels([:])),
            WALSeries(ref: 11, labels: Labels(["long": String(repeating: "x", count: 70_000), "q": "a\"b\\c\nd"])),
            // Canonically equivalent names: equal for Swift, different bytes on disk.
            WALSeries(ref: 13, labels: Labels([Label("e\u{301}", "1"), Label("\u{e9}", "2")])),
        ]
        #expect(try walRoundTrip(.series(series)) == .series(series))
    }

    @Test func emptyListsRoundTrip() throws {
        #expect(try walRoundTrip(.series([])) == .series([]))
        #expect(try walRoundTrip(.samples([])) == .samples([]))
    }

    @Test func samplesAreCompact() {
        // Ascending refs at one timestamp: 1-byte deltas and the 8-byte value.
        let samples = (0..<1000).map { WALSample(ref: UInt64(5000 + $0), t: 1_700_000_000_000, v: Double($0)) }
        var bytes: [UInt8] = []
        WAL.encode(.samples(samples), into: &bytes)
        #expect(bytes.count < WALRecord.headerSize + 3 + 16 + 1000 * 10)
    }

    @Test func randomRecordsRoundTrip() throws {
        var rng = WALTestRandom(seed: 0x5EED_0001)
        for _ in 0..<2000 {
            let record = rng.record()
            #expect(try walRoundTrip(record) == record)
        }
    }

    @Test func encodeAppendsAfterExistingBytes() throws {
        var bytes: [UInt8] = [1, 2, 3]
        let a = WALRecord.samples([WALSample(ref: 1, t: 2, v: 3)])
        let b = WALRecord.series([WALSeries(ref: 1, labels: Labels(["a": "b"]))])
        WAL.encode(a, into: &bytes)
        WAL.encode(b, into: &bytes)
        #expect(Array(bytes[0..<3]) == [1, 2, 3])
        try bytes.withUnsafeBytes { raw in
            try WAL.checkFraming(UnsafeRawBufferPointer(rebasing: raw[3...]))
        }
    }

    @Test func everyTruncatedPayloadFailsToDecode() throws {
        var rng = WALTestRandom(seed: 7)
        for _ in 0..<200 {
            let record = rng.record()
            var payload: [UInt8] = []
            record.encodePayload(into: &payload)
            for cut in 0..<payload.count {
                #expect(throws: TSDBError.self) { try walDecodePayload(kind: record.kind, Array(payload[0..<cut])) }
            }
            #expect(throws: TSDBError.self) { try walDecodePayload(kind: record.kind, payload + [0]) }
        }
    }

    @Test func garbagePayloadsNeverTrap() {
        var rng = WALTestRandom(seed: 99)
        var decoded = 0
        for _ in 0..<20_000 {
            let payload = rng.bytes(rng.below(64))
            for kind in [WALRecord.Kind.series, .samples] {
                if (try? walDecodePayload(kind: kind, payload)) != nil { decoded += 1 }
            }
        }
        #expect(decoded < 40_000)
    }

    @Test func hugeCountsAreRejectedBeforeAllocating() {
        // count = 2^62 in a 10-byte payload.
        var payload: [UInt8] = []
        ByteWriter.appendUvarint(1 << 62, to: &payload)
        #expect(throws: TSDBError.self) { try walDecodePayload(kind: .samples, payload) }
        #expect(throws: TSDBError.self) { try walDecodePayload(kind: .series, payload) }
        // One series claiming 2^40 labels.
        var series: [UInt8] = [1, 2]
        ByteWriter.appendUvarint(1 << 40, to: &series)
        #expect(throws: TSDBError.self) { try walDecodePayload(kind: .series, series) }
    }

    @Test func varintLimits() throws {
        for v: UInt64 in [0, 1, 127, 128, 16383, 16384, .max, .max - 1, 1 << 63] {
            var out: [UInt8] = []
            ByteWriter.appendUvarint(v, to: &out)
            try out.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                #expect(try r.uvarint() == v)
                try r.expectEnd()
            }
        }
        for v: Int64 in [0, -1, 1, .min, .max, -64, 64] {
            var out: [UInt8] = []
            ByteWriter.appendVarint(v, to: &out)
            let back = try out.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                return try r.varint()
            }
            #expect(back == v)
        }
        // 10th byte carrying more than the top bit, and an 11-byte varint.
        let overflow: [[UInt8]] = [
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02],
            [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00],
        ]
        for bytes in overflow {
            bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                #expect(throws: DiskIOError.self) { try r.uvarint() }
            }
        }
    }

    /// A series payload with the given (name, value) byte strings, exactly as the encoder lays it out.
    func seriesPayload(_ labels: [([UInt8], [UInt8])]) -> [UInt8] {
        var out: [UInt8] = [1, 2]  // one series, ref delta +1
        ByteWriter.appendUvarint(UInt64(labels.count), to: &out)
        for (n, v) in labels {
            ByteWriter.appendUvarint(UInt64(n.count), to: &out)
            out += n
            ByteWriter.appendUvarint(UInt64(v.count), to: &out)
            out += v
        }
        return out
    }

    @Test func seriesDecodeRejectsLabelsWeNeverWrite() throws {
        let a = Array("a".utf8), b = Array("b".utf8), x = Array("x".utf8)
        #expect(try walDecodePayload(kind: .series, seriesPayload([(a, x), (b, x)]))
            == .series([WALSeries(ref: 1, labels: Labels(["a": "x", "b": "x"]))]))
        let bad: [[([UInt8], [UInt8])]] = [
            [(b, x), (a, x)],  // unsorted
            [(a, [])],  // empty value
            [(a, [0xFF, 0xFE])],  // invalid UTF-8
            [([0xC3], x)],  // truncated UTF-8 sequence in a name
        ]
        for labels in bad {
            #expect(throws: TSDBError.self) { try walDecodePayload(kind: .series, seriesPayload(labels)) }
        }
    }

    @Test func unknownKindDecodesToNil() throws {
        let r = try [UInt8]([1, 2, 3]).withUnsafeBytes { try WALRecord.decode(kind: 200, payload: $0) }
        #expect(r == nil)
    }

    @Test func samplesCompareByBitPattern() {
        #expect(WALSample(ref: 1, t: 1, v: .nan) == WALSample(ref: 1, t: 1, v: .nan))
        #expect(WALSample(ref: 1, t: 1, v: .nan) != WALSample(ref: 1, t: 1, v: .staleMarker))
        #expect(WALSample(ref: 1, t: 1, v: 0) != WALSample(ref: 1, t: 1, v: -0.0))
    }
}

extension WALRecordTests {
    /// The example in docs/format/wal.md, byte for byte; pins the on-disk format.
    @Test func documentedSamplesExample() throws {
        let record = WALRecord.samples([
            WALSample(ref: 1000, t: 1_700_000_000_000, v: 1.0),
            WALSample(ref: 1001, t: 1_700_000_000_000, v: 2.5),
        ])
        let payload: [UInt8] = [
            0x02,
            0xD0, 0x0F,
            0x80, 0xA0, 0xAB, 0xFE, 0xF9, 0x62,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F,
            0x02,
            0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x40,
        ]
        var bytes: [UInt8] = []
        WAL.encode(record, into: &bytes)
        #expect(Array(bytes[9...]) == payload)
        #expect(Array(bytes[0..<5]) == [0x02, UInt8(payload.count), 0, 0, 0])
        let crc = CRC32C.checksum(payload, continuing: CRC32C.checksum(Array(bytes[0..<5])))
        #expect(Array(bytes[5..<9]) == withUnsafeBytes(of: crc.littleEndian) { Array($0) })
        #expect(try walDecodePayload(kind: .samples, payload) == record)
    }
}
