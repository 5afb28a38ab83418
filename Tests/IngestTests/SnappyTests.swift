import Testing
@testable import Ingest

/// Blocks made by the reference implementation, so the decoder is checked against an encoder
/// that is not ours. Generated with cramjam 2.14.0 (Rust snap crate):
/// `bytes(cramjam.snappy.compress_raw(data)).hex()` for each `data` below.
private let referenceVectors: [(name: String, plain: [UInt8], compressed: String)] = [
    ("empty", [], "00"),
    ("one byte", Array("a".utf8), "010061"),
    // literal then a 1-byte-offset copy
    ("hello", Array("hello, hello, hello, hello world".utf8), "201868656c6c6f2c204a07001420776f726c64"),
    // overlapping 2-byte-offset copies with offset 1 (a run)
    ("run", [UInt8](repeating: 0x61, count: 100), "640061fe01008a0100"),
    ("labels", Array(String(repeating: #"http_requests_total{job="api",instance="host-0001:8080",handler="/api/users",code="200"} "#,
                            count: 3).utf8),
     "8b02f058687474705f72657175657374735f746f74616c7b6a6f623d22617069222c696e7374616e63653d22686f73742d3030"
         + "30313a38303830222c68616e646c65723d222f6170692f7573657273222c636f64653d22323030227d20fe5900fe5900c65900"),
    // a literal longer than 60 bytes (1-byte length) and a copy 200 bytes back
    ("counting", (0..<200).map { UInt8(($0 * 37) % 251) } + (0..<40).map { UInt8(($0 * 37) % 251) },
     "f001f0c900254a6f94b9de082d52779cc1e610355a7fa4c9ee183d6287acd1f620456a8fb4d903284d7297bce10b30557a9fc4e9"
         + "13385d82a7ccf11b40658aafd4f923486d92b7dc062b50759abfe40e33587da2c7ec163b6085aacff41e43688db2d701264b70"
         + "95badf092e53789dc2e711365b80a5caef193e6388add2f721466b90b5da04294e7398bde20c31567ba0c5ea14395e83a8cdf2"
         + "1c41668bb0d5fa24496e93b8dd072c51769bc0e50f34597ea3c8ed173c6186abd0f51f44698eb3d802274c7196bbe00a2f5400"
         + "2596c800"),
]

private func expectBadCompression(_ input: [UInt8], maxLength: Int = 1 << 20,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(throws: IngestError.self, sourceLocation: sourceLocation) {
        _ = try Snappy.decompress(input, maxLength: maxLength)
    }
}

/// Inputs of varied shape: random, runs, text with repeats, small mutations of one pattern.
private func corpus(_ rng: inout RemoteWriteTestRandom) -> [[UInt8]] {
    var out: [[UInt8]] = [[], [7], [1, 2, 3], Array("abcdabcdabcdabcdabcdabcdabcd".utf8)]
    for size in [15, 16, 17, 63, 64, 65, 1000, 65_535, 65_536, 65_537, 200_000] {
        out.append(rng.bytes(size))
        out.append([UInt8](repeating: UInt8(size % 256), count: size))
        let words = ["up", "job", "instance", "node_cpu_seconds_total", "=", "\"", ",", "{", "}", "mode=idle"]
        var text: [UInt8] = []
        while text.count < size { text += Array(words[Int(rng.next() % UInt64(words.count))].utf8) }
        out.append(Array(text.prefix(size)))
        var mutated = [UInt8](repeating: 0x42, count: size)
        for _ in 0..<(size / 50) { mutated[Int(rng.next() % UInt64(size))] = UInt8(truncatingIfNeeded: rng.next()) }
        out.append(mutated)
    }
    return out
}

@Suite struct SnappyTests {
    @Test(arguments: referenceVectors.map(\.name))
    func decodesReferenceVectors(name: String) throws {
        let vector = try #require(referenceVectors.first { $0.name == name })
        let compressed = hexBytes(vector.compressed)
        #expect(try Snappy.decompress(compressed, maxLength: 1 << 20) == vector.plain)
        #expect(try Snappy.uncompressedLength(compressed) == vector.plain.count)
        // Our compressor's output of the same data decodes back too.
        #expect(try Snappy.decompress(Snappy.compress(vector.plain), maxLength: 1 << 20) == vector.plain)
    }

