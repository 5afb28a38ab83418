import Testing
@testable import TSDB

/// Tiny deterministic generator for property tests.
private struct ChunkTestRNG {
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
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

private func makeChunk(_ samples: [Sample], _ enc: XORChunk.ValueEncoding = .automatic) -> XORChunk {
    var c = XORChunk(valueEncoding: enc)
    for s in samples { c.append(t: s.t, v: s.v) }
    return c
}

private func decodeChunkBytes(_ bytes: [UInt8]) throws -> [Sample] {
    try bytes.withUnsafeBytes { try XORChunk.decodeAll($0) }
}

/// Decodes through every public path and checks they agree with `expected`.
private func expectChunkRoundTrip(_ c: XORChunk, _ expected: [Sample], sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(c.count == expected.count, sourceLocation: sourceLocation)
    #expect(c.minTime == expected.first?.t, sourceLocation: sourceLocation)
    #expect(c.maxTime == expected.last?.t, sourceLocation: sourceLocation)
    #expect(try decodeChunkBytes(c.bytes) == expected, sourceLocation: sourceLocation)
    var it = c.makeIterator()
    var viaIterator: [Sample] = []
    while let s = try it.next() { viaIterator.append(s) }
    #expect(viaIterator == expected, sourceLocation: sourceLocation)
    #expect(try it.next() == nil, sourceLocation: sourceLocation)
    var into = [Sample(t: -7, v: 1)]
    try c.decode(into: &into)
    #expect(Array(into.dropFirst()) == expected, sourceLocation: sourceLocation)
    let rewrapped = try XORChunk(bytes: c.bytes)
    #expect(rewrapped.count == c.count && rewrapped.minTime == c.minTime && rewrapped.maxTime == c.maxTime,
            sourceLocation: sourceLocation)
    #expect(try c.bytes.withUnsafeBytes { try XORChunk.sampleCount($0) } == expected.count, sourceLocation: sourceLocation)
}

private let chunkEdgeValues: [Double] = [
    0, -0.0, 1, -1, .infinity, -.infinity, .nan, -.nan, .staleMarker,
    Double(bitPattern: 0x7FF8_0000_0000_0001), Double(bitPattern: 0xFFF0_0000_0000_0001),
    Double(bitPattern: 0x7FF7_FFFF_FFFF_FFFF),
    .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
    Double(bitPattern: 0x000F_FFFF_FFFF_FFFF),
    .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .pi, 0.1, 0.2, 0.30000000000000004,
    9_007_199_254_740_992, 9_007_199_254_740_994, -9_007_199_254_740_992, 1e22, 1e-22, 1e23,
    123.45, 1.5e300, Double(bitPattern: 1), Double(Int64.max), Double(Int64.min),
]

private let chunkEdgeTimes: [Int64] = [
    Int64.min, Int64.min + 1, Int64.min + 2, -1_000_000_000_000, -15000, -1, 0, 1, 2, 15000,
    1_700_000_000_000, 1_700_000_000_001, Int64.max / 2, Int64.max - 1, Int64.max,
]

@Suite struct XORChunkTests {
    @Test func emptyChunk() throws {
        let c = XORChunk()
        #expect(c.count == 0 && c.minTime == nil && c.maxTime == nil)
        #expect(c.bytes.count == XORChunk.headerSize)
        try expectChunkRoundTrip(c, [])
        var it = c.makeIterator()
        #expect(try it.next() == nil)
    }

    @Test(arguments: [XORChunk.ValueEncoding.automatic, .xor])
    func edgeValuesRoundTripBitExactly(_ enc: XORChunk.ValueEncoding) throws {
        // Every value after every other value, so each transition is exercised.
        var samples: [Sample] = []
        var t: Int64 = 1000
        for a in chunkEdgeValues {
            for b in chunkEdgeValues {
                samples.append(Sample(t: t, v: a)); t += 15000
                samples.append(Sample(t: t, v: b)); t += 15001
            }
        }
        try expectChunkRoundTrip(makeChunk(samples, enc), samples)
        // Each value alone and repeated.
        for v in chunkEdgeValues {
            let s = (0..<5).map { Sample(t: Int64($0) * 10, v: v) }
            try expectChunkRoundTrip(makeChunk(s, enc), s)
            try expectChunkRoundTrip(makeChunk(Array(s.prefix(1)), enc), Array(s.prefix(1)))
        }
    }

