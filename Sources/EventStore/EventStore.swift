#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DiskIO
import Logging
import Synchronization

/// Sextant's usage-event store: crash-safe, columnar, partitioned by UTC day.
///
/// Layout of the directory it is opened on (docs/format/events.md):
/// - `wal/`: every `append`, `mergeUser` and `erase` is logged here (one write(2) per call)
///   before it is acknowledged, so it survives `kill -9`; `syncWAL()` (the server calls it
///   every second) and `close()` fsync it, for power loss.
/// - the head: events not yet flushed, in memory, one partition per UTC day.
/// - `segments/`: immutable columnar files, one or more per day, written by `flush()` and
///   rewritten by `maintain()` (compaction, retention) and `erase(user:)`.
///
/// Opening loads the segments (a damaged one is moved to `corrupted/` and reported), then
/// replays the WAL into the head (a torn tail is cut, a damaged WAL segment set aside).
///
/// Event ids are deduplicated through 8-byte hashes (Swift's per-process seeded `Hasher`)
/// of the ids of events whose timestamp is within `dedupWindow`, about 17 bytes of memory
/// per such event; batch ids are kept as strings for `batchWindow`.
///
/// Thread-safety: every method may be called concurrently. Appends, merges and reads take
/// one lock briefly (appends hold it for their single WAL write); `flush`, `maintain`,
/// `erase` and `close` run one at a time and do their file work outside that lock, so reads
/// and appends go on meanwhile.
public final class EventStore: EventReader, EventWriter {
    public let directory: String
    public let options: EventStoreOptions
    /// What opening found and repaired; `messages` is empty when everything was intact.
    public let openReport: EventStoreOpenReport

    let wal: RecordLog
    let termDictionary: TermDictionary
    let userDictionary: UserDictionary
    let cache: ColumnCache
    let state: Mutex<State>
    /// Held by flush, maintenance, erasure and close, so only one rewrites files at a time.
    let maintenanceLock = Mutex<Void>(())
    var logger: Logger { options.logger }
    var segmentDirectory: String { directory + "/" + StoreFiles.segments }

    public var terms: any TermLookup { termDictionary }
    public var users: any UserLookup { userDictionary }

    /// Events of one UTC day not yet in a segment.
    struct HeadPartition {
        var events: [Event] = []
        /// `events` as a block, built on first read; nil after any change.
        var block: MemoryEventBlock?
        /// Bumped on every change, so a block built outside the lock is kept only if current.
        var version = 0
    }

    struct State {
        var head: [Int64: HeadPartition] = [:]
        /// The head being written to segments by a flush: still read, no longer appended to.
        var flushing: [Int64: HeadPartition] = [:]
        var headCount = 0
        /// `now()` when the first event entered an empty head.
        var headSince: Int64?
        var segments: [UInt64: SegmentBlock] = [:]
        var nextSequence: UInt64 = 1
        /// Hashes of held event ids, with the UTC day of the event (for the dedup window).
        var ids: [Int: Int64] = [:]
        /// Batch ids seen, with when they were first seen (ms).
        var batches: [String: Int64] = [:]
        /// Every merge in force, oldest first, logged again after each WAL rotation.
        var merges: [(alias: String, person: String)] = []
        var closed = false
    }

    /// Opens (or creates) the store in `directory`.
    /// - Throws: `.io` when the directory or its WAL cannot be created or read;
    ///   `.invalidArgument` for impossible options. Damaged files are set aside, not thrown.
    public init(directory: String, options: EventStoreOptions = EventStoreOptions()) throws {
        guard options.walSegmentSize > 0, options.columnCacheBytes >= 0, options.flushEvents > 0 else {
            throw EventStoreError(.invalidArgument, "event store options: sizes must be positive")
        }
        self.directory = directory
        self.options = options
        termDictionary = TermDictionary()
        userDictionary = UserDictionary()
        cache = ColumnCache(capacity: options.columnCacheBytes)
        let walDirectory = directory + "/" + StoreFiles.wal
        var report = EventStoreOpenReport()
        var s = State()
        try translatingDiskErrors {
            try LogDirectory.create(directory + "/" + StoreFiles.segments)
        }
        try Self.loadSegments(directory, into: &s, report: &report, terms: termDictionary, users: userDictionary,
                              cache: cache, logger: options.logger)
        let firstWAL = try translatingDiskErrors {
            LogDirectory.exists(walDirectory) ? try LogDirectory.segments(walDirectory).first?.number : nil
        }
        let now = options.now()
        Self.rememberIDs(of: s.segments.values, into: &s, now: now, options: options, firstWAL: firstWAL)
        let pending = try Self.replay(walDirectory, into: &s, report: &report, users: userDictionary, now: now)
        wal = try translatingDiskErrors {
            try RecordLog(directory: walDirectory, segmentSize: options.walSegmentSize, logger: options.logger)
        }
        report.segments = s.segments.count
        report.events = s.headCount + s.segments.values.reduce(0) { $0 + $1.count }
        state = Mutex(s)
        openReport = report
        for m in report.messages { options.logger.warning("event store: \(m)") }
        if !pending.isEmpty {
            // An erasure was logged but a crash came before it reached every segment (and
            // before the flush that removes its WAL records): finish it now.
            var erased = 0
            for (names, walSegment) in pending {
                erased += try maintenanceLock.withLock { _ in try eraseFromSegments(Set(names), loggedIn: walSegment) }
            }
            try flush()
            options.logger.warning("event store: finished \(pending.count) interrupted erasures (\(erased) events from segments)")
        }
        options.logger.info("event store opened", metadata: [
            "directory": "\(directory)", "segments": "\(report.segments)", "events": "\(report.events)",
            "walRecords": "\(report.walRecords)",
        ])
    }

