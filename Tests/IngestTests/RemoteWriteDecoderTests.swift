import Testing
@testable import Ingest
import TSDB

private func decode(_ body: [UInt8], limits: RemoteWriteLimits = RemoteWriteLimits()) throws -> DecodedWriteRequest {
    try RemoteWriteDecoder.decode(body: body, limits: limits)
}

/// Decoding must fail with `code`, and the message must mention `mentioning` when given.
private func expectFailure(_ body: [UInt8], _ code: IngestError.Code, mentioning: String? = nil,
                           limits: RemoteWriteLimits = RemoteWriteLimits(),
                           sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let r = try RemoteWriteDecoder.decode(body: body, limits: limits)
        Issue.record("decoded \(r.series.count) series instead of failing", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let mentioning {
            #expect(error.message.contains(mentioning), "\(error)", sourceLocation: sourceLocation)
        }
    }
}

/// Checks the structural invariants every successful decode must keep.
private func checkInvariants(_ r: DecodedWriteRequest) {
    var labels = 0
    var samples = 0
    for s in r.series {
        #expect(Int(s.labelStart) == labels && Int(s.sampleStart) == samples)
        labels += Int(s.labelCount)
        samples += Int(s.sampleCount)
    }
    #expect(labels == r.labelRefs.count && samples == r.samples.count)
    for ref in r.labelRefs {
        #expect(ref.nameStart >= 0 && Int(ref.nameStart + ref.nameCount) <= r.body.count)
        #expect(ref.valueStart >= 0 && Int(ref.valueStart + ref.valueCount) <= r.body.count)
    }
}

private let up = [("__name__", "up"), ("job", "node"), ("instance", "a:9100")]

@Suite struct RemoteWriteDecoderTests {
    @Test func decodesSeriesLabelsAndSamples() throws {
        let body = ProtoWriter.request([
            ProtoWriter.series(up, [(1, 1000), (0, 2000)]),
            ProtoWriter.series([("__name__", "load1"), ("host", "b")], [(0.5, 1500)]),
            ProtoWriter.series(up, [(1, 3000)]),
        ])
        let r = try decode(body)
        checkInvariants(r)
        #expect(r.series.count == 3)
        #expect(r.labelRefs.count == 8)
        #expect(r.samples == [Sample(t: 1000, v: 1), Sample(t: 2000, v: 0), Sample(t: 1500, v: 0.5), Sample(t: 3000, v: 1)])
        #expect(r.labels(of: r.series[0]) == up.map { Label($0.0, $0.1) })
        #expect(r.labels(of: r.series[1]) == [Label("__name__", "load1"), Label("host", "b")])
        #expect(Array(r.samples(of: r.series[1])) == [Sample(t: 1500, v: 0.5)])
        #expect(r.series[0].labelsHash == r.series[2].labelsHash)
        #expect(r.series[0].labelsHash != r.series[1].labelsHash)
        #expect(r.series[0].labelsHash == LabelHash.hash(r.labels(of: r.series[0])))
        #expect(r.histogramCount == 0 && r.exemplarCount == 0 && r.metadata.isEmpty)
    }

    @Test func emptyBodyAndEmptySeries() throws {
        #expect(try decode([]).series.isEmpty)
        let r = try decode(ProtoWriter.request([[]]))
        #expect(r.series.count == 1)
        #expect(r.series[0].labelCount == 0 && r.series[0].sampleCount == 0)
    }

    @Test func keepsSpecialValuesAndNegativeTimestamps() throws {
        let values: [Double] = [.nan, .staleMarker, .infinity, -.infinity, -0.0, .greatestFiniteMagnitude,
                                .leastNonzeroMagnitude]
        let times: [Int64] = [-1, .min, .max, 0, -1_767_225_600_000, 1]
        let pairs = zip(values, times).map { ($0, $1) }
        let r = try decode(ProtoWriter.request([ProtoWriter.series(up, pairs)]))
        #expect(r.samples.count == pairs.count)
        for (sample, (v, t)) in zip(r.samples, pairs) {
            #expect(sample.t == t)
            #expect(sample.v.bitPattern == v.bitPattern)
        }
        #expect(r.samples[1].v.isStaleMarker)
    }

