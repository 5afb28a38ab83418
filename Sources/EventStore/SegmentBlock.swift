import Logging

/// A segment as analyses read it: an `EventBlock` whose columns are decoded on first use,
/// translated from the segment's local ids to the store's dictionaries, and cached in the
/// store's `ColumnCache`. Safe to call concurrently.
final class SegmentBlock: EventBlock {
    let reader: SegmentReader
    /// Global term id of local term `i` at index `i` (index 0 is 0).
    private let termMap: [UInt32]
    /// Global raw user id of local user `i` at index `i` (index 0 is 0).
    private let userMap: [UInt32]
    /// Local term id of each property key present, by global term id.
    private let keys: [UInt32: UInt32]
    /// Every user name of the segment, for erasure and export to skip segments quickly.
    let userNames: Set<String>
    private let dictionary: UserDictionary
    private let cache: ColumnCache
    private let logger: Logger

    var meta: SegmentMeta { reader.meta }
    var count: Int { reader.meta.count }
    var minTime: Int64 { reader.meta.minTime }
    var maxTime: Int64 { reader.meta.maxTime }

    /// Reads the segment's string and user tables and interns them into `terms` and `users`.
    init(reader: SegmentReader, terms: TermDictionary, users: UserDictionary, cache: ColumnCache, logger: Logger) throws {
        self.reader = reader
        dictionary = users
        self.cache = cache
        self.logger = logger
        let strings = try reader.strings()
        termMap = [0] + strings.map(terms.intern)
        let names = try reader.userNames()
        userMap = [0] + names.map(users.intern)
        userNames = Set(names)
        var keys: [UInt32: UInt32] = [:]
        for local in reader.localPropertyKeys {
            guard Int(local) < termMap.count else {
                throw EventStoreError(.corrupted, "\(reader.path): property key \(local) outside the segment's terms")
            }
            keys[termMap[Int(local)]] = local
        }
        self.keys = keys
    }

    private func cached(_ column: Int, _ make: () -> ColumnCache.Column) -> ColumnCache.Column {
        cache.column(ColumnCache.Key(segment: reader.meta.sequence, column: column), make)
    }

    /// Decodes with `body`; a column that fails to decode (the file passed its checksums, so
    /// this is a bug or a disk that changed under us) is logged and read as `fallback`.
    private func decoding<T>(_ what: String, _ fallback: T, _ body: () throws -> T) -> T {
        do {
            return try body()
        } catch {
            logger.error("event segment column \(what) unreadable", metadata: ["error": "\(error)"])
            return fallback
        }
    }

    /// Maps local ids through `map`; an id outside it reads as 0.
    private func translate(_ local: [UInt32], _ map: [UInt32]) -> [UInt32] {
        local.map { Int($0) < map.count ? map[Int($0)] : 0 }
    }

    func timestamps() -> [Int64] {
        guard case .int64(let a) = cached(0, {
            .int64(decoding("timestamps", [Int64](repeating: minTime, count: count)) { try reader.timestamps() })
        }) else { return [] }
        return a
    }

    func users() -> [UInt32] {
        guard case .uint32(let raw) = cached(1, {
            .uint32(translate(decoding("users", [UInt32](repeating: 0, count: count)) { try reader.localUsers() }, userMap))
        }) else { return [] }
        // Merges change over time, so the canonical mapping is applied on every read.
        return dictionary.canonical(raw)
    }

    func terms(_ column: TermColumn) -> [UInt32] {
        guard case .uint32(let a) = cached(10 + column.rawValue, {
            .uint32(translate(decoding("\(column)", [UInt32](repeating: 0, count: count)) { try reader.localTerms(column) }, termMap))
        }) else { return [] }
        return a
    }

    func values() -> [Double] {
        guard case .double(let a) = cached(2, {
            .double(decoding("values", [Double](repeating: .nan, count: count)) { try reader.values() })
        }) else { return [] }
        return a
    }

    func propertyKeys() -> [UInt32] { keys.keys.sorted() }

    func property(_ key: UInt32) -> [UInt32]? {
        guard let local = keys[key] else { return nil }
        guard case .uint32(let a) = cached((1 << 32) + Int(key), {
            .uint32(translate(decoding("property \(key)", [UInt32](repeating: 0, count: count)) {
                try reader.localProperty(local) ?? [UInt32](repeating: 0, count: count)
            }, termMap))
        }) else { return nil }
        return a
    }
}
