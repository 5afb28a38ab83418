import GRDB

extension AppState {
    /// Saves a new cohort and returns it with its id.
    /// - Throws: `.invalidArgument` for a bad name or an oversized definition, `.conflict`
    ///   when the name is taken, `.limitReached` past `SavedCohort.maxCount`, `.storage`.
    public func createCohort(name: String, definition: String) async throws -> SavedCohort {
        try SavedCohort.validate(name: name, definition: definition)
        let t = now()
        return try await write { db in
            guard try SavedCohort.fetchCount(db) < SavedCohort.maxCount else {
                throw AppStateError(.limitReached, "already \(SavedCohort.maxCount) saved cohorts: delete some first")
            }
            var cohort = SavedCohort(id: nil, name: name, definition: definition, createdAt: t, updatedAt: t)
            try cohort.insert(db)
            return cohort
        }
    }

    /// Every saved cohort, by id.
    public func cohorts() async throws -> [SavedCohort] {
        try await read { db in try SavedCohort.order(Column("id")).fetchAll(db) }
    }

    /// The cohort with `id`. - Throws: `.notFound`, `.storage`.
    public func cohort(id: Int64) async throws -> SavedCohort {
        let found = try await read { db in try SavedCohort.fetchOne(db, key: id) }
        guard let found else { throw AppStateError(.notFound, "no saved cohort with id \(id)") }
        return found
    }

    /// Replaces a cohort's name and definition, keeping its id and creation time.
    /// - Throws: as `createCohort`, and `.notFound`.
    public func updateCohort(id: Int64, name: String, definition: String) async throws -> SavedCohort {
        try SavedCohort.validate(name: name, definition: definition)
        let t = now()
        return try await write { db in
            guard var cohort = try SavedCohort.fetchOne(db, key: id) else {
                throw AppStateError(.notFound, "no saved cohort with id \(id)")
            }
            cohort.name = name
            cohort.definition = definition
            cohort.updatedAt = max(t, cohort.createdAt)
            try cohort.update(db)
            return cohort
        }
    }

    /// Deletes a cohort. - Throws: `.notFound`, `.storage`.
    public func deleteCohort(id: Int64) async throws {
        let deleted = try await write { db in try SavedCohort.deleteOne(db, key: id) }
        guard deleted else { throw AppStateError(.notFound, "no saved cohort with id \(id)") }
    }
}