    @Test func fieldsInAnyOrderAndRepeated() throws {
        // Sample with timestamp first, then value twice (last wins); a missing field is zero.
        var sample = ProtoWriter()
        sample.varintField(2, 42)
        sample.fixed64(1, Double(1).bitPattern)
        sample.fixed64(1, Double(7).bitPattern)
        var label = ProtoWriter()
        label.string(2, "v-first")
        label.string(1, "first-name")
        label.string(1, "name")  // repeated singular field: last wins
        var onlyValue = ProtoWriter()
        onlyValue.string(2, "x")
        var series = ProtoWriter()
        series.lengthDelimited(2, sample.bytes)
        series.lengthDelimited(1, label.bytes)
        series.lengthDelimited(2, [])  // an empty Sample: t = 0, v = 0
        series.lengthDelimited(1, onlyValue.bytes)
        let r = try decode(ProtoWriter.request([series.bytes]))
        #expect(r.samples == [Sample(t: 42, v: 7), Sample(t: 0, v: 0)])
        #expect(r.labels(of: r.series[0]) == [Label("name", "v-first"), Label("", "x")])
    }

    @Test func commonLayoutFollowedByMoreFields() throws {
        // The usual name-then-value and value-then-timestamp layouts, with fields after them.
        var sample = ProtoWriter(bytes: ProtoWriter.sample(1, 10))
        sample.fixed64(1, Double(2).bitPattern)  // repeated: last wins
        var sample2 = ProtoWriter(bytes: ProtoWriter.sample(3, 30))
        sample2.string(7, "unknown")
        var label = ProtoWriter(bytes: ProtoWriter.label("a", "b"))
        label.string(1, "c")
        var label2 = ProtoWriter(bytes: ProtoWriter.label("d", "e"))
        label2.varintField(3, 1)
        var series = ProtoWriter()
        series.lengthDelimited(1, label.bytes)
        series.lengthDelimited(1, label2.bytes)
        series.lengthDelimited(2, sample.bytes)
        series.lengthDelimited(2, sample2.bytes)
        let r = try decode(ProtoWriter.request([series.bytes]))
        #expect(r.labels(of: r.series[0]) == [Label("c", "b"), Label("d", "e")])
        #expect(r.samples == [Sample(t: 10, v: 2), Sample(t: 30, v: 3)])
        // Names and values of 127 and 128 bytes: either side of the one-byte length.
        for n in [127, 128, 300] {
            let long = String(repeating: "n", count: n)
            let d = try decode(ProtoWriter.request([ProtoWriter.series([(long, long + "v"), ("x", long)], [])]))
            #expect(d.labels(of: d.series[0]) == [Label(long, long + "v"), Label("x", long)])
        }
    }

    @Test func skipsUnknownFieldsOfEveryWireType() throws {
        func unknowns(_ w: inout ProtoWriter) {
            w.varintField(15, 1 << 62)
            w.fixed64(16, 0xdead_beef)
            w.fixed32(17, 7)
            w.string(18, "ignored")
            // A group holding a nested group and other fields.
            w.key(19, 3)
            w.varintField(1, 5)
            w.key(2, 3)
            w.string(3, "deep")
            w.key(2, 4)
            w.key(19, 4)
            w.varintField(536_870_911, 0)  // the highest field number
        }
        var label = ProtoWriter()
        unknowns(&label)
        label.string(1, "__name__")
        unknowns(&label)
        label.string(2, "up")
        var sample = ProtoWriter()
        unknowns(&sample)
        sample.fixed64(1, Double(3).bitPattern)
        sample.varintField(2, 99)
        unknowns(&sample)
        var series = ProtoWriter()
        unknowns(&series)
        series.lengthDelimited(1, label.bytes)
        unknowns(&series)
        series.lengthDelimited(2, sample.bytes)
        unknowns(&series)
        var request = ProtoWriter()
        unknowns(&request)
        request.string(2, "reserved field 2, used by Cortex")
        request.lengthDelimited(1, series.bytes)
        unknowns(&request)
        let r = try decode(request.bytes)
        checkInvariants(r)
        #expect(r.labels(of: r.series[0]) == [Label("__name__", "up")])
        #expect(r.samples == [Sample(t: 99, v: 3)])
        // The same labels without unknown fields give the same hash and key.
        let plain = try decode(ProtoWriter.request([ProtoWriter.series([("__name__", "up")], [(3, 99)])]))
        #expect(plain.series[0].labelsHash == r.series[0].labelsHash)
        #expect(r.rawLabelsEqual(r.series[0], plain.rawLabelKey(of: plain.series[0])))
    }

