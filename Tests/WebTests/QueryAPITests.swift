import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Web

@Suite struct QueryAPITests {
    @Test func instantRangeAndFormat() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            let points = (0..<20).map { (t0 + Int64($0) * 15_000, Double($0 * 10)) }
            try await client.execute(uri: "/api/v1/write", method: .post, headers: remoteWriteHeaders,
                                     body: writeBody([(["__name__": "reqs_total", "job": "a"], points)])) { r in
                #expect(r.status == .noContent)
            }
            let at = Double(t0) / 1000 + 285
            try await client.execute(uri: "/api/v1/query?query=reqs_total&time=\(at)", method: .get) { r in
                let doc = try json(r.body)
                let data = doc["data"] as? [String: Any]
                #expect(data?["resultType"] as? String == "vector")
                let result = data?["result"] as? [[String: Any]]
                #expect((result?.first?["value"] as? [Any])?.last as? String == "190")
            }
            let form = "query=rate(reqs_total%5B1m%5D)&start=\(at - 60)&end=\(at)&step=30"
            try await client.execute(uri: "/api/v1/query_range", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: form)) { r in
                let doc = try json(r.body)
                let data = doc["data"] as? [String: Any]
                #expect(data?["resultType"] as? String == "matrix")
                let values = (data?["result"] as? [[String: Any]])?.first?["values"] as? [[Any]]
                #expect(values?.count == 3)
                #expect(values?.first?.last as? String == "0.6666666666666666")
            }
            try await client.execute(uri: "/api/v1/query?query=sum(", method: .get) { r in
                let doc = try json(r.body)
                #expect(r.status == .badRequest)
                #expect(doc["errorType"] as? String == "bad_data")
            }
            try await client.execute(uri: "/api/v1/query_range?query=up&start=0&end=100000&step=1", method: .get) { r in
                #expect(r.status == .badRequest)
                #expect(String(buffer: r.body).contains("11,000 points"))
            }
            try await client.execute(uri: "/api/v1/format_query?query=sum%20by(job)(rate(x%5B5m%5D))", method: .get) { r in
                let doc = try json(r.body)
                #expect(doc["data"] as? String == "sum by (job) (rate(x[5m]))")
            }
        }
    }
}
