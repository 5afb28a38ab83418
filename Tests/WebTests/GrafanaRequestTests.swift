import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Testing
import TSDB
@testable import Web

/// The requests Grafana's Prometheus data source sends (its Go backend, `pkg/promlib`, and the
/// query editor's resource calls), each answered as Prometheus would.
@Suite struct GrafanaRequestTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .userAgent: "Grafana/11.3.0",
                                   .init("X-Grafana-Org-Id")!: "1"]

    /// Two series over 10 minutes, with metadata as Prometheus's remote-write sends it.
    func load(_ client: some TestClientProtocol) async throws {
        let points = (0..<41).map { (t0 + Int64($0) * 15_000, Double($0 * 30)) }
        let body = RemoteWriteEncoder.encodeCompressed(
            [(labels: [Label("__name__", "http_requests_total"), Label("job", "api"), Label("handler", "/search")],
              samples: points.map { Sample(t: $0.0, v: $0.1) }),
             (labels: [Label("__name__", "http_requests_total"), Label("job", "web"), Label("handler", "/")],
              samples: points.map { Sample(t: $0.0, v: $0.1 * 2) })],
            metadata: [(metric: "http_requests_total", metadata: MetricMetadata(type: "counter", help: "Requests served."))])
        try await client.execute(uri: "/api/v1/write", method: .post, headers: remoteWriteHeaders,
                                 body: ByteBuffer(bytes: body)) { r in #expect(r.status == .noContent) }
    }

    func post(_ client: some TestClientProtocol, _ path: String, _ form: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: path, method: .post, headers: GrafanaRequestTests.form, body: ByteBuffer(string: form)) { r in
            (r.status, try json(r.body))
        }
    }

    @Test func dashboardAndEditorRequests() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await load(client)
            let start = t0 / 1000, end = start + 600
            // Health check: an instant query of 1+1 at "now" with fractional seconds.
            try await client.execute(uri: "/api/v1/query?query=1%2B1&time=\(end).123", method: .get, headers: GrafanaRequestTests.form) { r in
                let data = try json(r.body)["data"] as? [String: Any]
                #expect(data?["resultType"] as? String == "scalar")
                #expect((data?["result"] as? [Any])?.last as? String == "2")
            }
            // A time-series panel: POST query_range with float seconds, a step in seconds and the
            // data source's query timeout.
            let (status, range) = try await post(client, "/api/v1/query_range",
                "query=sum+by+(job)+(rate(http_requests_total%5B1m%5D))&start=\(start + 60)&end=\(end)&step=15&timeout=60s")
            #expect(status == .ok)
            let series = (range["data"] as? [String: Any])?["result"] as? [[String: Any]]
            #expect(series?.count == 2)
            #expect((series?.first?["metric"] as? [String: String]) == ["job": "api"])
            #expect((series?.first?["values"] as? [[Any]])?.count == 37)
            let rate = ((series?.first?["values"] as? [[Any]])?.first?.last as? String).flatMap(Double.init)
            #expect(rate.map { abs($0 - 2) < 1e-9 } == true)
            // A table panel: an instant query by POST.
            let (_, instant) = try await post(client, "/api/v1/query", "query=http_requests_total%7Bjob%3D%22web%22%7D&time=\(end)")
            let vector = (instant["data"] as? [String: Any])?["result"] as? [[String: Any]]
            #expect(((vector?.first?["value"] as? [Any])?.last as? String) == "2400")
            // The query editor: metric names, label names, label values with and without match[].
            try await client.execute(uri: "/api/v1/label/__name__/values?start=\(start)&end=\(end)", method: .get) { r in
                let names = try json(r.body)["data"] as? [String]
                #expect(names == ["http_requests_total"])
            }
            try await client.execute(uri: "/api/v1/label/handler/values?match%5B%5D=http_requests_total%7Bjob%3D%22api%22%7D&start=\(start)&end=\(end)",
                                     method: .get) { r in
                let names = try json(r.body)["data"] as? [String]
                #expect(names == ["/search"])
            }
            let (_, labels) = try await post(client, "/api/v1/labels", "match%5B%5D=http_requests_total&start=\(start)&end=\(end)")
            #expect(labels["data"] as? [String] == ["__name__", "handler", "job"])
            let (_, found) = try await post(client, "/api/v1/series", "match%5B%5D=http_requests_total%7Bjob%3D%22web%22%7D&start=\(start)&end=\(end)")
            #expect((found["data"] as? [[String: String]]) == [["__name__": "http_requests_total", "handler": "/", "job": "web"]])
            // Metric metadata for the editor's hints; exemplars (none kept) for the exemplar toggle.
            try await client.execute(uri: "/api/v1/metadata", method: .get) { r in
                let data = try json(r.body)["data"] as? [String: [[String: String]]]
                #expect(data?["http_requests_total"] == [["type": "counter", "help": "Requests served.", "unit": ""]])
            }
            let (exStatus, ex) = try await post(client, "/api/v1/query_exemplars", "query=http_requests_total&start=\(start)&end=\(end)")
            #expect(exStatus == .ok)
            #expect((ex["data"] as? [Any])?.isEmpty == true)
            // Version detection: a Prometheus version Grafana understands.
            try await client.execute(uri: "/api/v1/status/buildinfo", method: .get) { r in
                let version = (try json(r.body)["data"] as? [String: Any])?["version"] as? String
                #expect(version?.split(separator: ".").first.flatMap { Int($0) }.map { $0 >= 2 } == true)
            }
        }
    }
}
