import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import TSDB
@testable import Web

/// A server configuration on a fresh temporary data directory.
struct TestServer {
    let dir: String
    var config = ServerConfig()

    init() {
        dir = NSTemporaryDirectory() + "sextant-web-\(UUID().uuidString)"
        config.dataDirectory = dir
        config.port = 0
        // Tests about other things see only the data they wrote, and host samples (or
        // self-scrapes) at the current time would move the retention window past their fixed
        // timestamps. HostCollectorTests and the self-scrape tests turn them on.
        config.collectHost = false
        config.collectSelf = false
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: dir) }
}

let t0: Int64 = 1_767_225_600_000

func writeBody(_ series: [([String: String], [(Int64, Double)])]) -> ByteBuffer {
    let list = series.map { s in
        (labels: s.0.sorted { $0.key < $1.key }.map { Label($0.key, $0.value) },
         samples: s.1.map { Sample(t: $0.0, v: $0.1) })
    }
    return ByteBuffer(bytes: RemoteWriteEncoder.encodeCompressed(list))
}

let remoteWriteHeaders: HTTPFields = [
    .contentEncoding: "snappy", .contentType: "application/x-protobuf",
    .init("X-Prometheus-Remote-Write-Version")!: "0.1.0",
]

func json(_ buffer: ByteBuffer) throws -> [String: Any] {
    let obj = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
    return obj as? [String: Any] ?? [:]
}