    @Test func staleMarkerStaysBitExact() throws {
        let s = [Sample(t: 0, v: 1), Sample(t: 15000, v: 2), Sample(t: 30000, v: .staleMarker),
                 Sample(t: 45000, v: .staleMarker), Sample(t: 60000, v: 3), Sample(t: 75000, v: .nan)]
        let c = makeChunk(s)
        let out = try decodeChunkBytes(c.bytes)
        #expect(out[2].v.isStaleMarker && out[3].v.isStaleMarker)
        #expect(out[5].v.bitPattern == Double.nan.bitPattern)
        #expect(c.scheme == .decimal(scale: 0))
        try expectChunkRoundTrip(c, s)
    }

    @Test func edgeTimestampsAndHugeGaps() throws {
        // All increasing subsequences of the edge times that matter: pairs, the full run, jumps.
        try expectChunkRoundTrip(makeChunk(chunkEdgeTimes.map { Sample(t: $0, v: 1) }), chunkEdgeTimes.map { Sample(t: $0, v: 1) })
        for (i, a) in chunkEdgeTimes.enumerated() {
            for b in chunkEdgeTimes[(i + 1)...] {
                for c in chunkEdgeTimes where c > b {
                    let s = [Sample(t: a, v: 1), Sample(t: b, v: 2), Sample(t: c, v: 3)]
                    try expectChunkRoundTrip(makeChunk(s), s)
                }
                let s = [Sample(t: a, v: 0.5), Sample(t: b, v: -0.5)]
                try expectChunkRoundTrip(makeChunk(s), s)
            }
        }
        let extremes = [Sample(t: .min, v: 0), Sample(t: .max, v: 0)]
        try expectChunkRoundTrip(makeChunk(extremes), extremes)
        let alternating = [Int64.min, Int64.min + 1, -1, 0, Int64.max - 1, Int64.max].map { Sample(t: $0, v: 7) }
        try expectChunkRoundTrip(makeChunk(alternating), alternating)
    }

    @Test func schemeChoice() throws {
        #expect(makeChunk([Sample(t: 0, v: 42)]).scheme == .decimal(scale: 0))
        #expect(makeChunk([Sample(t: 0, v: 12.25)]).scheme == .decimal(scale: 2))
        #expect(makeChunk([Sample(t: 0, v: .nan)]).scheme == .decimal(scale: 0))
        #expect(makeChunk([Sample(t: 0, v: 0.1 + 0.2)]).scheme == .xor)
        #expect(makeChunk([Sample(t: 0, v: 42)], .xor).scheme == .xor)
        // Widening mid-chunk keeps earlier samples exact.
        let s = [Sample(t: 0, v: 1), Sample(t: 1, v: 2), Sample(t: 2, v: 2.5), Sample(t: 3, v: 2.125),
                 Sample(t: 4, v: .staleMarker), Sample(t: 5, v: 3)]
        let c = makeChunk(s)
        #expect(c.scheme == .decimal(scale: 3))
        try expectChunkRoundTrip(c, s)
        let toXOR = s + [Sample(t: 6, v: 1.0 / 3.0), Sample(t: 7, v: 4)]
        let x = makeChunk(toXOR)
        #expect(x.scheme == .xor)
        try expectChunkRoundTrip(x, toXOR)
        // An integer too large for the scale it would need goes to XOR.
        let big = [Sample(t: 0, v: 0.5), Sample(t: 1, v: 9_007_199_254_740_992)]
        #expect(makeChunk(big).scheme == .xor)
        try expectChunkRoundTrip(makeChunk(big), big)
    }

