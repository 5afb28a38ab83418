import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Web

@Suite struct InfluxWebTests {
    /// 2026-01-01T00:00:10Z in seconds.
    let t: Int64 = 1_767_225_610

    @Test func v2AndV1WritesAreQueryable() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            let v2 = "cpu,host=a usage_idle=97.5,procs=12i \(t)\nmem,host=a used=1024u,swapping=false \(t)"
            try await client.execute(uri: "/api/v2/write?org=o&bucket=metrics&precision=s", method: .post, body: ByteBuffer(string: v2)) { r in
                #expect(r.status == .noContent)
            }
            try await client.execute(uri: "/write?db=telegraf&rp=autogen&precision=ms", method: .post,
                                     body: ByteBuffer(string: "disk,path=/ free=5e9 \(t * 1000)")) { r in
                #expect(r.status == .noContent)
            }
            #expect(try await queryValue(client, #"cpu_usage_idle{host="a",db="metrics"}"#, time: t) == 97.5)
            #expect(try await queryValue(client, #"cpu_procs{db="metrics"}"#, time: t) == 12)
            #expect(try await queryValue(client, "mem_used", time: t) == 1024)
            #expect(try await queryValue(client, "mem_swapping", time: t) == 0)
            #expect(try await queryValue(client, #"disk_free{db="telegraf",path="/"}"#, time: t) == 5e9)
        }
    }

    @Test func malformedLinesAreNamedAndGoodLinesStored() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            let body = "ok1 v=1 \(t)\ncpu,host= v=2 \(t)\nok2 v=3 \(t)\nbad v=\"open \(t)"
            try await client.execute(uri: "/api/v2/write?bucket=b&precision=s", method: .post, body: ByteBuffer(string: body)) { r in
                #expect(r.status == .badRequest)
                let doc = try json(r.body)
                #expect(doc["code"] as? String == "invalid")
                let message = doc["message"] as? String ?? ""
                #expect(message.contains("stored 2 of 2 samples"))
                #expect(message.contains("line 2, column 10: missing tag value"))
                #expect(message.contains("line 4, column 7: unterminated string"))
            }
            #expect(try await queryValue(client, "ok1_v", time: t) == 1)
            #expect(try await queryValue(client, "ok2_v", time: t) == 3)
        }
    }

    @Test func precisionGzipStringsAndLimits() async throws {
        var server = TestServer(); defer { server.cleanup() }
        server.config.limits.maxBodyBytes = 2000
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v2/write?precision=h", method: .post, body: ByteBuffer(string: "m v=1")) { r in
                #expect(r.status == .badRequest)
                let doc = try json(r.body)
                #expect((doc["message"] as? String ?? "").contains("invalid precision \"h\""))
            }
            var text = ByteBuffer(string: "zipped,k=v n=4i,s=\"text\" \(t)000000000")
            let gz = try text.compress(with: .gzip())
            try await client.execute(uri: "/write?db=d", method: .post, headers: [.contentEncoding: "gzip"], body: gz) { r in
                #expect(r.status == .noContent)
                #expect(r.headers[.init("X-Sextant-Skipped")!]?.contains("zipped.s") == true)
            }
            #expect(try await queryValue(client, #"zipped_n{k="v",db="d"}"#, time: t) == 4)
            try await client.execute(uri: "/api/v2/write", method: .post, body: ByteBuffer(string: String(repeating: "m v=1\n", count: 1000))) { r in
                #expect(r.status == .contentTooLarge, "\(String(buffer: r.body))")
                let doc = try json(r.body)
                #expect(doc["code"] as? String == "request too large")
            }
        }
    }
}
