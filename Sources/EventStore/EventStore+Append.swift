import DiskIO

extension AppendOutcome {
    /// An event of the batch that was refused because it breaks `EventStoreLimits`.
    public struct Rejection: Sendable, Equatable {
        /// Index into the batch.
        public var index: Int
        /// What is wrong, naming the event id and the field.
        public var message: String
    }
}

extension EventStore {
    /// WAL records of one append are cut at about this many payload bytes; they still go to
    /// the WAL in one write(2).
    static let recordChunkBytes = 8 << 20

    /// Stores the events of `events` that pass `EventStoreLimits.validate` and whose ids are
    /// not held; logs them to the WAL with one write(2) and then adds them to the head. When
    /// this returns they survive a crash of the process (and a power loss after the next
    /// `syncWAL()`). Refused events are in `rejections`, with the reason; the others are kept.
    ///
    /// A batch id seen within `batchWindow` stores nothing (`duplicateBatch`).
    ///
    /// - Throws: `.invalidEvent` for a batch over `maxBatchEvents` or a bad batch id, `.io`
    ///   when the WAL write fails, `.closed`; in every case nothing was stored.
    public func append(_ events: [Event], batchID: String?) throws -> AppendOutcome {
        let limits = options.limits
        guard events.count <= limits.maxBatchEvents else {
            throw EventStoreError(.invalidEvent, "a batch of \(events.count) events is over the limit of \(limits.maxBatchEvents)")
        }
        if let batchID, batchID.isEmpty || batchID.utf8.count > limits.maxIDBytes {
            throw EventStoreError(.invalidEvent, "batch id must be 1 to \(limits.maxIDBytes) bytes, got \(batchID.utf8.count)")
        }
        var rejections: [AppendOutcome.Rejection] = []
        var candidates: [(index: Int, hash: Int)] = []
        candidates.reserveCapacity(events.count)
        for (i, e) in events.enumerated() {
            do {
                try limits.validate(e)
                candidates.append((i, e.id.hashValue))
            } catch let error as EventStoreError {
                rejections.append(.init(index: i, message: error.message))
            }
        }
        let now = options.now()
        return try state.withLock { s in
            guard !s.closed else { throw closedError }
            if let batchID, s.batches[batchID] != nil {
                return AppendOutcome(stored: 0, duplicateBatch: true, rejections: rejections)
            }
            var fresh: [(index: Int, hash: Int)] = [], duplicates: [Int] = []
            var inBatch = Set<Int>()
            for (i, h) in candidates {
                if s.ids[h] != nil || !inBatch.insert(h).inserted {
                    duplicates.append(i)
                } else {
                    fresh.append((i, h))
                }
            }
            guard !fresh.isEmpty || batchID != nil else {
                return AppendOutcome(stored: 0, duplicates: duplicates, rejections: rejections)
            }
            try logAppend(fresh.map { events[$0.index] }, batch: batchID.map { ($0, now) })
            if let batchID { s.batches[batchID] = now }
            for (i, h) in fresh { s.insert(events[i], hash: h, now: now) }
            return AppendOutcome(stored: fresh.count, duplicates: duplicates, rejections: rejections)
        }
    }

    /// Logs an append as one or more records (cut at `recordChunkBytes`) in one write(2). A
    /// crash mid-write may keep a prefix of the records; the call was not acknowledged, and
    /// the sender's retry stores only what is missing (dedup by id).
    private func logAppend(_ events: [Event], batch: (String, Int64)?) throws {
        var bytes: [UInt8] = []
        var start = 0
        var size = 0
        for (i, e) in events.enumerated() {
            size += 64 + e.id.utf8.count + e.properties.reduce(0) { $0 + $1.key.utf8.count + 16 }
                + e.properties.values.reduce(0) { n, v in
                    switch v {
                    case .string(let s), .json(let s): n + s.utf8.count
                    default: n
                    }
                }
            if size >= Self.recordChunkBytes || i == events.count - 1 {
                EventWALRecord.append(batch: start == 0 ? batch : nil, events: Array(events[start...i])).encode(into: &bytes)
                start = i + 1
                size = 0
            }
        }
        if events.isEmpty { EventWALRecord.append(batch: batch, events: []).encode(into: &bytes) }
        try translatingDiskErrors { try wal.append(encoded: bytes) }
    }

    /// Makes `alias` the same person as `person`, for events held and to come; logged to the
    /// WAL before it takes effect. Reads see every event of `alias` with `person`'s id.
    /// - Throws: `.invalidEvent` for an empty or over-long name, `.io`, `.closed`.
    public func mergeUser(_ alias: String, into person: String) throws {
        let limit = options.limits.maxStringBytes
        for name in [alias, person] where name.isEmpty || name.utf8.count > limit {
            throw EventStoreError(.invalidEvent, "user ids to merge must be 1 to \(limit) bytes, got \(name.utf8.count)")
        }
        try state.withLock { s in
            guard !s.closed else { throw closedError }
            var bytes: [UInt8] = []
            EventWALRecord.merges([(alias, person)]).encode(into: &bytes)
            try translatingDiskErrors { try wal.append(encoded: bytes) }
            s.merge(alias, into: person, users: userDictionary)
        }
    }
}