    @Test func appendAfterRewrapMatchesContinuousAppend() throws {
        var rng = ChunkTestRNG(seed: 99)
        let samples = (0..<300).map { Sample(t: Int64($0) * 15000 + Int64(rng.below(11)) - 5, v: Double(rng.below(1000)) / 100) }
        for cut in [0, 1, 2, 3, 17, 150, 299] {
            var c = try XORChunk(bytes: makeChunk(Array(samples[..<cut])).bytes)
            for s in samples[cut...] { c.append(t: s.t, v: s.v) }
            try expectChunkRoundTrip(c, samples)
        }
        let xs = samples.map { Sample(t: $0.t, v: $0.v + 1e-9 * Double($0.t % 7)) }
        var c = try XORChunk(bytes: makeChunk(Array(xs[..<100]), .xor).bytes)
        for s in xs[100...] { c.append(t: s.t, v: s.v) }
        try expectChunkRoundTrip(c, xs)
    }

    @Test func maxSamples() throws {
        var rng = ChunkTestRNG(seed: 5)
        var c = XORChunk()
        var expected: [Sample] = []
        var t: Int64 = -500_000
        for i in 0..<XORChunk.maxSamples {
            t += 1 + Int64(rng.below(30000))
            let v = i % 1000 == 999 ? rng.unit() : Double(i)
            c.append(t: t, v: v)
            expected.append(Sample(t: t, v: v))
        }
        #expect(c.isFull)
        try expectChunkRoundTrip(c, expected)
    }

    @Test func randomSeriesRoundTrip() throws {
        var rng = ChunkTestRNG(seed: 0x5EED)
        for iteration in 0..<4000 {
            let n = rng.below(8) == 0 ? rng.below(3000) : rng.below(250)
            let kinds = 1 + rng.below(7)  // a mix of value generators
            var samples: [Sample] = []
            samples.reserveCapacity(n)
            var t = Int64(bitPattern: rng.next()) >> rng.below(64)
            var v = Double(rng.below(1000))
            var scale = 1.0
            for _ in 0..<rng.below(4) { scale *= 10 }
            let step = Int64(1 + rng.below(60000))
            for _ in 0..<n {
                switch rng.below(kinds) {
                case 0: v += Double(rng.below(10000)) / scale                  // counter, few decimals
                case 1: break                                                    // constant
                case 2: v += (rng.unit() - 0.5)                                  // float random walk
                case 3: v = Double(Int64(rng.below(2_000_001)) - 1_000_000)      // integers
                case 4: v = chunkEdgeValues[rng.below(chunkEdgeValues.count)]             // edge values
                case 5: v = Double(bitPattern: rng.next())                        // any bit pattern
                default: v = (v * scale + Double(rng.below(5)) - 2).rounded() / scale  // decimal walk
                }
                samples.append(Sample(t: t, v: v))
                let jump: Int64
                switch rng.below(20) {
                case 0: jump = Int64(bitPattern: rng.next() >> UInt64(1 + rng.below(63)))  // huge gap
                case 1: jump = 1
                default: jump = step + Int64(rng.below(11)) - 5
                }
                let (next, overflow) = t.addingReportingOverflow(Swift.max(1, jump))
                if overflow { break }
                t = next
            }
            let enc: XORChunk.ValueEncoding = iteration % 5 == 0 ? .xor : .automatic
            try expectChunkRoundTrip(makeChunk(samples, enc), samples)
        }
    }

    /// The worked example in docs/format/chunks.md; guards the on-disk format against drift.
    @Test func goldenBytes() throws {
        let s = [Sample(t: 1000, v: 5), Sample(t: 16000, v: 5.25), Sample(t: 31002, v: 5.5)]
        let c = makeChunk(s)
        #expect(c.bytes == [0x03, 0x00, 0x03, 0xD0, 0x0F, 0xCA, 0xFA, 0x26, 0x1D, 0x60, 0xCB, 0x0E, 0x00])
        #expect(try decodeChunkBytes([0x03, 0x00, 0x03, 0xD0, 0x0F, 0xCA, 0xFA, 0x26, 0x1D, 0x60, 0xCB, 0x0E, 0x00]) == s)
        // XOR scheme: header 0, t0 varint, 64 raw bits of the first value.
        let x = makeChunk([Sample(t: -1, v: .staleMarker)], .xor)
        #expect(x.bytes == [0x00, 0x00, 0x01, 0x01, 0x7F, 0xF0, 0, 0, 0, 0, 0, 0x02])
    }

