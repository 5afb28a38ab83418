import Foundation
import Testing
@testable import EventStore

@Suite struct EventStoreTests {
    @Test func roundTripThroughHeadSegmentsAndRestart() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let clock = FakeClock(jan1 + 10 * day)
        let events = sampleEvents(500)
        let store = try EventStore(directory: tmp.path, options: options(clock))
        let outcome = try store.append(events, batchID: nil)
        #expect(outcome == AppendOutcome(stored: 500))
        #expect(sameRows(rows(store), expectedRows(events)), "through the head")
        #expect(try store.export(user: "user-1") == events.filter { $0.userId == "user-1" }.sorted { $0.timestamp < $1.timestamp })

        try store.flush()
        #expect(store.stats.headEvents == 0)
        #expect(store.stats.segments == 3)  // one per day
        #expect(sameRows(rows(store), expectedRows(events)), "through segments")
        #expect(sameRows(rows(store), expectedRows(events)), "through cached columns")
        #expect(store.stats.cacheHits > 0)
        #expect(try store.export(user: "user-2") == events.filter { $0.userId == "user-2" })
        try store.close()

        let reopened = try EventStore(directory: tmp.path, options: options(clock))
        #expect(reopened.openReport.messages.isEmpty)
        #expect(sameRows(rows(reopened), expectedRows(events)), "after reopening")
        // Time pruning: only the blocks of day 1 for a range inside day 1.
        let blocks = reopened.blocks(from: jan1 + day + 3_600_000, to: jan1 + day + 7_200_000)
        #expect(blocks.count == 1, "\(blocks.map { ($0.minTime - jan1, $0.maxTime - jan1) })")
        #expect(blocks.allSatisfy { $0.minTime >= jan1 + day && $0.maxTime < jan1 + 2 * day })
    }

    @Test func restartReplaysTheWAL() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let clock = FakeClock(jan1)
        let events = sampleEvents(300)
        do {
            let store = try EventStore(directory: tmp.path, options: options(clock))
            _ = try store.append(Array(events[..<100]), batchID: "b1")
            try store.flush()
            _ = try store.append(Array(events[100...]), batchID: "b2")
            try store.mergeUser("user-3", into: "user-4")
            // No close: the process "dies" with the head only in the WAL.
        }
        let store = try EventStore(directory: tmp.path, options: options(clock))
        #expect(store.openReport.events == 300)
        #expect(store.stats.headEvents == 200)
        #expect(sameRows(rows(store), expectedRows(events) { $0 == "user-3" ? "user-4" : $0 }))
        #expect(try store.append(Array(events[..<5]), batchID: "b1").duplicateBatch)
        #expect(try store.append(Array(events[150..<155]), batchID: "b2").duplicateBatch)
    }

    @Test func duplicatesAreNotStoredAgainAcrossRestarts() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let clock = FakeClock(jan1 + day)
        let events = sampleEvents(50)
        do {
            let store = try EventStore(directory: tmp.path, options: options(clock))
            #expect(try store.append(Array(events[..<30]), batchID: nil).stored == 30)
            // Same ids again within one batch and against the head.
            let out = try store.append([events[0], events[30], events[30]], batchID: nil)
            #expect(out == AppendOutcome(stored: 1, duplicates: [0, 2]))
            try store.flush()
            #expect(try store.append(Array(events[..<40]), batchID: "x").stored == 9)
            #expect(try store.append(Array(events[40...]), batchID: "x") == AppendOutcome(stored: 0, duplicateBatch: true))
            try store.close()
        }
        let store = try EventStore(directory: tmp.path, options: options(clock))
        let again = try store.append(events, batchID: nil)
        #expect(again.stored == 10 && again.duplicates == Array(0..<40))
        #expect(try store.append([events[0]], batchID: "x").duplicateBatch)
        #expect(rows(store).count == 50)
    }

    @Test func mergesArePersistedAndUsersAreCanonical() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let clock = FakeClock(jan1 + day)
        let events = [
            Event(id: "a", timestamp: jan1 + 1, userId: "anon-1", eventType: "t", category: "usage", action: "open"),
            Event(id: "b", timestamp: jan1 + 2, userId: "alice", eventType: "t", category: "usage", action: "signup"),
            Event(id: "c", timestamp: jan1 + 3, userId: "anon-2", eventType: "t", category: "usage", action: "open"),
        ]
        do {
            let store = try EventStore(directory: tmp.path, options: options(clock))
            _ = try store.append(events, batchID: nil)
            try store.mergeUser("anon-1", into: "alice")
            try store.flush()  // the merge is now only in the state logged after the rotation
            try store.mergeUser("anon-2", into: "anon-1")
            try store.close()
        }
        for _ in 0..<2 {
            let store = try EventStore(directory: tmp.path, options: options(clock))
            let users = store.blocks(from: nil, to: nil).flatMap { $0.users() }
            #expect(Set(users).count == 1)
            #expect(store.users.name(users[0]) == "alice")
            #expect(store.users.id(of: "anon-2") == store.users.id(of: "alice"))
            #expect(try store.export(user: "anon-2").map(\.id) == ["a", "b", "c"])
            try store.flush()
            try store.close()
        }
    }

    @Test func limitsRefuseBadEventsAndKeepTheGoodOnes() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try EventStore(directory: tmp.path, options: options(FakeClock(jan1)))
        let ok = Event(id: "ok", timestamp: jan1, eventType: "t", category: "usage", action: "a")
        var huge = ok
        huge.id = "huge"
        huge.properties["blob"] = .string(String(repeating: "x", count: 1 << 20))
        var badTime = ok
        badTime.id = "early"
        badTime.timestamp = -5
        var noAction = ok
        noAction.id = "noaction"
        noAction.action = ""
        var nan = ok
        nan.id = "nan"
        nan.value = .nan
        let out = try store.append([huge, ok, badTime, noAction, nan], batchID: nil)
        #expect(out.stored == 1)
        #expect(out.rejections.map(\.index) == [0, 2, 3, 4])
        #expect(out.rejections[0].message == "event \"huge\": property \"blob\" is 1048576 bytes, more than the limit of 32768")
        #expect(out.rejections[1].message.contains("timestamp -5 ms is outside"))
        #expect(out.rejections[2].message == "event \"noaction\": action is empty")
        #expect(out.rejections[3].message.contains("not a finite number"))
        let tooMany = [Event](repeating: ok, count: 10_001)
        #expect { try store.append(tooMany, batchID: nil) } throws: {
            ($0 as? EventStoreError)?.code == .invalidEvent
        }
        #expect { try store.mergeUser("", into: "x") } throws: { ($0 as? EventStoreError)?.code == .invalidEvent }
        #expect(rows(store).count == 1)
        try store.close()
        #expect { try store.append([ok], batchID: nil) } throws: { ($0 as? EventStoreError)?.code == .closed }
    }
}