    @Test func countsExemplarsHistogramsAndMetadata() throws {
        // A histogram with packed repeated fields inside; it is skipped whole, whatever it holds.
        var histogram = ProtoWriter()
        histogram.varintField(1, 10)  // count_int
        histogram.lengthDelimited(9, [0x02, 0x04, 0x06])  // packed sint64 deltas
        histogram.lengthDelimited(11, [0x01, 0x02])
        histogram.varintField(15, 1000)  // timestamp
        var exemplar = ProtoWriter()
        exemplar.lengthDelimited(1, ProtoWriter.label("trace_id", "abc"))
        exemplar.fixed64(2, Double(1).bitPattern)
        var series = ProtoWriter(bytes: ProtoWriter.series(up, [(1, 1)]))
        series.lengthDelimited(3, exemplar.bytes)
        series.lengthDelimited(4, histogram.bytes)
        series.lengthDelimited(4, histogram.bytes)
        var metadata = ProtoWriter()
        metadata.varintField(1, 1)
        metadata.string(2, "up")
        metadata.string(4, "Whether the target answered.")
        metadata.string(5, "")
        var request = ProtoWriter()
        request.lengthDelimited(3, metadata.bytes)
        request.lengthDelimited(1, series.bytes)
        let r = try decode(request.bytes)
        #expect(r.histogramCount == 2 && r.exemplarCount == 1)
        #expect(r.metadata.count == 1)
        #expect(r.metadata.first?.metric == "up")
        #expect(r.metadata.first?.metadata == MetricMetadata(type: "counter", help: "Whether the target answered."))
        #expect(r.samples.count == 1)
    }

    @Test(arguments: [
        ("WriteRequest.timeseries", [0x08, 0x01]),  // field 1 as varint
        ("WriteRequest.metadata", [0x1d, 0, 0, 0, 0]),  // field 3 as fixed32
        ("TimeSeries.labels", [0x0a, 0x02, 0x08, 0x01]),
        ("TimeSeries.samples", [0x0a, 0x09, 0x11] + [UInt8](repeating: 0, count: 8)),
        ("TimeSeries.exemplars", [0x0a, 0x02, 0x18, 0x01]),
        ("TimeSeries.histograms", [0x0a, 0x02, 0x20, 0x01]),
        ("Label.name", [0x0a, 0x04, 0x0a, 0x02, 0x08, 0x01]),
        ("Label.value", [0x0a, 0x04, 0x0a, 0x02, 0x10, 0x01]),
        ("Sample.value", [0x0a, 0x04, 0x12, 0x02, 0x08, 0x01]),
        ("Sample.timestamp", [0x0a, 0x0b, 0x12, 0x09, 0x11] + [UInt8](repeating: 0, count: 8)),
    ] as [(String, [UInt8])])
    func rejectsWrongWireTypes(field: String, body: [UInt8]) {
        expectFailure(body, .badProtobuf, mentioning: field)
    }

    @Test func rejectsOutOfRangeLengths() {
        expectFailure([0x0a, 0x05, 0x00], .badProtobuf, mentioning: "runs past")
        // A label whose length runs past its series (but not past the body).
        expectFailure([0x0a, 0x02, 0x0a, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00], .badProtobuf, mentioning: "runs past")
        // A label name whose length runs past its label.
        expectFailure([0x0a, 0x04, 0x0a, 0x02, 0x0a, 0x03, 0x61, 0x62, 0x63], .badProtobuf)
        // Length near 2^64.
        expectFailure([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], .badProtobuf)
        // Truncated fixed64 for Sample.value.
        expectFailure([0x0a, 0x05, 0x12, 0x03, 0x09, 0x00, 0x00], .badProtobuf, mentioning: "fixed64")
        // Truncated unknown fixed32 / fixed64.
        expectFailure([0x7d, 0x00], .badProtobuf)
        expectFailure([0x79, 0x00, 0x00], .badProtobuf)
    }

    @Test func rejectsBadVarintsAndKeys() {
        expectFailure([0x80], .badProtobuf, mentioning: "truncated varint")  // key
        expectFailure([0x0a, 0x03, 0x12, 0x01, 0x10], .badProtobuf)  // timestamp missing
        expectFailure([0x0a, 0x04, 0x12, 0x02, 0x10, 0x80], .badProtobuf, mentioning: "truncated varint")
        expectFailure([0x78] + [UInt8](repeating: 0xff, count: 10) + [0x01], .badProtobuf, mentioning: "10 bytes")
        expectFailure([0x00, 0x01], .badProtobuf, mentioning: "field number 0")
        expectFailure([0x0e], .badProtobuf, mentioning: "wire type 6")
        expectFailure([0x0f], .badProtobuf, mentioning: "wire type 7")
        expectFailure([0x7c], .badProtobuf, mentioning: "end-group")  // field 15 end-group, nothing open
        expectFailure([0x7b, 0x84, 0x01], .badProtobuf, mentioning: "end-group")  // group 15 closed as 16
        expectFailure([0x7b, 0x08, 0x01], .badProtobuf)  // group never closed
        expectFailure([UInt8](repeating: 0x7b, count: 100), .badProtobuf, mentioning: "nested")
    }

