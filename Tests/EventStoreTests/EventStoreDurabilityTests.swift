import Foundation
import Testing
@testable import EventStore

@Suite struct EventStoreDurabilityTests {
    @Test func tornWALTailIsCutAndTheRestReplayed() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let clock = FakeClock(jan1)
        let events = sampleEvents(20)
        do {
            let store = try EventStore(directory: tmp.path, options: options(clock))
            for e in events { _ = try store.append([e], batchID: nil) }
        }
        // A crash mid-write: the last record loses its final bytes.
        let wal = tmp.path + "/wal/" + (try FileManager.default.contentsOfDirectory(atPath: tmp.path + "/wal").sorted().last!)
        let data = try Data(contentsOf: URL(fileURLWithPath: wal))
        try data.prefix(data.count - 3).write(to: URL(fileURLWithPath: wal))
        let store = try EventStore(directory: tmp.path, options: options(clock))
        #expect(store.openReport.messages.contains { $0.contains("torn by a crash") })
        #expect(sameRows(rows(store), expectedRows(Array(events.dropLast()))))
    }

    @Test func damagedSegmentIsSetAsideAndTheRestServed() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let clock = FakeClock(jan1 + 5 * day)
        let events = sampleEvents(90, days: 3)
        do {
            let store = try EventStore(directory: tmp.path, options: options(clock))
            _ = try store.append(events, batchID: nil)
            try store.flush()
            try store.close()
        }
        let segments = tmp.path + "/segments/"
        let names = try FileManager.default.contentsOfDirectory(atPath: segments).sorted()
        #expect(names.count == 3)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: segments + names[1]))
        bytes[40] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: segments + names[1]))
        let store = try EventStore(directory: tmp.path, options: options(clock))
        #expect(store.openReport.corruptedSegments == [names[1]])
        #expect(store.openReport.messages[0].contains("checksum mismatch"))
        #expect(FileManager.default.fileExists(atPath: tmp.path + "/corrupted/" + names[1]))
        let survivors = events.filter { ($0.timestamp - jan1) / day != 1 }
        #expect(sameRows(rows(store), expectedRows(survivors)))
    }

    @Test func leftoversOfAnInterruptedRewriteAreCleanedUp() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let clock = FakeClock(jan1 + day)
        let events = sampleEvents(40, days: 1)
        let copy = tmp.path + "-copy"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        do {
            let store = try EventStore(directory: tmp.path, options: options(clock))
            _ = try store.append(Array(events[..<20]), batchID: nil)
            try store.flush()
            _ = try store.append(Array(events[20...]), batchID: nil)
            try store.flush()
            try store.close()
            // Keep the two segments as they were before compaction...
            try FileManager.default.copyItem(atPath: tmp.path + "/segments", toPath: copy)
            let store2 = try EventStore(directory: tmp.path, options: options(clock))
            #expect(try store2.maintain().compactedSegments == 2)
            try store2.close()
        }
        // ...and put them back beside the compacted one, as a crash before their deletion would.
        for name in try FileManager.default.contentsOfDirectory(atPath: copy) {
            try FileManager.default.copyItem(atPath: copy + "/" + name, toPath: tmp.path + "/segments/" + name)
        }
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: tmp.path + "/segments/x.seg.tmp"))
        let store = try EventStore(directory: tmp.path, options: options(clock))
        #expect(store.stats.segments == 1)
        #expect(store.openReport.messages.filter { $0.contains("replaced it") }.count == 2)
        #expect(store.openReport.messages.contains { $0.contains("x.seg.tmp") })
        #expect(sameRows(rows(store), expectedRows(events)))
    }

    /// Every append the child acknowledged before SIGKILL is there after reopening, once.
    @Test func acknowledgedEventsSurviveKill9() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let child = try CrashChild.start(directory: tmp.path)
        var acked = -1
        var buffer = Data()
        let handle = child.output.fileHandleForReading
        while acked < 120 {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.hasPrefix("acked ") {
                acked = max(acked, Int(line.dropFirst(6)) ?? acked)
            }
        }
        kill(child.process.processIdentifier, SIGKILL)
        child.process.waitUntilExit()
        #expect(child.process.terminationReason == .uncaughtSignal)
        #expect(acked >= 120, "the child acknowledged \(acked + 1) batches")

        // The child's events are from January 2026: a clock then keeps them in the dedup window.
        let store = try EventStore(directory: tmp.path, options: options(FakeClock(jan1 + 10 * day)))
        let held = Set(try (0..<7).flatMap { try store.export(user: "user-\($0)") }.map(\.id))
        for batch in 0...acked {
            for j in 0..<40 where !held.contains("k-\(batch)-\(j)") {
                Issue.record("acknowledged event k-\(batch)-\(j) is missing")
                return
            }
        }
        #expect(rows(store).count == held.count, "no event is held twice")
        #expect(try store.append([Event(id: "k-0-0", timestamp: 1, eventType: "t", category: "c", action: "a")],
                                 batchID: nil).duplicates == [0])
    }
}

/// The `EventStoreCrashChild` helper executable, which `swift build` puts beside the tests.
struct CrashChild {
    let process: Process
    let output: Pipe

    static func start(directory: String) throws -> CrashChild {
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        var binary = ""
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("EventStoreCrashChild").path
            if FileManager.default.isExecutableFile(atPath: candidate) { binary = candidate; break }
            dir = dir.deletingLastPathComponent()
        }
        guard !binary.isEmpty else {
            throw TestFailure("EventStoreCrashChild is not built: run `swift build --build-tests` before `swift test`")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = [directory]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        return CrashChild(process: p, output: pipe)
    }
}
