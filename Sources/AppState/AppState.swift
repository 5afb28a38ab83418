import Foundation
import GRDB

/// Sextant's relational state (saved cohorts; later dashboards, rules written in the UI,
/// silences, API tokens), in one SQLite database with migrations, through GRDB.
///
/// Opened on `<data>/sextant.sqlite` by the server, or in memory for tests. Every method is
/// `async` and safe to call from any task: GRDB serialises writes and runs reads concurrently
/// (a `DatabasePool` in WAL mode for a file). A write that returns is committed.
public struct AppState: Sendable {
    /// The file name inside the data directory.
    public static let fileName = "sextant.sqlite"

    let writer: any DatabaseWriter
    /// The clock records are stamped with (Unix ms); tests inject one.
    let now: @Sendable () -> Int64

    /// Opens (creating it if needed) the database at `path` and migrates it to the current
    /// schema.
    /// - Throws: `.storage` when the file cannot be opened or a migration fails.
    public init(path: String, now: @escaping @Sendable () -> Int64 = AppState.wallClock) throws {
        let writer: any DatabaseWriter = try AppState.storage("cannot open \(path)") {
            try DatabasePool(path: path, configuration: AppState.configuration)
        }
        try self.init(writer: writer, now: now)
    }

    /// A fresh database in memory, migrated (for tests).
    public static func inMemory(now: @escaping @Sendable () -> Int64 = AppState.wallClock) throws -> AppState {
        let queue = try storage("cannot create an in-memory database") { try DatabaseQueue(configuration: configuration) }
        return try AppState(writer: queue, now: now)
    }

    init(writer: any DatabaseWriter, now: @escaping @Sendable () -> Int64) throws {
        self.writer = writer
        self.now = now
        try AppState.storage("cannot migrate the database") { try AppState.migrator.migrate(writer) }
    }

    /// Applied migrations, oldest first (they are never edited once released: add new ones).
    public func appliedMigrations() async throws -> [String] {
        try await read { db in try AppState.migrator.appliedMigrations(db) }
    }

    static var configuration: Configuration {
        var config = Configuration()
        // Another connection (a pool reader, a backup) holding a lock makes a writer wait
        // instead of failing at once.
        config.busyMode = .timeout(5)
        return config
    }

    /// The schema, one migration per change.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-saved-cohorts") { db in
            try db.create(table: SavedCohort.databaseTableName) { t in
                // AUTOINCREMENT: a deleted cohort's id is never given to another one, so a
                // stale link cannot show a different cohort.
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("definition", .text).notNull()
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
            }
        }
        return migrator
    }

    public static let wallClock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch let e as AppStateError {
            throw e
        } catch {
            throw AppStateError(.storage, "reading the application database failed", underlying: error)
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch let e as AppStateError {
            throw e
        } catch let e as DatabaseError where e.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw AppStateError(.conflict, "a record with that name already exists", underlying: e)
        } catch {
            throw AppStateError(.storage, "writing the application database failed", underlying: error)
        }
    }

    static func storage<T>(_ message: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw AppStateError(.storage, message, underlying: error)
        }
    }
}
