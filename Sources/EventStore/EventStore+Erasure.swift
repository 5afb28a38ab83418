import DiskIO

extension EventStore {
    /// Removes every event of a person, under every name merged with `user`, for GDPR erasure;
    /// returns how many events were removed.
    ///
    /// The erasure is logged to the WAL first (a crash midway is finished at the next open),
    /// then the events leave the head and every segment holding them is rewritten without
    /// them; the names leave the user dictionary and the merges, and a flush rotates the WAL
    /// and deletes its older segments. When this returns no file in the store holds the
    /// person's events or names (segments keep their strings per segment, so a rewritten one
    /// holds only what its remaining events use). Files set aside as damaged (`corrupted/`,
    /// `wal/*.corrupt`) are not read, and are left for an operator to delete.
    /// - Throws: `.io`, `.closed`.
    public func erase(user: String) throws -> Int {
        try maintenanceLock.withLock { _ in
            let names = Set(userDictionary.members(of: user) + [user])
            let fromHead = try state.withLock { s -> Int in
                guard !s.closed else { throw closedError }
                var bytes: [UInt8] = []
                EventWALRecord.erase(names.sorted()).encode(into: &bytes)
                try translatingDiskErrors { try wal.append(encoded: bytes) }
                s.merges.removeAll { names.contains($0.alias) || names.contains($0.person) }
                return s.removeFromHead(names)
            }
            let fromSegments = try eraseFromSegments(names, loggedIn: nil)
            userDictionary.forget(Array(names))
            try flushLocked()
            logger.info("event store: erased \(fromHead + fromSegments) events of a person (\(names.count) names)")
            return fromHead + fromSegments
        }
    }

    /// Rewrites every segment holding events of `names` without them. With `walSegment` (an
    /// erasure replayed from that WAL segment), only segments flushed before it are touched:
    /// later ones hold only events appended after the erasure.
    func eraseFromSegments(_ names: Set<String>, loggedIn walSegment: Int?) throws -> Int {
        let targets = state.withLock { s in
            s.segments.values.filter { b in
                !b.userNames.isDisjoint(with: names) && (walSegment.map { b.meta.walCutoff <= $0 } ?? true)
            }
        }
        var removed = 0
        for b in targets.sorted(by: { $0.meta.sequence < $1.meta.sequence }) {
            removed += try rewrite([b], day: b.meta.day) { e in !(e.userId.map(names.contains) ?? false) }.removed
        }
        return removed
    }

    /// Every event of a person (under every name merged with `user`), in time order, with all
    /// fields as appended: for a GDPR export as JSON lines.
    /// - Throws: `.corrupted` when a segment holding them does not decode.
    public func export(user: String) throws -> [Event] {
        let names = Set(userDictionary.members(of: user) + [user])
        func belongs(_ e: Event) -> Bool { e.userId.map(names.contains) ?? false }
        let (head, segments) = state.withLock { s in
            ((Array(s.flushing.values) + Array(s.head.values)).flatMap { $0.events.filter(belongs) },
             s.segments.values.filter { !$0.userNames.isDisjoint(with: names) })
        }
        var out = head
        for b in segments { out += try b.reader.events().filter(belongs) }
        return out.sorted { ($0.timestamp, $0.id) < ($1.timestamp, $1.id) }
    }
}
