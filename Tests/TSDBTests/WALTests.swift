import Foundation
import Testing
import DiskIO
@testable import TSDB

/// A fresh directory under the temp dir, removed when the value goes away.
final class WALTempDir: Sendable {
    let root: String
    var wal: String { root + "/wal" }

    init() {
        var template = Array((NSTemporaryDirectory() + "/waltest-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        root = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func path(_ name: String) -> String { wal + "/" + name }
    func segment(_ n: Int) -> String { path(LogDirectory.segmentName(n)) }

    func read(_ name: String) -> [UInt8] {
        FileManager.default.contents(atPath: path(name)).map { [UInt8]($0) } ?? []
    }

    func write(_ name: String, _ bytes: [UInt8]) {
        try? FileManager.default.createDirectory(atPath: wal, withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: path(name), contents: Data(bytes)))
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: wal)) ?? []).sorted()
    }
}

func walReplayAll(_ dir: String, from: Int = 0) throws -> ([WALRecord], WALReplayReport) {
    var records: [WALRecord] = []
    let report = try WAL.replay(directory: dir, from: from) { records.append($0) }
    return (records, report)
}

/// Record `i` of a test log: every fourth defines a series, the rest carry samples.
func walTestRecord(_ i: Int) -> WALRecord {
    if i % 4 == 0 {
        return .series([WALSeries(ref: UInt64(i), labels: Labels(["__name__": "m\(i)", "job": "j", "ü": "🙂"]))])
    }
    return .samples((0..<(1 + i % 7)).map {
        WALSample(ref: UInt64(i * 10 + $0), t: 1_700_000_000_000 + Int64(i * 1000 + $0), v: Double(i) + 0.25)
    })
}

/// The frames of `records` laid end to end, and where each starts.
func walFrames(_ records: [WALRecord]) -> (bytes: [UInt8], starts: [Int]) {
    var bytes: [UInt8] = []
    var starts: [Int] = []
    for r in records {
        starts.append(bytes.count)
        WAL.encode(r, into: &bytes)
    }
    return (bytes, starts)
}

/// A frame with any type byte and payload and a correct checksum.
func walRawFrame(type: UInt8, payload: [UInt8]) -> [UInt8] {
    var f: [UInt8] = [type]
    withUnsafeBytes(of: UInt32(payload.count).littleEndian) { f += $0 }
    let crc = f.withUnsafeBytes { h in
        payload.withUnsafeBytes { WALRecord.checksum(typeAndLength: h, payload: $0) }
    }
    withUnsafeBytes(of: crc.littleEndian) { f += $0 }
    return f + payload
}

/// Ways to damage a record; `apply` gets the segment bytes and the record's start offset.
enum WALDamage: String, CaseIterable, CustomTestStringConvertible {
    case flipPayloadByte, flipTypeByte, flipLengthByte, flipChecksumByte, hugeLength, lengthPastEnd, typeZero, cutRecord

    var testDescription: String { rawValue }

    func apply(_ b: inout [UInt8], at start: Int) {
        switch self {
        case .flipPayloadByte: b[start + WALRecord.headerSize + 1] ^= 0x10
        case .flipTypeByte: b[start] ^= 0x04
        case .flipLengthByte: b[start + 1] ^= 0x01
        case .flipChecksumByte: b[start + 7] ^= 0x80
        case .hugeLength: b.replaceSubrange((start + 1)..<(start + 5), with: [0xFF, 0xFF, 0xFF, 0xFF])
        case .lengthPastEnd:
            let past = UInt32(b.count - start)  // within the bound, but past the end of the file
            withUnsafeBytes(of: past.littleEndian) { b.replaceSubrange((start + 1)..<(start + 5), with: $0) }
        case .typeZero: b[start] = 0
        case .cutRecord: b.removeSubrange((start + 5)...)
        }
    }
}

@Suite struct WALTests {
    // MARK: writing

