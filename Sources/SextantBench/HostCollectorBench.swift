import ArgumentParser
import Foundation
import Ingest
import TSDB

/// CPU time of one host collection (read /proc and /sys, then store), against the budget of 1%
/// of a core at the default 15 s interval. CPU time is the process's (getrusage), so the
/// statfs worker threads count too.
struct HostCollectorBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "host-collector",
                                                    abstract: "CPU time per host collection, read and stored.")

    @Option(help: "Collections per phase.") var collections = 500

    func run() throws {
        let dir = NSTemporaryDirectory() + "sextant-bench-host-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try DB(directory: dir)
        defer { try? db.close() }
        let collection = try HostCollection()
        let series = collection.collect(now: Date().timeIntervalSince1970).entries.count
        print("\(series) series per collection, \(collections) collections per phase")

        report("read only", cpu { _ in _ = collection.collect(now: Date().timeIntervalSince1970) })
        let writer = HostSeriesWriter(db: db, nodeInstance: "bench", selfInstance: "127.0.0.1:8686")
        var t = Int64(Date().timeIntervalSince1970 * 1000)
        report("read + store (cached series handles)", try cpu { _ in
            t += 1
            _ = try writer.write(collection.collect(now: Date().timeIntervalSince1970), at: t)
        })
        report("read + store (DB.store, series resolved each time)", try cpu { _ in
            t += 1
            let samples = collection.collect(now: Date().timeIntervalSince1970)
            var batch = SeriesBatch()
            for e in samples.entries {
                let target = e.target == .node ? [Label("job", "node"), Label("instance", "bench2")]
                                               : [Label("job", "sextant"), Label("instance", "127.0.0.1:8687")]
                batch.append([Label(Labels.metricName, e.name)] + target + e.labels, [Sample(t: t, v: e.value)])
            }
            _ = try db.store(batch)
        })
    }

    /// CPU seconds (user + system) and wall seconds per run of `body`.
    private func cpu(_ body: (Int) throws -> Void) rethrows -> (cpu: Double, wall: Double) {
        try body(-1)
        let c0 = Self.cpuSeconds(), w0 = ContinuousClock.now
        for i in 0..<collections { try body(i) }
        let wall = ContinuousClock.now - w0
        let w = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        return ((Self.cpuSeconds() - c0) / Double(collections), w / Double(collections))
    }

    private func report(_ name: String, _ r: (cpu: Double, wall: Double)) {
        print(String(format: "%-52@ %8.3f ms CPU  %8.3f ms wall  %.4f%% of a core at 15 s",
                     name as NSString, r.cpu * 1e3, r.wall * 1e3, r.cpu / 15 * 100))
    }

    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(u.ru_utime) + s(u.ru_stime)
    }
}
