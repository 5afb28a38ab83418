import Foundation
import GRDB

/// A cohort definition saved under a name. `definition` is the JSON of an Analytics
/// `CohortDefinition`; AppState stores it as text and does not interpret it (the HTTP layer
/// validates it), so this module needs nothing of Analytics.
public struct SavedCohort: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// Given by the database on insert; never reused after a delete.
    public var id: Int64?
    /// Unique, 1 to `maxNameBytes` bytes, no control characters, no surrounding spaces.
    public var name: String
    /// JSON text, at most `maxDefinitionBytes` bytes.
    public var definition: String
    /// Unix ms.
    public var createdAt: Int64
    public var updatedAt: Int64

    public static let databaseTableName = "saved_cohort"
    public static let maxNameBytes = 200
    public static let maxDefinitionBytes = 64 << 10
    /// Most cohorts held.
    public static let maxCount = 10_000

    enum CodingKeys: String, CodingKey {
        case id, name, definition
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// Checks a name and a definition before they are stored.
    static func validate(name: String, definition: String) throws {
        let bytes = name.utf8.count
        guard bytes > 0, bytes <= maxNameBytes else {
            throw AppStateError(.invalidArgument, "name: must be 1 to \(maxNameBytes) bytes, got \(bytes)")
        }
        guard name.trimmingCharacters(in: .whitespaces) == name else {
            throw AppStateError(.invalidArgument, "name: must not begin or end with spaces")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw AppStateError(.invalidArgument, "name: must not contain control characters")
        }
        guard definition.utf8.count <= maxDefinitionBytes else {
            throw AppStateError(.invalidArgument, "definition: \(definition.utf8.count) bytes, more than the \(maxDefinitionBytes) allowed")
        }
    }
}
