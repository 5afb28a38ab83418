import Foundation
import Ingest
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
        let seriesPerRequest = 100
        // Two writers, as Prometheus's shards would, until the server dies under them.
        let ackedNow = await server.kill9DuringWrites { n in
            let series = (0..<seriesPerRequest).map { i in
                (labels: [Label("__name__", "crash_test"), Label("req", "\(n)"), Label("s", "\(i)")],
                 samples: [Sample(t: t0 + Int64(n) * 1000, v: Double(n * 1000 + i))])
            }
            let body = Data(RemoteWriteEncoder.encodeCompressed(series))
            guard let (_, status) = try? await server.post("/api/v1/write", body: body, headers: headers), status == 204 else { return nil }
            return seriesPerRequest
        }
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
