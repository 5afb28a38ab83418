/// The string-valued columns of an event block; each holds term ids (0 where absent).
public enum TermColumn: Int, CaseIterable, Sendable {
    case session, eventType, category, action, label, platform, appVersion, osVersion, userSegment
}

/// A run of stored events that analyses read column by column.
///
/// Rows are in timestamp order within a block; blocks of one reader may overlap in time. Every
/// column has `count` elements, row `i` of each describing the same event. Columns are decoded
/// on first use and may be cached, so asking twice is cheap. Safe to call concurrently.
public protocol EventBlock: Sendable {
    var count: Int { get }
    /// Earliest timestamp held (ms).
    var minTime: Int64 { get }
    /// Latest timestamp held (ms).
    var maxTime: Int64 { get }
    /// Milliseconds since the Unix epoch, ascending.
    func timestamps() -> [Int64]
    /// Dense person ids (see `UserLookup`), 0 for events without a user.
    func users() -> [UInt32]
    func terms(_ column: TermColumn) -> [UInt32]
    /// The events' values, `Double.nan` where an event has none.
    func values() -> [Double]
    /// Term ids of the property keys that some event of the block has.
    func propertyKeys() -> [UInt32]
    /// Value term ids of the property whose key has term id `key`, 0 where an event lacks it;
    /// nil when no event of the block has it.
    func property(_ key: UInt32) -> [UInt32]?
}

/// Dense ids for strings and property values, shared by all blocks of a store: an id, once
/// given, never changes meaning. Names (actions, platforms, property keys) are `.string` terms.
/// Safe to call concurrently.
public protocol TermLookup: Sendable {
    func id(of term: PropertyValue) -> UInt32?
    /// The term with this id; `id` must come from this lookup or a block of the same reader.
    func term(_ id: UInt32) -> PropertyValue
}

/// Dense ids for persons: 1...`count`, 0 meaning no user. A person merged into another
/// (`$identify`, `$create_alias`) reads back with the other's id. Safe to call concurrently.
public protocol UserLookup: Sendable {
    /// The highest id given so far; arrays indexed by user id need `count + 1` elements.
    var count: Int { get }
    func id(of user: String) -> UInt32?
    /// The user id string of a person id.
    func name(_ id: UInt32) -> String?
}

/// What analyses read: blocks of events and the dictionaries their ids refer to.
public protocol EventReader: Sendable {
    var terms: any TermLookup { get }
    var users: any UserLookup { get }
    /// Every block that may hold events with `from <= timestamp < to` (ms; nil is unbounded).
    /// A block may also hold events outside the range: callers filter by timestamp.
    func blocks(from: Int64?, to: Int64?) -> [any EventBlock]
}
