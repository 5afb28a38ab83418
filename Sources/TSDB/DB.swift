import Foundation
import Logging
import Synchronization

/// Sextant's time-series database: a WAL-backed in-memory head in front of immutable blocks.
///
/// Layout of its directory (see docs/format/): `wal/` segments, one directory per block, and
/// `snapshots/`. All methods are safe to call concurrently; maintenance (cutting the head,
/// compaction, retention) is run by the owner calling `maintain()` periodically.
public final class DB: Sendable {
    struct State {
        var head: Head
        /// Heads cut from service and being written to blocks; still queried until then.
        var flushing: [Head] = []
        /// Open blocks sorted by minTime.
        var blocks: [BlockReader] = []
        var nextSequence: UInt64 = 1
        var closed = false
    }

    public let directory: String
    public let options: DBOptions
    let logger: Logger
    let wal: WAL
    let state: Mutex<State>
    /// Appends hold it shared; cutting the head holds it exclusively, so that every sample
    /// acknowledged before the cut is in the old head and WAL segments, and every later one in
    /// the new ones.
    let commitLock = RWLock()
    /// One maintenance job (cut, compaction, retention, snapshot) at a time.
    let maintenanceLock = Mutex(())
    let metrics: DBMetrics

    /// Opens (or creates) a database: loads blocks, setting damaged ones aside, and replays the WAL.
    public init(directory: String, options: DBOptions = DBOptions(), logger: Logger = Logger(label: "sextant.tsdb")) throws {
        self.directory = directory
        self.options = options
        self.logger = logger
        self.metrics = DBMetrics()
        try DB.makeDirectory(directory)
        let blocks = try DB.openBlocks(in: directory, logger: logger)
        let head = Head()
        let walDir = directory + "/" + DBFiles.wal
        let report = try DB.replay(walDirectory: walDir, into: head, logger: logger)
        metrics.replayedSamples.increment(by: report.samples)
        wal = try WAL(directory: walDir, segmentSize: options.walSegmentSize)
        let seq = (blocks.map(\.meta.sequence).max() ?? 0) + 1
        state = Mutex(State(head: head, blocks: blocks, nextSequence: seq))
        updateGauges()
    }

    static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw TSDBError(.io, "cannot create directory \(path)", cause: error as NSError)
        }
    }

    /// Opens every block directory; deletes leftovers of interrupted writes and moves blocks that
    /// fail to open into `corrupted/`, logging why, so the rest of the data stays available.
    static func openBlocks(in dir: String, logger: Logger) throws -> [BlockReader] {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: dir)) ?? []
        var blocks: [BlockReader] = []
        for name in names.sorted() {
            let path = dir + "/" + name
            if BlockFiles.isTemporary(name) {
                logger.warning("removing unfinished block \(path)")
                try? fm.removeItem(atPath: path)
                continue
            }
            guard fm.fileExists(atPath: path + "/" + BlockFiles.meta) else { continue }
            do {
                blocks.append(try BlockReader(directory: path))
            } catch {
                let aside = dir + "/" + DBFiles.corrupted
                try? fm.createDirectory(atPath: aside, withIntermediateDirectories: true)
                try? fm.moveItem(atPath: path, toPath: aside + "/" + name)
                logger.error("block \(name) is damaged and was set aside in \(aside): \(error)")
            }
        }
        return blocks.sorted { $0.meta.minTime < $1.meta.minTime }
    }

    static func replay(walDirectory: String, into head: Head, logger: Logger) throws -> WALReplayReport {
        var refs: [UInt64: MemSeries] = [:]
        var pending: [UInt64: [WALSample]] = [:]
        let start = ContinuousClock.now
        func note(_ list: [WALSample]) {
            guard let lo = list.lazy.map(\.t).min(), let hi = list.lazy.map(\.t).max() else { return }
            head.noteAppended(count: list.count, minT: lo, maxT: hi)
        }
        let report = try WAL.replay(directory: walDirectory) { record in
            switch record {
            case .series(let list):
                for s in list {
                    let ms = head.replaySeries(ref: s.ref, labels: s.labels)
                    refs[s.ref] = ms
                    // Two writers may log samples of a new series before its series record lands.
                    if let early = pending.removeValue(forKey: s.ref) {
                        for x in early { head.append(ms, t: x.t, v: x.v) }
                        note(early)
                    }
                }
            case .samples(let list):
                for x in list {
                    if let ms = refs[x.ref] {
                        head.append(ms, t: x.t, v: x.v)
                    } else {
                        pending[x.ref, default: []].append(x)
                    }
                }
                note(list)
            }
        }
        let orphans = pending.values.reduce(0) { $0 + $1.count }
        if orphans > 0 {
            logger.warning("WAL replay: \(orphans) samples refer to series with no record; dropped")
        }
        for m in report.messages { logger.warning("WAL replay: \(m)") }
        logger.info("WAL replay done", metadata: [
            "samples": "\(report.samples)", "series": "\(head.seriesCount)",
            "segments": "\(report.segments)", "duration": "\(ContinuousClock.now - start)",
        ])
        return report
    }

    /// Stops accepting writes and closes the WAL (its data stays for the next start).
    public func close() throws {
        let already = state.withLock { st -> Bool in
            defer { st.closed = true }
            return st.closed
        }
        if already { return }
        try commitLock.write {
            try wal.sync()
            try wal.close()
        }
    }

    var head: Head { state.withLock { $0.head } }

    /// Blocks currently open, oldest first.
    public var blocks: [BlockMeta] { state.withLock { $0.blocks.map(\.meta) } }

    /// Series and samples in the head (not yet in blocks).
    public var headStats: (series: Int, samples: Int) {
        state.withLock { st in
            (st.head.seriesCount + st.flushing.reduce(0) { $0 + $1.seriesCount },
             st.head.sampleCount + st.flushing.reduce(0) { $0 + $1.sampleCount })
        }
    }

    /// The newest timestamp held anywhere, or nil when empty.
    public var maxTime: Int64? {
        state.withLock { st in
            let times = [st.head.timeRange?.max] + st.flushing.map { $0.timeRange?.max } + st.blocks.map { $0.meta.maxTime }
            return times.compactMap { $0 }.max()
        }
    }

    /// Brings the gauges (head size, blocks, WAL bytes) up to date, e.g. before an export.
    public func refreshMetrics() { updateGauges() }

    func updateGauges() {
        let (series, samples, blockCount, blockBytes) = state.withLock { st in
            (st.head.seriesCount, st.head.sampleCount, st.blocks.count, st.blocks.reduce(0) { $0 + $1.sizeBytes })
        }
        metrics.headSeries.record(series)
        metrics.headSamples.record(samples)
        metrics.blocks.record(blockCount)
        metrics.blockBytes.record(blockBytes)
        metrics.walBytes.record(wal.sizeBytes)
    }
}

/// Names of the entries of a database directory (block files are in `BlockFiles`).
enum DBFiles {
    static let wal = "wal"
    static let snapshots = "snapshots"
    static let corrupted = "corrupted"
}
