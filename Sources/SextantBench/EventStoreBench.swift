import ArgumentParser
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
        let loaded = try Self.load(events)
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

    /// Reads gen_events.py's lines into events, leaving out those with canTrack false.
    static func load(_ path: String) throws -> [Event] {
        var data: Data
        if path.hasSuffix(".gz") {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/gzip")
            p.arguments = ["-dc", path]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
        } else {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        var out: [Event] = []
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let o = try JSONSerialization.jsonObject(with: line) as? [String: Any],
                  (o["privacyFlags"] as? [String: Any])?["canTrack"] as? Bool != false,
                  let id = o["id"] as? String, let ts = o["timestamp"] as? String, let t = parseTime(ts) else { continue }
            let device = o["deviceInfo"] as? [String: Any] ?? [:]
            var props: [String: PropertyValue] = [:]
            for (k, v) in o["properties"] as? [String: Any] ?? [:] {
                switch v {
                case let s as String: props[k] = .string(s)
                case let n as NSNumber where String(cString: n.objCType) == "c": props[k] = .bool(n.boolValue)
                case let n as NSNumber: props[k] = .number(n.doubleValue)
                case is NSNull: props[k] = .null
                default: props[k] = .json(String(decoding: try JSONSerialization.data(withJSONObject: v), as: UTF8.self))
                }
            }
            out.append(Event(
                id: id, timestamp: t, userId: o["userId"] as? String, sessionId: o["sessionId"] as? String,
                eventType: o["eventType"] as? String ?? "", category: o["category"] as? String ?? "",
                action: o["action"] as? String ?? "", label: o["label"] as? String, value: (o["value"] as? NSNumber)?.doubleValue,
                properties: props,
                device: DeviceInfo(platform: device["platform"] as? String, appVersion: device["appVersion"] as? String,
                                   osVersion: device["osVersion"] as? String),
                userSegment: o["userSegment"] as? String))
        }
        return out
    }

    /// `2026-01-01T00:00:00.000Z` to ms since the epoch.
    static func parseTime(_ s: String) -> Int64? {
        let u = Array(s.utf8)
        guard u.count >= 20 else { return nil }
        func num(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r {
                guard u[i] >= 48 && u[i] <= 57 else { return nil }
                v = v * 10 + Int64(u[i] - 48)
            }
            return v
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13),
              let mi = num(14..<16), let se = num(17..<19) else { return nil }
        let ms = u.count >= 23 ? num(20..<23) ?? 0 : 0
        func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        guard y >= 1970, (1...12).contains(mo) else { return nil }
        var days: Int64 = (1970..<y).reduce(0) { $0 + (isLeap($1) ? 366 : 365) }
        let lengths: [Int64] = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        days += lengths[0..<Int(mo - 1)].reduce(0, +) + d - 1
        return ((days * 24 + h) * 60 + mi) * 60_000 + se * 1000 + ms
    }
}
