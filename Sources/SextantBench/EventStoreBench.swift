import ArgumentParser
import EventFixtures
import EventStore
import Foundation

/// The event store on gen_events.py's workload: append throughput, flush time, bytes per
/// event on disk, and full-column scans with a cold and a warm column cache.
struct EventStoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eventstore",
        abstract: "EventStore append, flush, disk size and column scans on gen_events.py output.")

    @Option(help: "Events from `python3 ../shared/bench/gen_events.py FILE` (.ndjson or .ndjson.gz).")
    var events: String
    @Option(help: "Events per append call (an ingest request).") var batch = 500
    @Option(help: "Directory for the store (emptied first); default a fresh one under /tmp.") var directory: String?

    func run() throws {
        let loaded = try GeneratedEvents.load(path: events)
        print("loaded \(loaded.count) trackable events")
        let dir = directory ?? NSTemporaryDirectory() + "sextant-eventbench-\(UUID().uuidString)"
        try? FileManager.default.removeItem(atPath: dir)
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: dir) } }
        var options = EventStoreOptions()
        // The workload is January 2026: measure against a clock inside it, so nothing expires.
        let now = (loaded.map(\.timestamp).max() ?? 0) + 3_600_000
        options.now = { now }
        options.flushEvents = .max

        let store = try EventStore(directory: dir, options: options)
        let start = ContinuousClock.now
        var stored = 0
        for i in stride(from: 0, to: loaded.count, by: batch) {
            stored += try store.append(Array(loaded[i..<min(i + batch, loaded.count)]), batchID: "batch-\(i)").stored
        }
        let appendTime = seconds(ContinuousClock.now - start)
        print(String(format: "append: %d events in %.2f s = %.0f events/s (batches of %d, WAL write per call)",
                     stored, appendTime, Double(stored) / appendTime, batch))
        let walBytes = store.stats.walBytes
        let f0 = ContinuousClock.now
        try store.flush()
        let flushTime = seconds(ContinuousClock.now - f0)
        let s = store.stats
        print(String(format: "flush: %.2f s for %d segments; WAL was %.1f MB (%.1f bytes/event)", flushTime, s.segments,
                     Double(walBytes) / 1e6, Double(walBytes) / Double(stored)))
        print(String(format: "disk: %.2f MB of segments = %.2f bytes/event", Double(s.segmentBytes) / 1e6,
                     Double(s.segmentBytes) / Double(s.segmentEvents)))
        try store.close()

        let o0 = ContinuousClock.now
        let reopened = try EventStore(directory: dir, options: options)
        print(String(format: "open (verify checksums, load dictionaries, id set): %.3f s", seconds(ContinuousClock.now - o0)))
        for pass in ["cold", "warm", "warm"] {
            let t0 = ContinuousClock.now
            let cells = Self.scan(reopened)
            let t = seconds(ContinuousClock.now - t0)
            print(String(format: "%@ full-column scan: %.1f ms (%d cells, %.1f ns/event)", pass, t * 1e3, cells,
                         t * 1e9 / Double(stored)))
        }
        let m0 = ContinuousClock.now
        let report = try reopened.maintain()
        print(String(format: "maintain (nothing to compact): %.3f s, %@", seconds(ContinuousClock.now - m0), "\(report)"))
        try reopened.close()
    }

    /// Reads every column of every block, as an analysis touching all fields would.
    static func scan(_ reader: EventStore) -> Int {
        var cells = 0
        for b in reader.blocks(from: nil, to: nil) {
            cells += b.timestamps().count + b.users().count + b.values().count
            for c in TermColumn.allCases { cells += b.terms(c).count }
            for k in b.propertyKeys() { cells += b.property(k)?.count ?? 0 }
        }
        return cells
    }

    func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
