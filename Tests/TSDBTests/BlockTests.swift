import Foundation
import Testing
import DiskIO
@testable import TSDB

/// SplitMix64: a tiny seeded generator so every random test is reproducible.
private struct BlockRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh directory under the system temp dir, removed by `cleanup()`.
private struct BlockTempDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "blocktests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
    func entries() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
}

private let alphabet: [String] = ["a", "b", "z", "0", "_", "-", ".", "é", "e\u{301}", "ü", "中", "文", "🙂", "ß", "Z", " "]

private func randomString(_ rng: inout BlockRNG, maxLength: Int = 8, nfc: Bool = false) -> String {
    let n = Int.random(in: 1...maxLength, using: &rng)
    let letters = nfc ? alphabet.filter { $0 != "e\u{301}" } : alphabet
    return (0..<n).map { _ in letters.randomElement(using: &rng)! }.joined()
}

/// Random series: a few metric names, label names with many values each, unicode everywhere,
/// 1–5 chunks with random opaque bytes (sometimes empty). No two series share labels.
private func randomSeries(_ rng: inout BlockRNG, count: Int, maxChunks: Int = 5, maxChunkBytes: Int = 64,
                          nfc: Bool = false) -> [BlockSeries] {
    // Names are NFC: Labels cannot order canonically-equal names (see BlockStringOrder).
    let names = (0..<6).map { _ in randomString(&rng, maxLength: 5, nfc: true) } + ["job", "instance", "ünïcødé"]
    var values: [String: [String]] = [:]
    for n in names { values[n] = (0..<Int.random(in: 1...40, using: &rng)).map { _ in randomString(&rng, nfc: nfc) } }
    let metrics = (0..<5).map { _ in "metric_" + randomString(&rng, maxLength: 4) }
    var seen = Set<Labels>()
    var out: [BlockSeries] = []
    while out.count < count {
        var pairs = [Label(Labels.metricName, metrics.randomElement(using: &rng)!)]
        for n in names where Bool.random(using: &rng) {
            pairs.append(Label(n, values[n]!.randomElement(using: &rng)!))
        }
        // Drop canonically-equal duplicate names (e.g. "é" and "e\u{301}"): not a valid label set.
        var unique: [Label] = []
        for p in pairs.sorted() where unique.last?.name != p.name { unique.append(p) }
        let labels = Labels(unique)
        guard seen.insert(labels).inserted else { continue }
        var t = Int64.random(in: -1_000_000...1_700_000_000_000, using: &rng)
        var chunks: [ChunkMeta] = []
        for _ in 0..<Int.random(in: 1...maxChunks, using: &rng) {
            let span = Int64.random(in: 0...7_200_000, using: &rng)
            let bytes = (0..<Int.random(in: 0...maxChunkBytes, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            chunks.append(ChunkMeta(minTime: t, maxTime: t + span, count: Int.random(in: 1...240, using: &rng), bytes: bytes))
            t += span + Int64.random(in: 0...60_000, using: &rng)
        }
        out.append(BlockSeries(labels: labels, chunks: chunks))
    }
    return out
}

/// Everything a reader exposes, gathered by walking it completely.
private struct Snapshot: Equatable {
    var names: [String] = []
    var values: [[String]] = []
    var postings: [[UInt32]] = []
    var labels: [Labels] = []
    var chunks: [[ChunkRef]] = []
    var data: [[UInt8]] = []
}

private func readEverything(_ r: BlockReader) throws -> Snapshot {
    var s = Snapshot()
    s.names = r.labelNames()
    for n in s.names {
        let vs = r.labelValues(n)
        s.values.append(vs)
        s.postings.append(r.postings(name: n))
        for v in vs { s.postings.append(r.postings(name: n, value: v)) }
    }
    for id in 0..<r.seriesCount {
        let (labels, refs) = try r.series(UInt32(id))
        s.labels.append(labels)
        s.chunks.append(refs)
        for ref in refs { s.data.append(try r.chunkData(ref)) }
    }
    // Ids from postings go through series() too, as a query would.
    for list in s.postings.prefix(20) {
        for id in list.prefix(5) { _ = try r.series(id) }
    }
    return s
}

private func bytes(_ l: Labels) -> [[UInt8]] { l.pairs.flatMap { [Array($0.name.utf8), Array($0.value.utf8)] } }
private func byteLess(_ a: [UInt8], _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }

/// Checks a reopened block against the series that were written. Strings are compared by bytes,
/// as the block does: "é" and "e\u{301}" are different values there.
private func verify(_ r: BlockReader, _ written: [BlockSeries]) throws {
    let sorted = written.filter { !$0.chunks.isEmpty }.sorted { BlockStringOrder.less($0.labels, $1.labels) }
    #expect(r.seriesCount == sorted.count)
    #expect(r.meta.stats.numSeries == sorted.count)
    #expect(r.meta.stats.numChunks == sorted.reduce(0) { $0 + $1.chunks.count })
    #expect(r.meta.stats.numSamples == sorted.reduce(0) { $0 + $1.chunks.reduce(0) { $0 + $1.count } })

    var expected: [[UInt8]: [[UInt8]: [UInt32]]] = [:]
    var chunks: [ChunkRef] = []
    for (id, s) in sorted.enumerated() {
        let labels = try r.series(UInt32(id), chunks: &chunks)
        #expect(bytes(labels) == bytes(s.labels))
        #expect(chunks.count == s.chunks.count)
        for (ref, c) in zip(chunks, s.chunks) {
            #expect(ref.minTime == c.minTime && ref.maxTime == c.maxTime && ref.count == c.count)
            #expect(try r.chunkData(ref) == c.bytes)
        }
        for l in s.labels.pairs {
            expected[Array(l.name.utf8), default: [:]][Array(l.value.utf8), default: []].append(UInt32(id))
        }
    }
    #expect(r.labelNames().map { Array($0.utf8) } == expected.keys.sorted(by: byteLess))
    for (nameBytes, byValue) in expected {
        let name = String(decoding: nameBytes, as: UTF8.self)
        #expect(r.labelValues(name).map { Array($0.utf8) } == byValue.keys.sorted(by: byteLess))
        for (value, ids) in byValue {
            #expect(r.postings(name: name, value: String(decoding: value, as: UTF8.self)) == ids)
        }
        #expect(r.postings(name: name) == PostingsMath.union(Array(byValue.values)))
        #expect(r.postings(name: name, value: "\u{0}absent") == [])
    }
    #expect(r.postings(name: "\u{0}absent") == [])
    #expect(r.labelValues("\u{0}absent") == [])
    #expect(throws: TSDBError.self) { try r.series(UInt32(sorted.count)) }
}

private func corruptedCode(_ body: () throws -> Void) -> TSDBError.Code? {
    do { try body(); return nil } catch let e as TSDBError { return e.code } catch { return TSDBError.Code.io }
}

private func writeSmallBlock(_ dir: BlockTempDir, seed: UInt64, count: Int = 30) throws -> (String, [BlockSeries]) {
    var rng = BlockRNG(seed: seed)
    let series = randomSeries(&rng, count: count, maxChunks: 3, maxChunkBytes: 24)
    let id = BlockWriter.newID()
    try BlockWriter.write(series: series, into: dir.path, id: id, sequence: 1, level: 1, sources: [])
    return (dir.path + "/" + id, series)
}

@Suite struct BlockTests {
    @Test(arguments: [1, 2, 3, 42, 1234] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        var rng = BlockRNG(seed: seed)
        let series = randomSeries(&rng, count: 300).shuffled(using: &rng)
        let id = BlockWriter.newID()
        let meta = try BlockWriter.write(series: series, into: dir.path, id: id, sequence: 7, level: 2, sources: ["x", "y"])
        let r = try BlockReader(directory: dir.path + "/" + id)
        #expect(r.meta == meta)
        #expect(meta.id == id && meta.sequence == 7 && meta.compaction == .init(level: 2, sources: ["x", "y"]))
        #expect(meta.minTime == series.flatMap(\.chunks).map(\.minTime).min())
        #expect(meta.maxTime == series.flatMap(\.chunks).map(\.maxTime).max())
        #expect(r.sizeBytes > 0)
        try verify(r, series)
    }

    @Test(arguments: [5, 6, 7] as [UInt64])
    func matchersAgreeWithBruteForce(seed: UInt64) throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        var rng = BlockRNG(seed: seed)
        // Matcher compares with String ==, the block by bytes; they agree on NFC strings.
        let series = randomSeries(&rng, count: 400, nfc: true)
        let id = "b"
        try BlockWriter.write(series: series, into: dir.path, id: id, sequence: 1, level: 1, sources: [])
        let r = try BlockReader(directory: dir.path + "/" + id)
        let sorted = series.sorted { BlockStringOrder.less($0.labels, $1.labels) }
        let names = r.labelNames() + ["missing"]
        for _ in 0..<200 {
            var matchers: [Matcher] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let name = names.randomElement(using: &rng)!
                let vals = r.labelValues(name)
                let v = Bool.random(using: &rng) ? (vals.randomElement(using: &rng) ?? "") : ""
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: matchers.append(try Matcher(.equal, name, v))
                case 1: matchers.append(try Matcher(.notEqual, name, v))
                case 2: matchers.append(try Matcher(.regexMatch, name, (vals.prefix(2) + [v]).joined(separator: "|")))
                case 3: matchers.append(try Matcher(.regexNoMatch, name, v))
                case 4: matchers.append(try Matcher(.regexMatch, name, ".*a.*"))
                default: matchers.append(try Matcher(.regexNoMatch, name, ".+"))
                }
            }
            let expected = sorted.indices.filter { i in
                matchers.allSatisfy { $0.matches(sorted[i].labels[$0.name] ?? "") }
            }.map { UInt32($0) }
            #expect(r.select(matchers) == expected, "\(matchers)")
        }
        #expect(r.select([]) == r.allPostings())
    }

    @Test func emptyBlock() throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        let meta = try BlockWriter.write(series: [], into: dir.path, id: "empty", sequence: 3, level: 1, sources: [])
        #expect(meta.minTime == 0 && meta.maxTime == -1)
        #expect(meta.stats == .init(numSeries: 0, numChunks: 0, numSamples: 0))
        let r = try BlockReader(directory: dir.path + "/empty")
        #expect(r.seriesCount == 0)
        #expect(r.labelNames().isEmpty)
        #expect(r.postings(name: "a", value: "b").isEmpty)
        #expect(r.select([]).isEmpty)
        #expect(throws: TSDBError.self) { try r.series(0) }
        #expect(try readEverything(r) == Snapshot())

        // An explicit range is kept even without series.
        let m2 = try BlockWriter.write(series: [], into: dir.path, id: "ranged", sequence: 4, level: 1, sources: [],
                                       timeRange: 1000...1999)
        #expect(m2.minTime == 1000 && m2.maxTime == 1999)
        #expect(try BlockReader(directory: dir.path + "/ranged").meta == m2)
    }

    @Test func seriesWithoutChunksAreSkipped() throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        let c = ChunkMeta(minTime: 10, maxTime: 20, count: 2, bytes: [1, 2, 3])
        let series = [
            BlockSeries(labels: Labels(["__name__": "up", "job": "a"]), chunks: []),
            BlockSeries(labels: Labels(["__name__": "up", "job": "b"]), chunks: [c]),
        ]
        let meta = try BlockWriter.write(series: series, into: dir.path, id: "b", sequence: 1, level: 1, sources: [])
        #expect(meta.stats.numSeries == 1)
        let r = try BlockReader(directory: dir.path + "/b")
        #expect(r.labelValues("job") == ["b"])
        try verify(r, series)
    }

    @Test func stringsAreByteExact() throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        let c = ChunkMeta(minTime: 1, maxTime: 2, count: 1, bytes: [1])
        // Equal or unordered under String ==/<, distinct by bytes.
        let values = ["\u{E9}", "e\u{301}", "z\u{E9}-", "ze\u{301}", "\u{E9}-"]
        let series = values.map { BlockSeries(labels: Labels(["a": $0, "b": "x"]), chunks: [c]) }
        try BlockWriter.write(series: series, into: dir.path, id: "u", sequence: 1, level: 1, sources: [])
        let r = try BlockReader(directory: dir.path + "/u")
        #expect(r.seriesCount == values.count)
        #expect(r.labelValues("a").map { Array($0.utf8) } == values.map { Array($0.utf8) }.sorted(by: byteLess))
        for v in values { #expect(r.postings(name: "a", value: v).count == 1) }
        try verify(r, series)
    }

    @Test func concurrentReaders() async throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        let (block, _) = try writeSmallBlock(dir, seed: 31, count: 200)
        let r = try BlockReader(directory: block)
        let reference = try readEverything(r)
        try await withThrowingTaskGroup(of: Snapshot.self) { group in
            for _ in 0..<8 { group.addTask { try readEverything(r) } }
            for try await snap in group { #expect(snap == reference) }
        }
    }

    @Test func forgedChunkRefsAreRejected() throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        let (block, _) = try writeSmallBlock(dir, seed: 32)
        let r = try BlockReader(directory: block)
        let size = r.chunks.count
        for (offset, length) in [(0, 1), (-1, 1), (8, -1), (Int.max, 1), (8, Int.max), (size - 4, 1), (size, 0), (size - 3, 0)] {
            let ref = ChunkRef(minTime: 0, maxTime: 0, count: 1, offset: offset, length: length)
            #expect(corruptedCode { _ = try r.chunkBytes(ref) } == .corrupted, "\(offset) \(length)")
        }
        // A ref inside the file but not on a chunk boundary fails its checksum.
        let first = try r.series(0).chunks[0]
        #expect(corruptedCode { _ = try r.chunkBytes(ChunkRef(minTime: 0, maxTime: 0, count: 1, offset: first.offset + 1, length: first.length)) }
                == .corrupted)
    }

    @Test func extremeTimesRoundTrip() throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        let chunks = [
            ChunkMeta(minTime: .min, maxTime: .max, count: 1, bytes: [9]),
            ChunkMeta(minTime: 0, maxTime: 0, count: 1, bytes: []),
            ChunkMeta(minTime: .max, maxTime: .max, count: 3, bytes: [1, 2]),
        ]
        let series = [BlockSeries(labels: Labels(["a": "b"]), chunks: chunks)]
        try BlockWriter.write(series: series, into: dir.path, id: "x", sequence: 1, level: 1, sources: [])
        try verify(try BlockReader(directory: dir.path + "/x"), series)
    }

    @Test func badInputIsRejectedAndLeavesNothing() throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        let ok = ChunkMeta(minTime: 10, maxTime: 20, count: 2, bytes: [1])
        let l = Labels(["a": "1"])
        let cases: [[BlockSeries]] = [
            [BlockSeries(labels: l, chunks: [ok]), BlockSeries(labels: l, chunks: [ok])],                     // duplicate
            [BlockSeries(labels: l, chunks: [ChunkMeta(minTime: 5, maxTime: 4, count: 1, bytes: [])])],      // inverted
            [BlockSeries(labels: l, chunks: [ChunkMeta(minTime: 5, maxTime: 5, count: 0, bytes: [])])],      // no samples
            [BlockSeries(labels: l, chunks: [ok, ChunkMeta(minTime: 0, maxTime: 1, count: 1, bytes: [])])],  // out of order
            [BlockSeries(labels: Labels([Label("é", "1"), Label("e\u{301}", "2")]), chunks: [ok])],          // same name twice
        ]
        for series in cases {
            #expect(corruptedCode { try BlockWriter.write(series: series, into: dir.path, id: "b", sequence: 1, level: 1, sources: []) }
                    == .invalidArgument)
        }
        #expect(corruptedCode {
            try BlockWriter.write(series: [BlockSeries(labels: l, chunks: [ok])], into: dir.path, id: "b", sequence: 1,
                                  level: 1, sources: [], timeRange: 0...15)
        } == .invalidArgument)
        for bad in ["", ".", "..", "a/b", "x.tmp"] {
            #expect(corruptedCode { try BlockWriter.write(series: [], into: dir.path, id: bad, sequence: 1, level: 1, sources: []) }
                    == .invalidArgument)
        }
        #expect(dir.entries().isEmpty)
    }

    @Test func atomicWrite() throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        var rng = BlockRNG(seed: 99)
        let series = randomSeries(&rng, count: 50)

        // A crash after the files are written but before the rename leaves only "<id>.tmp".
        _ = try BlockWriter.writeTemporary(series: series, into: dir.path, id: "crashed", sequence: 1, level: 1,
                                           sources: [], timeRange: nil)
        #expect(dir.entries() == ["crashed.tmp"])
        #expect(dir.entries().allSatisfy(BlockFiles.isTemporary))
        #expect(!BlockFiles.isTemporary("crashed"))

        // Writing the same id again replaces the leftover and publishes the block.
        try BlockWriter.write(series: series, into: dir.path, id: "crashed", sequence: 1, level: 1, sources: [])
        #expect(dir.entries() == ["crashed"])
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/crashed"))
                == [BlockFiles.meta, BlockFiles.index, BlockFiles.chunks])
        try verify(try BlockReader(directory: dir.path + "/crashed"), series)

        // An existing block is never overwritten.
        #expect(corruptedCode { try BlockWriter.write(series: [], into: dir.path, id: "crashed", sequence: 2, level: 1, sources: []) }
                == .invalidArgument)
        #expect(dir.entries() == ["crashed"])
        // A parent that does not exist is an I/O error and leaves nothing.
        #expect(corruptedCode { try BlockWriter.write(series: series, into: dir.path + "/nope", id: "b", sequence: 1, level: 1, sources: []) }
                == .io)
        #expect(dir.entries() == ["crashed"])
    }

    @Test func newIDsAreUniqueAndSortable() throws {
        var ids: [String] = []
        for i in 0..<200 {
            if i % 50 == 0 { Thread.sleep(forTimeInterval: 0.002) }
            ids.append(BlockWriter.newID())
        }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 25 && $0.allSatisfy(\.isHexDigit) })
        // Ids made in different milliseconds sort by time.
        for i in stride(from: 50, to: 200, by: 50) { #expect(ids[i - 1] < ids[i]) }
    }

    @Test func metaJSON() throws {
        let meta = BlockMeta(id: "abc", minTime: -5, maxTime: 10, stats: .init(numSeries: 1, numChunks: 2, numSamples: 3),
                             compaction: .init(level: 2, sources: ["p", "q"]), sequence: .max)
        let data = try JSONEncoder().encode(meta)
        #expect(try JSONDecoder().decode(BlockMeta.self, from: data) == meta)
        let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(Set(obj?.keys.map { $0 } ?? []) == ["id", "minTime", "maxTime", "stats", "compaction", "version", "sequence"])
        #expect(meta.overlaps(minTime: 10, maxTime: 20) && !meta.overlaps(minTime: 11, maxTime: 20))
    }

    @Test func largeBlock() throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        // 20k series like a scrape of 200 targets x 100 metrics, 4 chunks each.
        var series: [BlockSeries] = []
        series.reserveCapacity(20_000)
        for i in 0..<20_000 {
            let labels = Labels(["__name__": "metric_\(i % 100)", "instance": "host-\(i / 100):9100", "job": "node",
                                 "le": String(i % 7)])
            let chunks = (0..<4).map { k in
                ChunkMeta(minTime: Int64(k) * 1_800_000, maxTime: Int64(k) * 1_800_000 + 1_785_000, count: 120,
                          bytes: [UInt8](repeating: UInt8(truncatingIfNeeded: i &+ k), count: 40 + (i + k) % 50))
            }
            series.append(BlockSeries(labels: labels, chunks: chunks))
        }
        try BlockWriter.write(series: series.reversed(), into: dir.path, id: "big", sequence: 1, level: 1, sources: [])
        let r = try BlockReader(directory: dir.path + "/big")
        try verify(r, series)
        #expect(r.labelValues("instance").count == 200)
        #expect(r.postings(name: "job", value: "node").count == 20_000)
        let m = try r.select([Matcher(.regexMatch, "instance", "host-1.*"), .equal("le", "3")])
        #expect(!m.isEmpty && m.allSatisfy { (try? r.series($0).labels["le"]) == "3" })
    }

    // MARK: - Damage

    @Test func missingFilesAndBadMeta() throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        let (block, _) = try writeSmallBlock(dir, seed: 11)
        let fm = FileManager.default
        #expect(corruptedCode { _ = try BlockReader(directory: dir.path + "/none") } == .corrupted)
        for file in [BlockFiles.meta, BlockFiles.index, BlockFiles.chunks] {
            let copy = dir.path + "/copy-" + file
            try fm.copyItem(atPath: block, toPath: copy)
            try fm.removeItem(atPath: copy + "/" + file)
            #expect(corruptedCode { _ = try BlockReader(directory: copy) } == .corrupted)
            try Data().write(to: URL(fileURLWithPath: copy + "/" + file))   // empty file
            #expect(corruptedCode { _ = try BlockReader(directory: copy) } == .corrupted)
        }
        let metaPath = block + "/" + BlockFiles.meta
        let good = try Data(contentsOf: URL(fileURLWithPath: metaPath))
        var obj = try JSONSerialization.jsonObject(with: good) as! [String: Any]
        let bads: [Data] = [
            Data("not json".utf8), Data("{}".utf8), Data("[1,2]".utf8), good.prefix(good.count / 2),
            try JSONSerialization.data(withJSONObject: obj.merging(["version": 2]) { $1 }),
            try JSONSerialization.data(withJSONObject: obj.merging(["minTime": "x"]) { $1 }),
            try JSONSerialization.data(withJSONObject: obj.merging(["stats": ["numSeries": 999, "numChunks": 1, "numSamples": 1]]) { $1 }),
            try JSONSerialization.data(withJSONObject: obj.merging(["stats": ["numSeries": -1, "numChunks": 1, "numSamples": 1]]) { $1 }),
        ]
        obj["sequence"] = nil
        for bad in bads + [try JSONSerialization.data(withJSONObject: obj)] {
            try bad.write(to: URL(fileURLWithPath: metaPath), options: .atomic)
            let code = corruptedCode { _ = try BlockReader(directory: block) }
            #expect(code == .corrupted, "\(String(decoding: bad, as: UTF8.self))")
        }
    }

    @Test func truncatedIndexAlwaysFailsToOpen() throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        let (block, _) = try writeSmallBlock(dir, seed: 12)
        let path = block + "/" + BlockFiles.index
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        for len in 0..<original.count {
            try original.prefix(len).write(to: URL(fileURLWithPath: path), options: .atomic)
            #expect(corruptedCode { _ = try BlockReader(directory: block) } == .corrupted, "length \(len)")
        }
        // Trailing garbage moves the table of contents too.
        try (original + [0]).write(to: URL(fileURLWithPath: path), options: .atomic)
        #expect(corruptedCode { _ = try BlockReader(directory: block) } == .corrupted)
    }

    @Test func truncatedChunksFailOnRead() throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        let (block, _) = try writeSmallBlock(dir, seed: 13)
        let path = block + "/" + BlockFiles.chunks
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        for len in 0..<original.count {
            try original.prefix(len).write(to: URL(fileURLWithPath: path), options: .atomic)
            #expect(corruptedCode { _ = try readEverything(try BlockReader(directory: block)) } == .corrupted, "length \(len)")
        }
    }

    /// Random byte flips: either an error saying `.corrupted`, or (for index and chunks, which are
    /// checksummed everywhere but reserved header bytes) exactly the original content.
    @Test(arguments: [BlockFiles.index, BlockFiles.chunks, BlockFiles.meta])
    func flippedBytes(file: String) throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        let (block, _) = try writeSmallBlock(dir, seed: 14)
        let reference = try readEverything(try BlockReader(directory: block))
        let path = block + "/" + file
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var rng = BlockRNG(seed: 0xF11F + UInt64(file.utf8.count))
        var failures = 0
        for _ in 0..<400 {
            var damaged = original
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                damaged[Int.random(in: 0..<damaged.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            }
            try damaged.write(to: URL(fileURLWithPath: path), options: .atomic)
            do {
                let snap = try readEverything(try BlockReader(directory: block))
                if file != BlockFiles.meta { #expect(snap == reference) }
            } catch let e as TSDBError {
                #expect(e.code == .corrupted, "\(e)")
                #expect(e.message.hasPrefix(block + "/"), "\(e)")
                failures += 1
            }
        }
        #expect(failures > 300)
    }

    /// Damage that keeps every checksum valid, so the structural checks behind them are what
    /// stands between the bytes and a crash: flip bytes inside index sections, then fix the CRCs.
    @Test(arguments: [21, 22, 23] as [UInt64])
    func structurallyDamagedIndexNeverCrashes(seed: UInt64) throws {
        let dir = try BlockTempDir()
        defer { dir.cleanup() }
        let (block, _) = try writeSmallBlock(dir, seed: seed, count: 40)
        let path = block + "/" + BlockFiles.index
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let tocStart = original.count - BlockFiles.tocSize
        func le64(_ b: [UInt8], _ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) } }
        let sections = (0..<BlockFiles.sectionCount).map { k in
            (le64(original, tocStart + 16 * k), le64(original, tocStart + 16 * k + 8))
        }
        var rng = BlockRNG(seed: seed)
        var outcomes = [0, 0]
        for _ in 0..<600 {
            var b = original
            let (off, len) = sections.randomElement(using: &rng)!
            guard len > 0 else { continue }
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = off + Int.random(in: 0..<len, using: &rng)
                // Small numbers and 0xFF bytes reach the interesting edges of varints and counts.
                b[i] = Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng) : [0, 1, 0x7F, 0x80, 0xFF].randomElement(using: &rng)!
            }
            for (o, l) in sections {
                let crc = CRC32C.checksum(Array(b[o..<(o + l)]))
                for k in 0..<4 { b[o + l + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
            }
            let tocCRC = CRC32C.checksum(Array(b[tocStart..<(b.count - 4)]))
            for k in 0..<4 { b[b.count - 4 + k] = UInt8(truncatingIfNeeded: tocCRC >> (8 * UInt32(k))) }
            try Data(b).write(to: URL(fileURLWithPath: path), options: .atomic)
            do {
                let r = try BlockReader(directory: block)
                _ = try readEverything(r)
                _ = r.select([try Matcher(.regexMatch, Labels.metricName, ".+"), try Matcher(.notEqual, "job", "x")])
                outcomes[0] += 1
            } catch let e as TSDBError {
                #expect(e.code == .corrupted, "\(e)")
                outcomes[1] += 1
            }
        }
        #expect(outcomes[1] > 0)
    }
}