    @Test func compactOnTypicalData() throws {
        var rng = ChunkTestRNG(seed: 11)
        let times = (0..<120).map { Int64($0) * 15000 }
        let constant = makeChunk(times.map { Sample(t: $0, v: 1) })
        // Header, first time and value, second delta; then 2 bits per sample.
        #expect(constant.bytes.count <= 3 + 1 + 2 + 3 + 2 * 118 / 8 + 1)
        var v = 1000.0
        let counter = times.map { t -> Sample in
            v = ((v + rng.unit() * 50) * 100).rounded() / 100
            return Sample(t: t, v: v)
        }
        let auto = makeChunk(counter), xor = makeChunk(counter, .xor)
        #expect(auto.scheme == .decimal(scale: 2))
        #expect(auto.bytes.count * 2 < xor.bytes.count)
    }

    // MARK: Damaged input

    private static func sampleChunks() -> [XORChunk] {
        var rng = ChunkTestRNG(seed: 7)
        let counter = (0..<120).map { Sample(t: 1_700_000_000_000 + Int64($0) * 15000 + Int64(rng.below(11)) - 5,
                                             v: Double($0 * 37) / 100) }
        let floats = (0..<120).map { Sample(t: Int64($0) * 1000, v: rng.unit() * 1e6) }
        let mixed = chunkEdgeValues.enumerated().map { Sample(t: Int64($0.offset) * 77 - 1000, v: $0.element) }
        let times = chunkEdgeTimes.map { Sample(t: $0, v: 3) }
        return [makeChunk(counter), makeChunk(floats), makeChunk(mixed), makeChunk(mixed, .xor), makeChunk(times)]
    }

    /// Decoding damaged bytes must throw or return samples; it must not crash or hang.
    private func decodeDamaged(_ bytes: [UInt8]) -> [Sample]? {
        let all = try? decodeChunkBytes(bytes)
        if let it = try? XORChunk.Iterator(bytes: bytes) {
            var it = it
            var n = 0
            // `try?` flattens: nil is either the end or a throw; both stop.
            while (try? it.next()) != nil { n += 1 }
            #expect(n <= 65535)
        }
        _ = try? XORChunk(bytes: bytes)
        return all
    }

    @Test func everyTruncationThrows() throws {
        for c in Self.sampleChunks() {
            let bytes = c.bytes
            for len in 0..<bytes.count {
                let cut = Array(bytes[..<len])
                #expect(throws: TSDBError.self) { try decodeChunkBytes(cut) }
                #expect(throws: TSDBError.self) { try XORChunk(bytes: cut) }
                var into = [Sample(t: 1, v: 1)]
                _ = try? cut.withUnsafeBytes { try XORChunk.decode($0, into: &into) }
                #expect(into == [Sample(t: 1, v: 1)])
            }
        }
    }

    @Test func truncationErrorIsCorrupted() throws {
        let bytes = Self.sampleChunks()[0].bytes
        do {
            _ = try decodeChunkBytes(Array(bytes.dropLast()))
            Issue.record("expected a throw")
        } catch let e as TSDBError {
            #expect(e.code == .corrupted)
            #expect(e.message.contains("truncated"))
        }
    }

    @Test func randomByteFlipsNeverCrash() throws {
        var rng = ChunkTestRNG(seed: 0xF11B)
        for c in Self.sampleChunks() {
            for _ in 0..<3000 {
                var bytes = c.bytes
                for _ in 0..<(1 + rng.below(3)) {
                    bytes[rng.below(bytes.count)] ^= UInt8(1 << rng.below(8))
                }
                if rng.below(4) == 0 { bytes[rng.below(bytes.count)] = UInt8(rng.below(256)) }
                _ = decodeDamaged(bytes)
            }
        }
    }