    @Test func acceptsTenByteVarintsAndMaxValues() throws {
        var sample = ProtoWriter()
        sample.key(2, 0)
        sample.bytes += [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]  // -1
        var series = ProtoWriter()
        series.lengthDelimited(2, sample.bytes)
        let r = try decode(ProtoWriter.request([series.bytes]))
        #expect(r.samples == [Sample(t: -1, v: 0)])
    }

    @Test func enforcesRequestLimits() {
        let body = ProtoWriter.request((0..<10).map { i in ProtoWriter.series([("__name__", "m\(i)"), ("a", "b")], [(1, 1), (2, 2)]) })
        expectFailure(body, .tooLarge, mentioning: "series", limits: RemoteWriteLimits(maxSeries: 9))
        expectFailure(body, .tooLarge, mentioning: "samples", limits: RemoteWriteLimits(maxSamples: 19))
        expectFailure(body, .tooLarge, mentioning: "labels", limits: RemoteWriteLimits(maxLabelPairs: 19))
        #expect(throws: Never.self) {
            _ = try decode(body, limits: RemoteWriteLimits(maxSeries: 10, maxSamples: 20, maxLabelPairs: 20))
        }
    }

    @Test func rawLabelKeys() throws {
        let other = [("__name__", "up"), ("job", "node"), ("instance", "a:910")]
        let r = try decode(ProtoWriter.request([
            ProtoWriter.series(up, [(1, 1)]), ProtoWriter.series(other, [(1, 1)]), ProtoWriter.series([], []),
            ProtoWriter.series([("__name__", "up"), ("job", "node")], []),
        ]))
        let key = r.rawLabelKey(of: r.series[0])
        #expect(r.rawLabelsEqual(r.series[0], key))
        #expect(!r.rawLabelsEqual(r.series[1], key))
        #expect(!r.rawLabelsEqual(r.series[2], key))
        #expect(!r.rawLabelsEqual(r.series[3], key))  // a prefix of the key
        #expect(r.rawLabelsEqual(r.series[2], []))
        #expect(!r.rawLabelsEqual(r.series[0], Array(key.dropLast())))
        #expect(!r.rawLabelsEqual(r.series[0], key + [0]))
        #expect(Set(r.series.map(\.labelsHash)).count == 4)
        // A key from a different request with the same labels matches.
        let again = try decode(ProtoWriter.request([ProtoWriter.series([("x", "y")], []), ProtoWriter.series(up, [])]))
        #expect(again.rawLabelsEqual(again.series[1], key))
        #expect(again.series[1].labelsHash == r.series[0].labelsHash)
    }

    @Test func hashSeparatesNamesFromValues() throws {
        let r = try decode(ProtoWriter.request([
            ProtoWriter.series([("ab", "c")], []), ProtoWriter.series([("a", "bc")], []),
            ProtoWriter.series([("a", "b"), ("c", "d")], []), ProtoWriter.series([("a", "b\u{0}c"), ("", "d")], []),
            ProtoWriter.series([("c", "d"), ("a", "b")], []),
        ]))
        #expect(Set(r.series.map(\.labelsHash)).count == r.series.count)
        for s in r.series { #expect(s.labelsHash == LabelHash.hash(r.labels(of: s))) }
    }

    @Test func hashIsStableAcrossLengthsProperty() throws {
        // Every length 0...40 of name and value exercises each tail path of the mixer.
        var rng = RemoteWriteTestRandom(seed: 11)
        var hashes = Set<UInt64>()
        var series: [[UInt8]] = []
        for n in 0...40 {
            let name = String((0..<n).map { _ in Character(UnicodeScalar(UInt8(97 + rng.next() % 26))) })
            series.append(ProtoWriter.series([("__name__", "m"), (name, String(name.reversed()) + "v")], []))
        }
        let r = try decode(ProtoWriter.request(series))
        for s in r.series {
            #expect(s.labelsHash == LabelHash.hash(r.labels(of: s)))
            hashes.insert(s.labelsHash)
        }
        #expect(hashes.count == r.series.count)
    }

    @Test func everyTruncationFailsOrDecodesAPrefix() throws {
        var sample = ProtoWriter()
        sample.fixed64(1, Double(1.5).bitPattern)
        sample.varintField(2, UInt64(bitPattern: -5))
        var series = ProtoWriter(bytes: ProtoWriter.series(up, []))
        series.lengthDelimited(2, sample.bytes)
        series.fixed32(9, 1)
        let body = ProtoWriter.request([series.bytes, ProtoWriter.series([("__name__", "x")], [(2, 2)])])
        let full = try decode(body)
        for n in 0..<body.count {
            // A cut at a series boundary is a valid shorter request; anywhere else must fail.
            if let r = try? decode(Array(body.prefix(n))) {
                checkInvariants(r)
                #expect(r.series.count < full.series.count)
                #expect(n == 0 || n == series.bytes.count + 2)
            }
        }
    }

    @Test func randomGarbageAndMutationsNeverCrash() {
        var rng = RemoteWriteTestRandom(seed: 12)
        let valid = ProtoWriter.request((0..<5).map { i in ProtoWriter.series(up + [("i", "\(i)")], [(Double(i), Int64(i))]) })
        for round in 0..<30_000 {
            var input: [UInt8]
            if round % 2 == 0 {
                input = rng.bytes(Int(rng.next() % 80))
            } else {
                input = valid
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    input[Int(rng.next() % UInt64(input.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            if let r = try? decode(input) {
                checkInvariants(r)
                for s in r.series { _ = r.labels(of: s) }
            }
        }
    }

    @Test func decodesSnappyBodies() throws {
        let body = ProtoWriter.request((0..<50).map { i in ProtoWriter.series(up + [("i", "\(i)")], [(Double(i), Int64(i))]) })
        let compressed = Snappy.compress(body)
        let r = try RemoteWriteDecoder.decodeSnappyBody(compressed: compressed)
        #expect(r.series.count == 50 && r.samples.count == 50)
        #expect(r.body == body)
        #expect(throws: IngestError.self) {
            _ = try RemoteWriteDecoder.decodeSnappyBody(compressed: compressed, maxCompressed: compressed.count - 1)
        }
        do {
            _ = try RemoteWriteDecoder.decodeSnappyBody(compressed: compressed, maxDecompressed: body.count - 1)
            Issue.record("decompressed limit not enforced")
        } catch {
            #expect(error.code == .tooLarge)
        }
        do {
            _ = try RemoteWriteDecoder.decodeSnappyBody(compressed: Array(compressed.dropLast()))
            Issue.record("damaged body accepted")
        } catch {
            #expect(error.code == .badCompression)
        }
        // Uncompressed protobuf sent as if it were snappy fails cleanly.
        #expect(throws: IngestError.self) { _ = try RemoteWriteDecoder.decodeSnappyBody(compressed: body) }
    }
}

@Suite struct RemoteWriteDecoderReuseTests {
    @Test func reusedRequestMatchesFreshDecode() throws {
        var scratch = DecodedWriteRequest(body: [])
        // Large, then small, then large again, then a failure, then small: each must equal a fresh decode.
        let bodies = [200, 3, 50, 0].map { n in
            ProtoWriter.request((0..<n).map { i in ProtoWriter.series(up + [("i", "\(i)")], [(Double(i), Int64(i))]) })
        }
        for body in [bodies[0], bodies[1], bodies[0], [0x0a, 0x05], bodies[2], bodies[3]] {
            let fresh = try? decode(body)
            do {
                try RemoteWriteDecoder.decodeSnappyBody(compressed: Snappy.compress(body), into: &scratch)
                let expected = try #require(fresh)
                #expect(scratch.body == body)
                #expect(scratch.labelRefs == expected.labelRefs && scratch.samples == expected.samples)
                #expect(scratch.series == expected.series)
            } catch {
                #expect(fresh == nil)
            }
        }
    }

    @Test func decompressIntoReusesAndResizes() throws {
        var rng = RemoteWriteTestRandom(seed: 31)
        var buffer: [UInt8] = []
        for size in [1000, 10, 0, 5000, 4999] {
            let plain = rng.bytes(size)
            try Snappy.decompress(Snappy.compress(plain), maxLength: 1 << 20, into: &buffer)
            #expect(buffer == plain)
        }
        #expect(throws: IngestError.self) { try Snappy.decompress([0x05, 0x00, 0x61], maxLength: 10, into: &buffer) }
    }
}
