import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Testing
@testable import Web

/// 2026-01-01T00:00:00Z in Unix nanoseconds, the OTLP time unit.
let otlpStart: UInt64 = 1_767_225_600_000_000_000
let protobufHeaders: HTTPFields = [.contentType: "application/x-protobuf"]
let jsonHeaders: HTTPFields = [.contentType: "application/json"]

func otlpBody(_ metrics: [OTLPEncoder.Metric], service: String = "shop") -> ByteBuffer {
    ByteBuffer(bytes: OTLPEncoder.encode([OTLPEncoder.Resource([("service.name", .string(service)), ("host.name", .string("h1"))],
                                                               scopes: [OTLPEncoder.Scope(metrics: metrics)])]))
}

/// The value of an instant PromQL query at `time` (Unix seconds), or nil when it has no result.
func queryValue(_ client: some TestClientProtocol, _ query: String, time: Int64 = 1_767_225_610) async throws -> Double? {
    let q = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    return try await client.execute(uri: "/api/v1/query?query=\(q)&time=\(time)", method: .get) { r in
        let data = try json(r.body)["data"] as? [String: Any]
        let result = data?["result"] as? [[String: Any]] ?? []
        guard let value = result.first?["value"] as? [Any], let text = value.last as? String else { return nil }
        return Double(text)
    }
}

@Suite struct OTLPWebTests {
    let t = otlpStart + 10_000_000_000

    @Test func protobufWriteIsQueryableWithPromQL() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            let body = otlpBody([
                .init("http.requests", .sum([.init([("method", .string("GET"))], start: otlpStart, time: t, value: .int(12))], temporality: 2, monotonic: true)),
                .init("http.duration", unit: "s", .histogram([.init(time: t, count: 4, sum: 2, bucketCounts: [1, 3], bounds: [0.5])], temporality: 2)),
            ])
            try await client.execute(uri: "/v1/metrics", method: .post, headers: protobufHeaders, body: body) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/x-protobuf")
                #expect(r.body.readableBytes == 0, "full success leaves partial_success unset")
            }
            #expect(try await queryValue(client, #"http_requests_total{job="shop",method="GET"}"#) == 12)
            #expect(try await queryValue(client, #"histogram_quantile(0.5, http_duration_seconds_bucket)"#) == 0.5)
            #expect(try await queryValue(client, #"target_info{host_name="h1"}"#) == 1)
        }
    }

    @Test func jsonAtEveryPathAnswersInJSON() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            for (i, path) in OTLPHandler.paths.enumerated() {
                let json = """
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"p\(i)"}}]},
                 "scopeMetrics":[{"metrics":[{"name":"temp","unit":"Cel","gauge":{"dataPoints":[{"timeUnixNano":"\(t)","asDouble":\(i).5}]}}]}]}]}
                """
                try await client.execute(uri: path, method: .post, headers: [.contentType: "application/json; charset=utf-8"],
                                         body: ByteBuffer(string: json)) { r in
                    #expect(r.status == .ok, "\(path)")
                    #expect(r.headers[.contentType] == "application/json")
                    #expect(String(buffer: r.body) == "{}")
                }
                #expect(try await queryValue(client, #"temp_celsius{job="p\#(i)"}"#) == Double(i) + 0.5)
            }
        }
    }

    @Test func partialSuccessCountsRefusedPoints() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        let future = UInt64(Date().timeIntervalSince1970 + 7 * 86_400) * 1_000_000_000
        let metrics: [OTLPEncoder.Metric] = [
            .init("native", .exponentialHistogram(times: [t, t])),
            .init("late", .gauge([.init(time: future, value: .int(1))])),
            .init("good", .gauge([.init(time: t, value: .int(1))])),
        ]
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/metrics", method: .post, headers: protobufHeaders, body: otlpBody(metrics)) { r in
                #expect(r.status == .ok)
                // ExportMetricsServiceResponse { partial_success (1) { rejected_data_points (1) = 3, error_message (2) } }
                let bytes = Array(r.body.readableBytesView)
                #expect(bytes.starts(with: [0x0A]))
                var i = 1
                while i < bytes.count && bytes[i] >= 0x80 { i += 1 }   // the length varint
                #expect(Array(bytes[(i + 1)...].prefix(2)) == [0x08, 3])
                #expect(String(decoding: bytes, as: UTF8.self).contains("exponential histograms are not supported"))
            }
            try await client.execute(uri: "/v1/metrics", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(string: #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"n","exponentialHistogram":{"dataPoints":[{}]}}]}]}]}"#)) { r in
                let partial = try json(r.body)["partialSuccess"] as? [String: Any]
                #expect(partial?["rejectedDataPoints"] as? String == "1")
                #expect((partial?["errorMessage"] as? String ?? "").contains("\"n\""))
            }
            #expect(try await queryValue(client, #"good{job="shop"}"#) == 1)
        }
    }

    @Test func badBodiesTooLargeAndWrongTypesAreRefusedAsTheSpecSays() async throws {
        var server = TestServer(); defer { server.cleanup() }
        server.config.limits.maxBodyBytes = 4096
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/metrics", method: .post, headers: protobufHeaders, body: ByteBuffer(bytes: [0x0A, 0x05, 0x01])) { r in
                #expect(r.status == .badRequest)
                #expect(r.headers[.contentType] == "application/x-protobuf")
                // google.rpc.Status { code (1) = 3, message (2) }
                let bytes = Array(r.body.readableBytesView)
                #expect(bytes.starts(with: [0x08, 0x03, 0x12]))
                #expect(String(decoding: bytes, as: UTF8.self).contains("cannot decode OTLP metrics"))
            }
            try await client.execute(uri: "/v1/metrics", method: .post, headers: jsonHeaders, body: ByteBuffer(string: "{nope")) { r in
                #expect(r.status == .badRequest)
                let doc = try json(r.body)
                #expect(doc["code"] as? Int == 3)
                #expect((doc["message"] as? String ?? "").contains("invalid JSON"))
            }
            try await client.execute(uri: "/v1/metrics", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "x")) { r in
                #expect(r.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/v1/metrics", method: .post, headers: protobufHeaders,
                                     body: ByteBuffer(bytes: [UInt8](repeating: 0, count: 10_000))) { r in
                #expect(r.status == .contentTooLarge)
            }
        }
    }

    @Test func gzipBodiesAndDecompressionLimit() async throws {
        var server = TestServer(); defer { server.cleanup() }
        server.config.limits.maxDecompressedBytes = 100_000
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            var plain = otlpBody([.init("zipped", .gauge([.init(time: t, value: .int(7))]))])
            let gz = try plain.compress(with: .gzip())
            var headers = protobufHeaders
            headers[.contentEncoding] = "gzip"
            try await client.execute(uri: "/v1/metrics", method: .post, headers: headers, body: gz) { r in
                #expect(r.status == .ok)
            }
            #expect(try await queryValue(client, "zipped") == 7)
            var zeros = ByteBuffer(bytes: [UInt8](repeating: 0, count: 1_000_000))
            try await client.execute(uri: "/v1/metrics", method: .post, headers: headers, body: try zeros.compress(with: .gzip())) { r in
                #expect(r.status == .contentTooLarge)
                #expect(r.headers[.contentType] == "application/x-protobuf")
            }
        }
    }
}