    @Test func randomGarbageNeverCrashes() throws {
        var rng = ChunkTestRNG(seed: 0x6A2B)
        for _ in 0..<5000 {
            let n = rng.below(200)
            var bytes = (0..<n).map { _ in UInt8(rng.below(256)) }
            if n >= 3 && rng.below(2) == 0 { bytes[0] = UInt8(rng.below(24)) }
            if let out = decodeDamaged(bytes) {
                // Whatever decodes must still be in strictly increasing time order.
                for i in out.indices.dropFirst() { #expect(out[i].t > out[i - 1].t) }
            }
        }
    }

    @Test func headerValidation() throws {
        #expect(throws: TSDBError.self) { try XORChunk(bytes: []) }
        #expect(throws: TSDBError.self) { try XORChunk(bytes: [1, 0]) }
        #expect(throws: TSDBError.self) { try decodeChunkBytes([0]) }
        // Unknown scheme codes.
        for code in [24, 25, 0x80, 0xFF] {
            #expect(throws: TSDBError.self) { try XORChunk(bytes: [UInt8(code), 0, 0]) }
            #expect(throws: TSDBError.self) { try decodeChunkBytes([UInt8(code), 0, 0]) }
        }
        // Valid empty headers for each scheme.
        for code in 0...23 {
            let c = try XORChunk(bytes: [UInt8(code), 0, 0])
            #expect(c.count == 0)
        }
        // Count larger than the bits that follow.
        #expect(throws: TSDBError.self) { try decodeChunkBytes([1, 0, 5, 0]) }
        #expect(throws: TSDBError.self) { try decodeChunkBytes([1, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 100)) }
        let good = Self.sampleChunks()[0].bytes
        // Trailing bytes: tolerated by the decoders, rejected by the strict init.
        #expect(try decodeChunkBytes(good + [0, 0]) == decodeChunkBytes(good))
        #expect(throws: TSDBError.self) { try XORChunk(bytes: good + [0]) }
        // A count that is too high runs out of bits (one too high may decode a sample from the
        // zero padding, which the format cannot tell apart) or too low leaves bytes over.
        var more = good
        more[2] &+= 10
        #expect(throws: TSDBError.self) { try XORChunk(bytes: more) }
        #expect(throws: TSDBError.self) { try decodeChunkBytes(more) }
        var fewer = good
        fewer[2] &-= 1
        #expect(throws: TSDBError.self) { try XORChunk(bytes: fewer) }
        #expect(try decodeChunkBytes(fewer).count == 119)
    }

    @Test func nonIncreasingTimestampsAreRejected() throws {
        // Second timestamp delta of zero: varint 0 after a valid first sample.
        var w = BitWriter(bytes: [0, 0, 2], bitCount: 24)
        w.writeUVarint(zigzag(100))
        w.write(0, bits: 64)  // XOR first value
        w.writeUVarint(0)     // delta 0: not increasing
        w.write(0, bits: 1)
        w.flush()
        #expect(throws: TSDBError.self) { try decodeChunkBytes(w.bytes) }
    }

    @Test func iteratorStopsAfterError() throws {
        var bytes = Self.sampleChunks()[0].bytes
        bytes.removeLast()
        var it = try XORChunk.Iterator(bytes: bytes)
        var threw = false
        while true {
            do {
                guard try it.next() != nil else { break }
            } catch {
                threw = true
                break
            }
        }
        #expect(threw)
        #expect(try it.next() == nil)
    }

    @Test func bitStreamFields() throws {
        var rng = ChunkTestRNG(seed: 3)
        var w = BitWriter(bytes: [], bitCount: 0)
        var fields: [(UInt64, Int)] = []
        for _ in 0..<5000 {
            let n = 1 + rng.below(64)
            let v = n == 64 ? rng.next() : rng.next() & ((1 << UInt64(n)) - 1)
            fields.append((v, n))
            w.write(v, bits: n)
            if rng.below(10) == 0 { w.flush() }
        }
        w.flush()
        w.bytes.withUnsafeBytes { buf in
            var r = BitReader(buf, pos: 0)
            for (v, n) in fields { #expect(r.read(n) == v) }
            #expect(r.pos == w.bitCount)
            #expect(buf.count == (w.bitCount + 7) / 8)
        }
        for x: Int64 in [0, 1, -1, .max, .min, 12345, -12345] { #expect(unzigzag(zigzag(x)) == x) }
    }
}
