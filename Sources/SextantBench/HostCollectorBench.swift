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

    /// User and system CPU seconds and wall seconds per run of `body`.
    private func cpu(_ body: (Int) throws -> Void) rethrows -> (user: Double, system: Double, wall: Double) {
        try body(-1)
        let c0 = Self.cpuSeconds(), w0 = ContinuousClock.now
        for i in 0..<collections { try body(i) }
        let wall = ContinuousClock.now - w0
        let c1 = Self.cpuSeconds()
        let n = Double(collections)
        return ((c1.user - c0.user) / n, (c1.system - c0.system) / n,
                (Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18) / n)
    }

    private func report(_ name: String, _ r: (user: Double, system: Double, wall: Double)) {
        let cpu = r.user + r.system
        print(name.padding(toLength: 50, withPad: " ", startingAt: 0)
              + String(format: " %6.3f ms CPU (%5.3f user, %5.3f system)  %6.3f ms wall  %.4f%% of a core at 15 s",
                       cpu * 1e3, r.user * 1e3, r.system * 1e3, r.wall * 1e3, cpu / 15 * 100))
    }

    static func cpuSeconds() -> (user: Double, system: Double) {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return (s(u.ru_utime), s(u.ru_stime))
    }
}
