import Synchronization

/// An append-only, in-memory dictionary from terms to dense ids starting at 1.
/// Safe to use from several threads at once.
public final class TermDictionary: TermLookup {
    private struct State {
        var ids: [PropertyValue: UInt32] = [:]
        var terms: [PropertyValue] = [.null]  // index 0 is never handed out
    }
    private let state = Mutex(State())

    public init() {}

    /// The id of `term`, giving it the next id if it has none.
    public func intern(_ term: PropertyValue) -> UInt32 {
        state.withLock { s in
            if let id = s.ids[term] { return id }
            let id = UInt32(s.terms.count)
            s.ids[term] = id
            s.terms.append(term)
            return id
        }
    }

    public func id(of term: PropertyValue) -> UInt32? {
        state.withLock { $0.ids[term] }
    }

    public func term(_ id: UInt32) -> PropertyValue {
        state.withLock { s in
            precondition(id > 0 && Int(id) < s.terms.count, "term id \(id) was never given")
            return s.terms[Int(id)]
        }
    }

    /// How many terms are held.
    public var count: Int { state.withLock { $0.terms.count - 1 } }
}

/// An in-memory person dictionary with merges: ids start at 1, and a merged person reads back
/// as the person it was merged into. Safe to use from several threads at once.
public final class UserDictionary: UserLookup {
    private struct State {
        var ids: [String: UInt32] = [:]
        var names: [String?] = [nil]
        /// `canonical[id]` is the id `id` was merged into, or `id` itself.
        var canonical: [UInt32] = [0]

        func resolve(_ id: UInt32) -> UInt32 {
            var x = id
            while canonical[Int(x)] != x { x = canonical[Int(x)] }
            return x
        }
    }
    private let state = Mutex(State())

    public init() {}

    /// The person id of `user` (canonical), giving it a new id if it has none.
    public func intern(_ user: String) -> UInt32 {
        state.withLock { s in
            if let id = s.ids[user] { return s.resolve(id) }
            let id = UInt32(s.names.count)
            s.ids[user] = id
            s.names.append(user)
            s.canonical.append(id)
            return id
        }
    }

    /// Makes `alias` the same person as `person` from now on, for events already held too.
    public func merge(_ alias: String, into person: String) {
        let a = intern(alias), p = intern(person)
        state.withLock { s in
            let ra = s.resolve(a), rp = s.resolve(p)
            if ra != rp { s.canonical[Int(ra)] = rp }
        }
    }

    /// The canonical person of a raw id (as stored in a block before merges).
    public func canonical(_ id: UInt32) -> UInt32 {
        id == 0 ? 0 : state.withLock { $0.resolve(id) }
    }

    /// The canonical persons of many raw ids at once (0 stays 0), taking the lock once.
    public func canonical(_ ids: [UInt32]) -> [UInt32] {
        state.withLock { s in ids.map { $0 == 0 ? 0 : s.resolve($0) } }
    }

    /// Every name that reads back as the same person as `user` (`user` included), or [] when
    /// `user` is not known.
    public func members(of user: String) -> [String] {
        state.withLock { s in
            guard let id = s.ids[user] else { return [] }
            let root = s.resolve(id)
            return s.ids.compactMap { name, other in s.resolve(other) == root ? name : nil }
        }
    }

    /// Forgets the names of erased persons: `id(of:)` no longer finds them and `name(_:)` of
    /// their ids is nil. Their ids are never given again; a later `intern` of the same name
    /// starts a new person.
    public func forget(_ names: [String]) {
        state.withLock { s in
            for name in names {
                guard let id = s.ids.removeValue(forKey: name) else { continue }
                s.names[Int(id)] = nil
            }
        }
    }

    public var count: Int { state.withLock { $0.names.count - 1 } }

    public func id(of user: String) -> UInt32? {
        state.withLock { s in s.ids[user].map { s.resolve($0) } }
    }

    public func name(_ id: UInt32) -> String? {
        state.withLock { s in Int(id) < s.names.count ? s.names[Int(id)] : nil }
    }
}
