import Foundation
import Testing
@testable import EventStore

@Suite struct EventStoreMaintenanceTests {
    @Test func compactionMergesADaysSegments() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let clock = FakeClock(jan1 + day)
        let events = sampleEvents(120, days: 2)
        let store = try EventStore(directory: tmp.path, options: options(clock))
        for part in stride(from: 0, to: 120, by: 30) {
            _ = try store.append(Array(events[part..<(part + 30)]), batchID: nil)
            try store.flush()
        }
        #expect(store.stats.segments == 4)
        let report = try store.maintain()
        #expect(report.compactedSegments == 4 && report.expiredEvents == 0)
        #expect(store.stats.segments == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path + "/segments").count == 2)
        #expect(sameRows(rows(store), expectedRows(events)))
        #expect(try store.maintain() == MaintenanceReport(), "nothing left to do")
    }

    @Test func retentionByCategoryWithAFakeClock() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let clock = FakeClock(jan1 + day)
        var o = options(clock)
        o.retention["short"] = .seconds(10 * 86_400)
        let mk = { (id: String, t: Int64, cat: String) in
            Event(id: id, timestamp: t, userId: "u", eventType: "t", category: cat, action: "a")
        }
        let events = [mk("s1", jan1, "short"), mk("u1", jan1, "usage"), mk("b1", jan1, "billing"),
                      mk("s2", jan1 + 5 * day, "short")]
        let store = try EventStore(directory: tmp.path, options: o)
        _ = try store.append(Array(events[..<3]), batchID: nil)
        try store.flush()
        _ = try store.append([events[3]], batchID: nil)  // stays in the head

        func ids() throws -> [String] { try store.export(user: "u").map(\.id).sorted() }
        #expect(try store.maintain().expiredEvents == 0)
        clock.advance(days: 12)  // s1 is 13 days old, s2 8 days
        #expect(try store.maintain().expiredEvents == 1)
        #expect(try ids() == ["b1", "s2", "u1"])
        clock.advance(days: 5)
        #expect(try store.maintain().expiredEvents == 1)  // s2, from the head
        #expect(try ids() == ["b1", "u1"])
        clock.advance(days: 2 * 365 + 1)
        #expect(try store.maintain().expiredEvents == 1)  // usage after two years
        #expect(try ids() == ["b1"])
        #expect(rows(store).count == 1)
        clock.advance(days: 5 * 365 + 2)
        let last = try store.maintain()
        #expect(last.expiredEvents == 1 && last.deletedSegments == 1)  // billing after seven
        #expect(store.stats.segments == 0 && rows(store).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path + "/segments").isEmpty)
    }

    @Test func erasureLeavesNoByteOfTheUserInAnyFile() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let clock = FakeClock(jan1 + day)
        let secret = "zelda-4711@example.org"
        let alias = "anon-zelda-cookie"
        var events = sampleEvents(200, days: 2)
        for i in stride(from: 0, to: 200, by: 7) { events[i].userId = secret }
        events[3].userId = alias
        events[5].properties["email"] = .string(secret)
        events[5].userId = secret
        let store = try EventStore(directory: tmp.path, options: options(clock))
        _ = try store.append(Array(events[..<120]), batchID: nil)
        try store.mergeUser(alias, into: secret)
        try store.flush()
        _ = try store.append(Array(events[120...]), batchID: nil)  // in the head and the WAL
        let theirs = events.filter { $0.userId == secret || $0.userId == alias }
        #expect(try store.export(user: alias).map(\.id) == theirs.sorted { $0.timestamp < $1.timestamp }.map(\.id))

        #expect(try store.erase(user: secret) == theirs.count)
        _ = try store.maintain()
        try store.syncWAL()
        for file in tmp.files() {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: tmp.path + "/" + file))
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) still holds the user id")
            #expect(bytes.range(of: Data(alias.utf8)) == nil, "\(file) still holds the alias")
        }
        let others = events.filter { $0.userId != secret && $0.userId != alias }
        #expect(sameRows(rows(store), expectedRows(others)))
        #expect(try store.export(user: secret).isEmpty && store.users.id(of: secret) == nil)
        try store.close()
        let reopened = try EventStore(directory: tmp.path, options: options(clock))
        #expect(sameRows(rows(reopened), expectedRows(others)))
        #expect(try reopened.export(user: alias).isEmpty)
    }

    @Test func anErasureInterruptedByACrashIsFinishedOnOpen() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let clock = FakeClock(jan1 + day)
        let events = sampleEvents(60, days: 1)
        do {
            let store = try EventStore(directory: tmp.path, options: options(clock))
            _ = try store.append(events, batchID: nil)
            try store.flush()
            // Only the WAL record of the erasure, as if the process died right after it.
            var bytes: [UInt8] = []
            EventWALRecord.erase(["user-1"]).encode(into: &bytes)
            try store.wal.append(encoded: bytes)
        }
        let store = try EventStore(directory: tmp.path, options: options(clock))
        let others = events.filter { $0.userId != "user-1" }
        #expect(sameRows(rows(store), expectedRows(others)))
        for file in tmp.files() {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: tmp.path + "/" + file))
            // Strings are stored length-prefixed: 6, "user-1".
            #expect(bytes.range(of: Data([6]) + Data("user-1".utf8)) == nil, "\(file) still holds user-1")
        }
    }
}
