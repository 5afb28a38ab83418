import Foundation
import Ingest
import Testing
import TSDB

/// Writes until the disk is "full" (a file-size limit on the server process), then checks the
/// server refuses further writes with a 5xx, keeps serving reads, and after a restart still has
/// every sample it acknowledged.
@Suite(.serialized) struct DiskFullTests {
    @Test func fullDiskRefusesWritesAndKeepsServing() async throws {
        let dir = NSTemporaryDirectory() + "sextant-full-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = ServerProcess.freePort()
        let server = try ServerProcess(data: dir, port: port, fileSizeLimitKiB: 512)
        try await server.waitReady()
        let headers = ["Content-Encoding": "snappy", "Content-Type": "application/x-protobuf"]
        var acked = 0
        var failure: (Int, String)?
        for n in 0..<2000 {
            let series = (0..<50).map { i in
                (labels: [Label("__name__", "full_test"), Label("s", "\(i)")],
                 samples: [Sample(t: t0 + Int64(n) * 1000, v: Double(n))])
            }
            let (data, status) = try await server.post("/api/v1/write", body: Data(RemoteWriteEncoder.encodeCompressed(series)), headers: headers)
            if status == 204 {
                acked += 1
            } else {
                failure = (status, String(decoding: data, as: UTF8.self))
                break
            }
        }
        let (status, message) = try #require(failure, "writes never failed under a 512 KiB file-size limit")
        #expect(status == 500)
        #expect(message.contains("storage error"))
        #expect(acked > 10)
        // Still serving.
        #expect(try await server.get("/-/healthy").1 == 200)
        let (seriesData, seriesStatus) = try await server.get("/api/v1/series", query: ["match[]": "full_test"])
        #expect(seriesStatus == 200)
        #expect(String(decoding: seriesData, as: UTF8.self).contains("full_test"))
        server.stop()

        // Restarted without the limit: every acknowledged sample is there.
        let restarted = try ServerProcess(data: dir, port: port)
        defer { restarted.stop() }
        try await restarted.waitReady()
        let (data, _) = try await restarted.get("/api/v1/export", query: ["match[]": "full_test"])
        var counts: [Int] = []
        for line in data.split(separator: UInt8(ascii: "\n")) {
            let obj = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            counts.append((obj?["timestamps"] as? [Any])?.count ?? 0)
        }
        #expect(counts.count == 50)
        #expect(counts.allSatisfy { $0 >= acked }, "every series holds all \(acked) acknowledged samples: \(counts)")
    }
}