    @Test func roundTripsVariedInputs() throws {
        var rng = RemoteWriteTestRandom(seed: 1)
        for input in corpus(&rng) {
            let compressed = Snappy.compress(input)
            #expect(compressed.count <= Snappy.maxCompressedLength(input.count))
            #expect(try Snappy.decompress(compressed, maxLength: input.count) == input)
        }
    }

    @Test func compressesRepetitiveData() {
        let text = Array(String(repeating: "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 12345.5\n", count: 2000).utf8)
        #expect(Snappy.compress(text).count < text.count / 10)
    }

    @Test func roundTripsRandomSizesProperty() throws {
        var rng = RemoteWriteTestRandom(seed: 2)
        for _ in 0..<300 {
            let size = Int(rng.next() % 5000)
            let alphabet = 1 + Int(rng.next() % 8)  // small alphabets make overlapping matches
            let input = (0..<size).map { _ in UInt8(rng.next() % UInt64(alphabet)) }
            #expect(try Snappy.decompress(Snappy.compress(input), maxLength: size) == input)
        }
    }

    @Test func everyTruncationFails() {
        var rng = RemoteWriteTestRandom(seed: 3)
        var streams = referenceVectors.map { hexBytes($0.compressed) }
        streams.append(Snappy.compress(rng.bytes(300) + [UInt8](repeating: 9, count: 300) + rng.bytes(50)))
        for stream in streams {
            for n in 0..<stream.count {
                expectBadCompression(Array(stream.prefix(n)))
            }
        }
    }

    @Test func trailingBytesFail() {
        for vector in referenceVectors {
            expectBadCompression(hexBytes(vector.compressed) + [0x00])
        }
        do {
            _ = try Snappy.decompress([0x01, 0x00, 0x61, 0x00, 0x62], maxLength: 10)
            Issue.record("trailing literal accepted")
        } catch {
            #expect(error.code == .badCompression)
            #expect(error.message.contains("left over"))
        }
    }

    @Test func randomGarbageNeverCrashes() {
        var rng = RemoteWriteTestRandom(seed: 4)
        for _ in 0..<20_000 {
            let n = Int(rng.next() % 64)
            var input = rng.bytes(n)
            // Keep the declared length small and plausible half of the time so decoding gets going.
            if n > 0 && rng.next() % 2 == 0 { input[0] = UInt8(rng.next() % 128) }
            if let out = try? Snappy.decompress(input, maxLength: 1 << 16) {
                #expect(out.count == (try? Snappy.uncompressedLength(input)))
            }
        }
    }