    /// Every block that may hold events with `from <= timestamp < to`: each segment whose
    /// time range overlaps, and the head's day partitions (built into blocks on first read
    /// after a change). Blocks stay readable after the store moves on (a flushed or
    /// compacted segment's mapping lives as long as its block).
    public func blocks(from: Int64?, to: Int64?) -> [any EventBlock] {
        func overlaps(_ lo: Int64, _ hi: Int64) -> Bool {
            (from.map { hi >= $0 } ?? true) && (to.map { lo < $0 } ?? true)
        }
        let D = StoreFiles.dayMillis
        let (segments, parts) = state.withLock { s in
            let segments = s.segments.values.filter { overlaps($0.minTime, $0.maxTime) }
            var parts: [(flushing: Bool, day: Int64, HeadPartition)] = []
            for (flushing, map) in [(true, s.flushing), (false, s.head)] {
                for (day, p) in map where overlaps(day * D, day * D + D - 1) && !p.events.isEmpty {
                    parts.append((flushing, day, p))
                }
            }
            return (segments, parts)
        }
        var out: [any EventBlock] = segments
        for (flushing, day, p) in parts {
            if let b = p.block {
                out.append(b)
                continue
            }
            let b = MemoryEventBlock(events: p.events, terms: termDictionary, users: userDictionary)
            state.withLock { s in
                if flushing {
                    if s.flushing[day]?.version == p.version { s.flushing[day]?.block = b }
                } else if s.head[day]?.version == p.version {
                    s.head[day]?.block = b
                }
            }
            out.append(b)
        }
        return out.sorted { ($0.minTime, $0.maxTime) < ($1.minTime, $1.maxTime) }
    }

    /// Makes every acknowledged write durable against power loss (fsync of the WAL).
    /// The server calls this once a second.
    public func syncWAL() throws {
        try translatingDiskErrors { try wal.sync() }
    }

    /// Stops accepting writes and fsyncs and closes the WAL; the head stays in the WAL for
    /// the next open. Closing twice does nothing.
    public func close() throws {
        try maintenanceLock.withLock { _ in
            state.withLock { $0.closed = true }
            try translatingDiskErrors { try wal.close() }
        }
    }

    /// What the store holds now.
    public var stats: EventStoreStats {
        let (head, segments) = state.withLock { s in
            (s.headCount + s.flushing.values.reduce(0) { $0 + $1.events.count }, Array(s.segments.values))
        }
        let c = cache.stats
        return EventStoreStats(headEvents: head, segments: segments.count,
                               segmentEvents: segments.reduce(0) { $0 + $1.count },
                               segmentBytes: segments.reduce(0) { $0 + $1.reader.size },
                               walBytes: wal.sizeBytes, cacheBytes: c.bytes, cacheHits: c.hits, cacheMisses: c.misses)
    }

    var closedError: EventStoreError { EventStoreError(.closed, "event store \(directory) is closed") }
}

/// What opening an `EventStore` found.
public struct EventStoreOpenReport: Sendable {
    public var segments = 0
    /// Events held after opening (segments and head).
    public var events = 0
    public var walRecords = 0
    /// Segment files moved to `corrupted/`.
    public var corruptedSegments: [String] = []
    /// One line per anomaly: damaged or leftover files, WAL repairs.
    public var messages: [String] = []
}

/// Sizes of an `EventStore`, e.g. for `/metrics`.
public struct EventStoreStats: Sendable {
    public var headEvents: Int
    public var segments: Int
    public var segmentEvents: Int
    public var segmentBytes: Int
    public var walBytes: Int
    public var cacheBytes: Int
    public var cacheHits: Int
    public var cacheMisses: Int
}
