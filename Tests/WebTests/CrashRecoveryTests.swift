import Foundation
import Ingest
import Synchronization
import Testing
import TSDB

/// Kills the real server with SIGKILL while writes stream in, restarts it, and checks that every
/// sample it acknowledged is still there.
@Suite(.serialized) struct CrashRecoveryTests {
    @Test func acknowledgedSamplesSurviveKill9() async throws {
        let dir = NSTemporaryDirectory() + "sextant-crash-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = ServerProcess.freePort()
        let server = try ServerProcess(data: dir, port: port)
        try await server.waitReady()

        let headers = ["Content-Encoding": "snappy", "Content-Type": "application/x-protobuf"]
        let acked = AckedRequests()   // request number -> samples in it
        let seriesPerRequest = 100
        // Two writers, as Prometheus's shards would, until the server dies under them.
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    var n = writer
                    while true {
                        let series = (0..<seriesPerRequest).map { i in
                            (labels: [Label("__name__", "crash_test"), Label("req", "\(n)"), Label("s", "\(i)")],
                             samples: [Sample(t: t0 + Int64(n) * 1000, v: Double(n * 1000 + i))])
                        }
                        let body = Data(RemoteWriteEncoder.encodeCompressed(series))
                        guard let (_, status) = try? await server.post("/api/v1/write", body: body, headers: headers) else { return }
                        if status == 204 { acked.map.withLock { $0[n] = seriesPerRequest } } else { return }
                        n += 2
                    }
                }
            }
            group.addTask {
                // Kill mid-stream once a good number of writes were acknowledged (however slow
                // the machine is), or after 60 s.
                let deadline = ContinuousClock.now + .seconds(60)
                while acked.map.withLock({ $0.count }) < 40 && ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                server.kill9()
            }
        }
        let ackedNow = acked.map.withLock { $0 }
        #expect(ackedNow.count > 10, "the writers should have been acknowledged many times before the kill")

        let restarted = try ServerProcess(data: dir, port: port)
        defer { restarted.stop() }
        try await restarted.waitReady()
        let (data, status) = try await restarted.get("/api/v1/export", query: ["match[]": "{__name__=\"crash_test\"}"])
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        var found = Set<Int>()
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let obj = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let metric = obj["metric"] as? [String: String], let req = Int(metric["req"] ?? ""),
                  let s = Int(metric["s"] ?? ""), let values = obj["values"] as? [Double] else { continue }
            if values == [Double(req * 1000 + s)] { found.insert(req * seriesPerRequest + s) }
        }
        var missing = 0
        for (req, count) in ackedNow {
            for s in 0..<count where !found.contains(req * seriesPerRequest + s) { missing += 1 }
        }
        #expect(missing == 0, "\(missing) acknowledged samples were lost")
    }
}

final class AckedRequests: Sendable {
    let map = Mutex<[Int: Int]>([:])
}