    @Test func mutatedStreamsNeverCrash() throws {
        var rng = RemoteWriteTestRandom(seed: 5)
        let plain = Array(String(repeating: "abcabcabd hello world 0123456789 ", count: 40).utf8) + rng.bytes(200)
        let good = Snappy.compress(plain)
        for _ in 0..<20_000 {
            var bad = good
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                bad[Int(rng.next() % UInt64(bad.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            if let out = try? Snappy.decompress(bad, maxLength: 1 << 16) {
                #expect(out.count == (try? Snappy.uncompressedLength(bad)))
            }
        }
    }

    @Test func refusesDeclaredLengthOverLimitBeforeDecoding() throws {
        let compressed = Snappy.compress([UInt8](repeating: 1, count: 10_000))
        do {
            _ = try Snappy.decompress(compressed, maxLength: 9_999)
            Issue.record("limit not enforced")
        } catch {
            #expect(error.code == .tooLarge)
            #expect(error.message.contains("10000"))
        }
        #expect(try Snappy.decompress(compressed, maxLength: 10_000).count == 10_000)
        // 4 GiB - 1 declared by a 5-byte preamble and nothing else.
        #expect(throws: IngestError.self) { _ = try Snappy.decompress([0xff, 0xff, 0xff, 0xff, 0x0f], maxLength: 64 << 20) }
    }

    @Test func refusesImpossibleExpansion() throws {
        // Declares 1 MiB but holds two bytes of elements.
        do {
            _ = try Snappy.decompress([0x80, 0x80, 0x40, 0x00, 0x61], maxLength: 64 << 20)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .badCompression)
        }
    }

    @Test func rejectsBadPreambles() {
        expectBadCompression([])
        expectBadCompression([0x80])  // continuation with nothing after
        expectBadCompression([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])  // longer than 5 bytes
        expectBadCompression([0xff, 0xff, 0xff, 0xff, 0x1f])  // over 32 bits
    }

    @Test func rejectsBadCopies() {
        // "ab" then a 1-byte-offset copy of 4 with offset 0.
        expectBadCompression([0x06, 0x04, 0x61, 0x62, 0x01, 0x00])
        // Offset 3 when only 2 bytes exist.
        expectBadCompression([0x06, 0x04, 0x61, 0x62, 0x01, 0x03])
        // 2-byte-offset copy reaching before the start.
        expectBadCompression([0x06, 0x04, 0x61, 0x62, 0x0e, 0x00, 0x01])
        // 4-byte-offset copy with offset 0.
        expectBadCompression([0x06, 0x04, 0x61, 0x62, 0x0f, 0x00, 0x00, 0x00, 0x00])
        // Copy running past the declared length (declares 5, copy of 4 after 2 bytes).
        expectBadCompression([0x05, 0x04, 0x61, 0x62, 0x01, 0x02])
        // Truncated copy elements of each kind.
        expectBadCompression([0x06, 0x04, 0x61, 0x62, 0x01])
        expectBadCompression([0x06, 0x04, 0x61, 0x62, 0x0e, 0x02])
        expectBadCompression([0x06, 0x04, 0x61, 0x62, 0x0f, 0x02, 0x00, 0x00])
    }

    @Test func rejectsBadLiterals() {
        // Literal of 3 declared in the tag but only 2 bytes present.
        expectBadCompression([0x03, 0x08, 0x61, 0x62])
        // Literal with 1-byte length (60) that is missing.
        expectBadCompression([0x03, 0xf0])
        // 4-byte literal length far past the input.
        expectBadCompression([0x03, 0xfc, 0xff, 0xff, 0xff, 0x7f, 0x61])
        // Declared length shorter than the literal.
        expectBadCompression([0x01, 0x04, 0x61, 0x62])
        // Declared length longer than what the elements produce.
        expectBadCompression([0x03, 0x04, 0x61, 0x62])
    }

    @Test func decodesEveryElementForm() throws {
        // Literal with a 4-byte length header (tag 63) and a 4-byte-offset copy.
        let input: [UInt8] = [0x06, 0xfc, 0x01, 0x00, 0x00, 0x00, 0x61, 0x62, 0x0f, 0x02, 0x00, 0x00, 0x00]
        #expect(try Snappy.decompress(input, maxLength: 10) == Array("ababab".utf8))
        // Literal with 2- and 3-byte length headers.
        let a = [UInt8](repeating: 7, count: 300)
        #expect(try Snappy.decompress([0xac, 0x02, 0xf4, 0x2b, 0x01] + a, maxLength: 300) == a)
        #expect(try Snappy.decompress([0xac, 0x02, 0xf8, 0x2b, 0x01, 0x00] + a, maxLength: 300) == a)
    }

    @Test(arguments: 1...9)
    func overlappingCopiesRepeatThePattern(offset: Int) throws {
        let pattern = (0..<offset).map { UInt8(0x30 + $0) }
        var w = ProtoWriter()
        let total = offset + 40
        w.varint(UInt64(total))
        w.bytes.append(UInt8((offset - 1) << 2))
        w.bytes += pattern
        w.bytes += [UInt8(2 | (40 - 1) << 2), UInt8(offset), 0]  // 2-byte-offset copy of 40
        let expected = (0..<total).map { pattern[$0 % offset] }
        #expect(try Snappy.decompress(w.bytes, maxLength: total) == expected)
    }

    @Test func handlesLargeMultiBlockInputs() throws {
        var rng = RemoteWriteTestRandom(seed: 6)
        let chunk = rng.bytes(70_000)
        let input = chunk + chunk.prefix(50_000) + [UInt8](repeating: 3, count: 100_000) + chunk
        let compressed = Snappy.compress(input)
        #expect(compressed.count < input.count)
        #expect(try Snappy.decompress(compressed, maxLength: input.count) == input)
    }
}
