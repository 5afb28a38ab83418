@testable import AppState
import Synchronization
import Foundation
import Testing

/// Saved cohorts in SQLite: what is stored reads back, survives reopening the file, and bad
/// names, sizes and ids are refused with the reason.
@Suite struct SavedCohortTests {
    static let definition = #"{"action":"signup","min_count":1}"#

    @Test func createListGetUpdateDelete() async throws {
        let clock = TestClock(1_000)
        let state = try AppState.inMemory(now: clock.read)
        let a = try await state.createCohort(name: "signed up", definition: SavedCohortTests.definition)
        clock.set(2_000)
        let b = try await state.createCohort(name: "payers", definition: #"{"action":"payment"}"#)
        #expect(a.id == 1 && b.id == 2)
        #expect(a.createdAt == 1_000 && a.updatedAt == 1_000)
        #expect(try await state.cohorts().map(\.name) == ["signed up", "payers"])
        #expect(try await state.cohort(id: 2) == b)

        clock.set(5_000)
        let renamed = try await state.updateCohort(id: 1, name: "new users", definition: #"{"action":"signup","within_days":7}"#)
        #expect(renamed.createdAt == 1_000 && renamed.updatedAt == 5_000)
        #expect(try await state.cohort(id: 1).definition == #"{"action":"signup","within_days":7}"#)

        try await state.deleteCohort(id: 1)
        #expect(try await state.cohorts().map(\.id) == [2])
        // A deleted id is not reused.
        let c = try await state.createCohort(name: "again", definition: SavedCohortTests.definition)
        #expect(c.id == 3)
    }

    @Test func survivesReopeningTheFile() async throws {
        let dir = NSTemporaryDirectory() + "appstate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/" + AppState.fileName
        do {
            let state = try AppState(path: path)
            _ = try await state.createCohort(name: "kept", definition: SavedCohortTests.definition)
        }
        let reopened = try AppState(path: path)
        #expect(try await reopened.cohorts().map(\.name) == ["kept"])
        #expect(try await reopened.appliedMigrations() == ["v1-saved-cohorts"])
    }

    @Test func refusesTakenNames() async throws {
        let state = try AppState.inMemory()
        _ = try await state.createCohort(name: "payers", definition: SavedCohortTests.definition)
        let other = try await state.createCohort(name: "others", definition: SavedCohortTests.definition)
        try await expectCode(.conflict) { _ = try await state.createCohort(name: "payers", definition: "{}") }
        try await expectCode(.conflict) { _ = try await state.updateCohort(id: other.id ?? 0, name: "payers", definition: "{}") }
        #expect(try await state.cohort(id: other.id ?? 0).name == "others")
    }

    @Test(arguments: ["", " padded", "tab\there", String(repeating: "x", count: SavedCohort.maxNameBytes + 1)])
    func refusesBadNames(_ name: String) async throws {
        let state = try AppState.inMemory()
        try await expectCode(.invalidArgument) { _ = try await state.createCohort(name: name, definition: "{}") }
        #expect(try await state.cohorts().isEmpty)
    }

    @Test func refusesOversizedDefinitions() async throws {
        let state = try AppState.inMemory()
        let big = "\"" + String(repeating: "x", count: SavedCohort.maxDefinitionBytes) + "\""
        try await expectCode(.invalidArgument) { _ = try await state.createCohort(name: "big", definition: big) }
    }

    @Test func unknownIDsAreNotFound() async throws {
        let state = try AppState.inMemory()
        try await expectCode(.notFound) { _ = try await state.cohort(id: 7) }
        try await expectCode(.notFound) { _ = try await state.updateCohort(id: 7, name: "x", definition: "{}") }
        try await expectCode(.notFound) { try await state.deleteCohort(id: 7) }
    }

    func expectCode(_ code: AppStateError.Code, _ body: () async throws -> Void) async throws {
        do {
            try await body()
            Issue.record("expected \(code)")
        } catch let e as AppStateError {
            #expect(e.code == code, "\(e)")
        }
    }
}

/// A clock tests move by hand (Unix ms).
final class TestClock: Sendable {
    private let value: Mutex<Int64>
    init(_ t: Int64) { value = Mutex(t) }
    func set(_ t: Int64) { value.withLock { $0 = t } }
    var read: @Sendable () -> Int64 { { self.value.withLock { $0 } } }
}