    @Test func appendAndReplayRoundTrip() throws {
        let tmp = WALTempDir()
        var rng = WALTestRandom(seed: 42)
        let records = [walTestRecord(0), walTestRecord(1)] + (0..<200).map { _ in rng.record() }
        let wal = try WAL(directory: tmp.wal)
        for r in records { try wal.append(r) }
        try wal.sync()
        try wal.close()
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == records)
        #expect(report.isClean)
        #expect(report.records == records.count)
        #expect(report.segments == 1)
        var samples = 0, series = 0
        for r in records {
            switch r {
            case .samples(let s): samples += s.count
            case .series(let s): series += s.count
            }
        }
        #expect(report.samples == samples && report.series == series)
    }

    @Test func segmentsRotateBySizeAndAreNamedInSequence() throws {
        let tmp = WALTempDir()
        let wal = try WAL(directory: tmp.wal, segmentSize: 300)
        let records = (0..<60).map(walTestRecord)
        for r in records { try wal.append(r) }
        let range = wal.segmentRange
        #expect(range.first == 0 && range.last > 3)
        let names = tmp.files()
        #expect(names == (0...range.last).map { LogDirectory.segmentName($0) })
        #expect(names.first == "00000000" && names.dropFirst().first == "00000001")
        #expect(wal.sizeBytes == names.reduce(0) { $0 + tmp.read($1).count })
        for name in names { #expect(tmp.read(name).count <= 300) }
        try wal.close()
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == records)
        #expect(report.isClean && report.segments == names.count)
    }

    @Test func recordLargerThanSegmentSizeGetsItsOwnSegment() throws {
        let tmp = WALTempDir()
        let wal = try WAL(directory: tmp.wal, segmentSize: 100)
        let big = WALRecord.samples((0..<100).map { WALSample(ref: UInt64($0), t: 0, v: 1) })
        try wal.append(walTestRecord(1))
        try wal.append(big)
        try wal.append(walTestRecord(2))
        #expect(wal.segmentRange == (0, 2))
        try wal.close()
        #expect(try walReplayAll(tmp.wal).0 == [walTestRecord(1), big, walTestRecord(2)])
    }

    @Test func rotateStartsNextSegment() throws {
        let tmp = WALTempDir()
        let wal = try WAL(directory: tmp.wal)
        try wal.append(walTestRecord(1))
        #expect(try wal.rotate() == 1)
        #expect(try wal.rotate() == 2)  // rotating an empty segment still starts a new one
        try wal.append(walTestRecord(2))
        #expect(wal.segmentRange == (0, 2))
        try wal.close()
        #expect(try walReplayAll(tmp.wal, from: 2).0 == [walTestRecord(2)])
        #expect(try walReplayAll(tmp.wal).0 == [walTestRecord(1), walTestRecord(2)])
    }

    @Test func reopeningNeverAppendsToAnOldSegment() throws {
        let tmp = WALTempDir()
        do {
            let wal = try WAL(directory: tmp.wal)
            try wal.append(walTestRecord(1))
            try wal.close()
        }
        let first = tmp.read("00000000")
        do {
            // Dropped without close(), like a process that died: write(2) already put
            // the record in the file.
            let wal = try WAL(directory: tmp.wal)
            #expect(wal.segmentRange == (0, 1))
            #expect(wal.sizeBytes == first.count)
            try wal.append(walTestRecord(2))
        }
        #expect(tmp.read("00000000") == first)
        let wal = try WAL(directory: tmp.wal)
        #expect(wal.segmentRange.last == 2)
        try wal.close()
        #expect(try walReplayAll(tmp.wal).0 == [walTestRecord(1), walTestRecord(2)])
    }

    @Test func appendEncodedWritesBatchesAndRejectsBadFraming() throws {
        let tmp = WALTempDir()
        let wal = try WAL(directory: tmp.wal)
        let (batch, _) = walFrames([walTestRecord(4), walTestRecord(5), walTestRecord(6)])
        try wal.append(encoded: batch)
        try wal.append(encoded: [])
        let sizeBefore = wal.sizeBytes
        let bad: [[UInt8]] = [
            [1, 2, 3],  // shorter than a header
            Array(batch.dropLast()),  // last frame cut
            [0] + Array(batch.dropFirst()),  // type 0
            [2, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0],  // payload length over the limit
        ]
        for b in bad {
            #expect { try wal.append(encoded: b) } throws: { ($0 as? TSDBError)?.code == .invalidArgument }
        }
        #expect(wal.sizeBytes == sizeBefore)
        try wal.close()
        #expect(try walReplayAll(tmp.wal).0 == [walTestRecord(4), walTestRecord(5), walTestRecord(6)])
    }

    @Test func closedWALRefusesWork() throws {
        let tmp = WALTempDir()
        let wal = try WAL(directory: tmp.wal)
        try wal.close()
        try wal.close()
        let isClosed: @Sendable (any Error) -> Bool = { ($0 as? TSDBError)?.code == .closed }
        #expect(performing: { try wal.append(walTestRecord(1)) }, throws: isClosed)
        #expect(performing: { try wal.sync() }, throws: isClosed)
        #expect(performing: { try wal.rotate() }, throws: isClosed)
        #expect(performing: { try wal.removeSegments(before: 1) }, throws: isClosed)
        #expect(wal.segmentRange == (0, 0))
    }

    @Test func badArgumentsAndPaths() throws {
        let tmp = WALTempDir()
        #expect { try WAL(directory: tmp.wal, segmentSize: 0) } throws: {
            ($0 as? TSDBError)?.code == .invalidArgument
        }
        tmp.write("file", [1])
        #expect { try WAL(directory: tmp.path("file")) } throws: { ($0 as? TSDBError)?.code == .io }
        // Parents are created.
        let wal = try WAL(directory: tmp.root + "/a/b/c/wal")
        try wal.close()
        #expect(FileManager.default.fileExists(atPath: tmp.root + "/a/b/c/wal/00000000"))
    }

    @Test func ioErrorsNameTheFileAndTheErrno() throws {
        let full = try LogSegmentFile.openForWriting("/dev/full")
        defer { full.close() }
        let bytes: [UInt8] = [1, 2, 3]
        #expect {
            try bytes.withUnsafeBytes { try full.write($0) }
        } throws: { error in
            guard let e = error as? DiskIOError else { return false }
            return e.code == .io && e.message.contains("/dev/full") && e.message.contains("no space left on device")
        }
        #expect { try LogSegmentFile.openForReading("/nonexistent/x") } throws: {
            ($0 as? DiskIOError)?.message.contains("no such file or directory") == true
        }
    }

    @Test func removeSegmentsKeepsTheCurrentOneAndCorruptCopies() throws {
        let tmp = WALTempDir()
        let wal = try WAL(directory: tmp.wal)
        for i in 0..<5 {
            try wal.append(walTestRecord(i))
            try wal.rotate()
        }
        tmp.write("00000001.corrupt", [9, 9])
        try wal.removeSegments(before: 2)
        #expect(wal.segmentRange == (2, 5))
        #expect(!tmp.exists("00000000") && !tmp.exists("00000001") && tmp.exists("00000002"))
        #expect(tmp.exists("00000001.corrupt"))
        let sizeOnDisk = (2...5).reduce(0) { $0 + tmp.read(LogDirectory.segmentName($1)).count }
        #expect(wal.sizeBytes == sizeOnDisk)
        try wal.removeSegments(before: 1000)
        #expect(wal.segmentRange == (5, 5))
        #expect(tmp.exists("00000005"))
        try wal.append(walTestRecord(9))
        try wal.close()
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == [walTestRecord(9)])
        #expect(report.isClean)  // removed segments at the front are not a gap
    }

    @Test func concurrentAppendersNeverInterleave() async throws {
        let tmp = WALTempDir()
        // Small segments so rotations (and the deferred flush of retired segments)
        // happen while appends race.
        let wal = try WAL(directory: tmp.wal, segmentSize: 8192)
        let tasks = 8, perTask = 400
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for i in 0..<perTask {
                        let samples = (0..<(1 + i % 9)).map {
                            WALSample(ref: UInt64(task), t: Int64(i), v: Double(bitPattern: UInt64($0)))
                        }
                        if i % 2 == 0 {
                            try wal.append(.samples(samples))
                        } else {
                            var bytes: [UInt8] = []
                            WAL.encode(.samples(samples), into: &bytes)
                            try wal.append(encoded: bytes)
                        }
                    }
                }
            }
            group.addTask {
                for i in 0..<50 {
                    try wal.sync()
                    if i % 10 == 0 { try wal.rotate() }
                    _ = wal.sizeBytes
                }
            }
            try await group.waitForAll()
        }
        try wal.close()
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(report.isClean)
        #expect(back.count == tasks * perTask)
        var next = [Int](repeating: 0, count: tasks)
        for r in back {
            guard case .samples(let s) = r, let first = s.first else {
                Issue.record("unexpected record \(r)")
                continue
            }
            let task = Int(first.ref), i = Int(first.t)
            // Each task's records arrive whole and in its own order.
            #expect(next[task] == i)
            next[task] = i + 1
            #expect(s.count == 1 + i % 9)
            #expect(s.enumerated().allSatisfy { $1.ref == first.ref && $1.t == first.t && $1.v.bitPattern == UInt64($0) })
        }
        #expect(next == [Int](repeating: perTask, count: tasks))
    }

    // MARK: replay and repair

    @Test func tornLastRecordIsCutAtEveryOffset() throws {
        let old = walFrames([walTestRecord(0), walTestRecord(1)])
        let last = walFrames([walTestRecord(4), walTestRecord(5), walTestRecord(6)])
        let cutFrom = last.starts[2]
        for cut in (cutFrom + 1)..<last.bytes.count {
            let tmp = WALTempDir()
            tmp.write("00000000", old.bytes)
            tmp.write("00000001", Array(last.bytes[0..<cut]))
            let (back, report) = try walReplayAll(tmp.wal)
            #expect(back == [walTestRecord(0), walTestRecord(1), walTestRecord(4), walTestRecord(5)], "cut at \(cut)")
            #expect(report.truncatedBytes == cut - cutFrom)
            #expect(report.corruptSegments.isEmpty)
            #expect(report.messages.count == 1)
            #expect(tmp.read("00000001") == Array(last.bytes[0..<cutFrom]))
            let (again, second) = try walReplayAll(tmp.wal)
            #expect(again == back)
            #expect(second.isClean)
        }
    }

    @Test func tornTailBeforeEmptySegmentsIsStillTorn() throws {
        let tmp = WALTempDir()
        let f = walFrames([walTestRecord(1), walTestRecord(2)])
        tmp.write("00000003", Array(f.bytes.dropLast(3)))
        tmp.write("00000004", [])
        tmp.write("00000005", [])
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == [walTestRecord(1)])
        #expect(report.truncatedBytes == f.bytes.count - 3 - f.starts[1])
        #expect(report.corruptSegments.isEmpty)
        #expect(report.segments == 3)
    }

    @Test(arguments: [WALDamage.flipPayloadByte, .flipChecksumByte, .lengthPastEnd, .cutRecord])
    func damagedLastRecordOfLastSegmentIsTorn(_ damage: WALDamage) throws {
        let tmp = WALTempDir()
        var f = walFrames([walTestRecord(1), walTestRecord(2), walTestRecord(3)])
        damage.apply(&f.bytes, at: f.starts[2])
        tmp.write("00000000", f.bytes)
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == [walTestRecord(1), walTestRecord(2)])
        #expect(report.truncatedBytes == f.bytes.count - f.starts[2])
        #expect(report.corruptSegments.isEmpty)
        #expect(tmp.read("00000000").count == f.starts[2])
    }

    @Test(arguments: WALDamage.allCases)
    func damageMidSegmentKeepsGoodPrefixAndLaterSegments(_ damage: WALDamage) throws {
        // Damage in the middle of segment 1 of 3, and in the middle of the last segment.
        for damagedSegment in [1, 2] {
            let tmp = WALTempDir()
            var expected: [WALRecord] = []
            var originals: [[UInt8]] = []
            for seg in 0..<3 {
                let records = (0..<4).map { walTestRecord(seg * 10 + $0) }
                var f = walFrames(records)
                if seg == damagedSegment {
                    // Record 1 is damaged; `cutRecord` drops everything from it, so it can
                    // only stand for a torn tail in a segment that is not the last.
                    damage.apply(&f.bytes, at: f.starts[1])
                    expected += records[0..<1]
                } else {
                    expected += records
                }
                originals.append(f.bytes)
                tmp.write(LogDirectory.segmentName(seg), f.bytes)
            }
            let (back, report) = try walReplayAll(tmp.wal)
            let name = LogDirectory.segmentName(damagedSegment)
            let prefix = walFrames([walTestRecord(damagedSegment * 10)]).bytes
            // In the last segment, a record whose length reaches past the end of the file
            // looks exactly like a write torn by a crash, and is cut off as one.
            if [.cutRecord, .lengthPastEnd].contains(damage) && damagedSegment == 2 {
                #expect(report.truncatedBytes == originals[2].count - prefix.count)
                #expect(report.corruptSegments.isEmpty)
            } else {
                #expect(report.corruptSegments == [name], "\(damage) in segment \(damagedSegment)")
                #expect(report.truncatedBytes == 0)
                #expect(tmp.read(name + ".corrupt") == originals[damagedSegment])
            }
            #expect(back == expected, "\(damage) in segment \(damagedSegment)")
            #expect(tmp.read(name) == prefix)
            #expect(report.messages.contains { $0.contains(name) && $0.contains("offset \(prefix.count)") })
            // The repaired WAL replays the same records, cleanly.
            let (again, second) = try walReplayAll(tmp.wal)
            #expect(again == expected)
            #expect(second.isClean)
        }
    }

    @Test func corruptCopiesDoNotOverwriteEachOther() throws {
        let tmp = WALTempDir()
        var f = walFrames([walTestRecord(1), walTestRecord(2), walTestRecord(3)])
        WALDamage.flipPayloadByte.apply(&f.bytes, at: f.starts[1])
        tmp.write("00000000", f.bytes)
        tmp.write("00000000.corrupt", [7])
        tmp.write("00000001", walFrames([walTestRecord(5)]).bytes)
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == [walTestRecord(1), walTestRecord(5)])
        #expect(report.corruptSegments == ["00000000"])
        #expect(tmp.read("00000000.corrupt") == [7])
        #expect(tmp.read("00000000.corrupt.1") == f.bytes)
    }

    @Test func zeroFilledTail() throws {
        // Last segment: what a power loss leaves when the size grew but the data never
        // arrived; cut off. Older segment: corruption.
        let tmp = WALTempDir()
        let f = walFrames([walTestRecord(1), walTestRecord(2)])
        tmp.write("00000000", f.bytes + [UInt8](repeating: 0, count: 100))
        tmp.write("00000001", f.bytes + [UInt8](repeating: 0, count: 4096))
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == [walTestRecord(1), walTestRecord(2), walTestRecord(1), walTestRecord(2)])
        #expect(report.truncatedBytes == 4096)
        #expect(report.corruptSegments == ["00000000"])
        #expect(tmp.read("00000000") == f.bytes && tmp.read("00000001") == f.bytes)
    }

    @Test func unknownRecordTypesAreSkippedAndCounted() throws {
        let tmp = WALTempDir()
        let a = walFrames([walTestRecord(1)]).bytes, b = walFrames([walTestRecord(2)]).bytes
        tmp.write("00000000", a + walRawFrame(type: 42, payload: [1, 2, 3]) + walRawFrame(type: 200, payload: []) + b)
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == [walTestRecord(1), walTestRecord(2)])
        #expect(report.unknownRecords == 2)
        #expect(report.records == 2)
        #expect(report.messages.count == 1 && report.messages[0].contains("42, 200"))
    }

    @Test func recordsThatDoNotDecodeAreSkipped() throws {
        let tmp = WALTempDir()
        let a = walFrames([walTestRecord(1)]).bytes, b = walFrames([walTestRecord(2)]).bytes
        let badSamples = walRawFrame(type: WALRecord.Kind.samples.rawValue, payload: [5, 1, 2])
        let badSeries = walRawFrame(type: WALRecord.Kind.series.rawValue, payload: [1, 2, 1, 1, 0x62, 1, 0xFF])
        tmp.write("00000000", a + badSamples + b + badSeries)
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == [walTestRecord(1), walTestRecord(2)])
        #expect(report.undecodableRecords == 2)
        #expect(report.truncatedBytes == 0 && report.corruptSegments.isEmpty)
        #expect(report.messages.count == 2)
    }

    @Test func emptySegmentsAndMissingDirectory() throws {
        let tmp = WALTempDir()
        let (nothing, empty) = try walReplayAll(tmp.wal)
        #expect(nothing.isEmpty && empty.segments == 0 && empty.isClean)
        try WAL(directory: tmp.wal).close()
        try WAL(directory: tmp.wal).close()
        let wal = try WAL(directory: tmp.wal)
        try wal.append(walTestRecord(3))
        try wal.close()
        try WAL(directory: tmp.wal).close()
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == [walTestRecord(3)])
        #expect(report.segments == 4 && report.isClean)
    }

    @Test func missingSegmentsAreReported() throws {
        let tmp = WALTempDir()
        for seg in [3, 4, 7] { tmp.write(LogDirectory.segmentName(seg), walFrames([walTestRecord(seg)]).bytes) }
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == [walTestRecord(3), walTestRecord(4), walTestRecord(7)])
        #expect(report.messages.count == 1 && report.messages[0].contains("00000005 to 00000006"))
        #expect(try walReplayAll(tmp.wal, from: 4).0 == [walTestRecord(4), walTestRecord(7)])
        #expect(try walReplayAll(tmp.wal, from: 8).0.isEmpty)
    }

    @Test func otherFilesAreNotSegments() throws {
        let tmp = WALTempDir()
        tmp.write("00000002", walFrames([walTestRecord(2)]).bytes)
        tmp.write("00000009.corrupt", [1, 2, 3])
        tmp.write("foo", [1])
        tmp.write("0000001", walFrames([walTestRecord(1)]).bytes)  // 7 digits
        try FileManager.default.createDirectory(atPath: tmp.path("00000010"), withIntermediateDirectories: false)
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == [walTestRecord(2)])
        #expect(report.segments == 1)
        let wal = try WAL(directory: tmp.wal)
        #expect(wal.segmentRange == (2, 3))
        try wal.close()
    }

    @Test func longSegmentNumbers() throws {
        #expect(LogDirectory.segmentName(0) == "00000000")
        #expect(LogDirectory.segmentName(12_345_678) == "12345678")
        #expect(LogDirectory.segmentName(123_456_789) == "123456789")
        #expect(LogDirectory.segmentNumber("123456789") == 123_456_789)
        #expect(LogDirectory.segmentNumber("0000001") == nil)
        #expect(LogDirectory.segmentNumber("0000000a") == nil)
        let tmp = WALTempDir()
        tmp.write("99999999", [])
        let wal = try WAL(directory: tmp.wal)
        #expect(wal.segmentRange == (99_999_999, 100_000_000))
        try wal.append(walTestRecord(1))
        try wal.close()
        #expect(tmp.exists("100000000"))
        #expect(try walReplayAll(tmp.wal).0 == [walTestRecord(1)])
    }

    @Test func interruptedRepairsAreFinishedOrUndone() throws {
        let tmp = WALTempDir()
        let good = walFrames([walTestRecord(1)]).bytes
        // Crash after the prefix was written and the original moved aside: finish it.
        tmp.write("00000000.repair", good)
        tmp.write("00000000.corrupt", good + [1, 2, 3])
        // Crash while the prefix was being written: drop the scratch file.
        tmp.write("00000001", walFrames([walTestRecord(2)]).bytes)
        tmp.write("00000001.repair", [1])
        let (back, report) = try walReplayAll(tmp.wal)
        #expect(back == [walTestRecord(1), walTestRecord(2)])
        #expect(report.messages.count == 2)
        #expect(tmp.files() == ["00000000", "00000000.corrupt", "00000001"])
    }

    @Test func errorFromBodyStopsReplay() throws {
        struct Stop: Error {}
        let tmp = WALTempDir()
        tmp.write("00000000", walFrames([walTestRecord(1), walTestRecord(2)]).bytes)
        var seen = 0
        #expect(throws: Stop.self) {
            _ = try WAL.replay(directory: tmp.wal) { _ in
                seen += 1
                throw Stop()
            }
        }
        #expect(seen == 1)
        #expect(tmp.read("00000000").count == walFrames([walTestRecord(1), walTestRecord(2)]).bytes.count)
    }

    @Test func randomSingleByteDamageReplaysExactlyTheUndamagedPrefixes() throws {
        var rng = WALTestRandom(seed: 0xDA3A6E)
        for iteration in 0..<150 {
            let tmp = WALTempDir()
            let segmentCount = 1 + rng.below(3)
            var segments: [[WALRecord]] = []
            var encoded: [(bytes: [UInt8], starts: [Int])] = []
            for seg in 0..<segmentCount {
                let records = (0..<(1 + rng.below(6))).map { _ in rng.record() }
                segments.append(records)
                encoded.append(walFrames(records))
                tmp.write(LogDirectory.segmentName(seg), encoded[seg].bytes)
            }
            let seg = rng.below(segmentCount)
            var bytes = encoded[seg].bytes
            let at = rng.below(bytes.count)
            let old = bytes[at]
            bytes[at] = old ^ UInt8(1 + rng.below(255))
            tmp.write(LogDirectory.segmentName(seg), bytes)
            // The checksum covers type, length and payload, so a changed byte anywhere
            // loses exactly the record it is in and what follows it in that segment.
            let hit = encoded[seg].starts.lastIndex { $0 <= at } ?? 0
            var expected: [WALRecord] = []
            for s in 0..<segmentCount { expected += s == seg ? Array(segments[s][0..<hit]) : segments[s] }
            let (back, report) = try walReplayAll(tmp.wal)
            #expect(back == expected, "iteration \(iteration): byte \(at) of segment \(seg)")
            #expect(!report.isClean)
            let (again, second) = try walReplayAll(tmp.wal)
            #expect(again == expected && second.isClean, "iteration \(iteration)")
        }
    }

    @Test func randomGarbageSegmentsNeverCrashOrHang() throws {
        var rng = WALTestRandom(seed: 0x6A5B)
        for _ in 0..<300 {
            let tmp = WALTempDir()
            var bytes = rng.bytes(rng.below(200))
            // Sometimes a plausible header up front, to reach deeper paths.
            if rng.below(2) == 0, !bytes.isEmpty { bytes[0] = UInt8(1 + rng.below(3)) }
            tmp.write("00000000", bytes)
            tmp.write("00000001", rng.bytes(rng.below(50)))
            _ = try walReplayAll(tmp.wal)
            let (_, second) = try walReplayAll(tmp.wal)
            #expect(second.truncatedBytes == 0 && second.corruptSegments.isEmpty)
        }
    }
}
