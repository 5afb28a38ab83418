import ArgumentParser
import Foundation
import Ingest
import TSDB

/// OTLP metrics decoding and translation beside remote-write decoding of the same series.
struct OTLPBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "otlp", abstract: "OTLP protobuf/JSON decode and translation vs remote-write decode, ns per sample.")

    @Option(help: "Metrics per request (each with --points points of 4 attributes).") var metrics = 40
    @Option(help: "Data points per metric.") var points = 100
    @Option(help: "Requests per run.") var requests = 20

    func run() throws {
        let body = OTLPEncoder.encode(request())
        let state = OTLPDeltaState()
        let translated = try OTLPTranslator.translate(try OTLPProtobufDecoder.decode(body), deltas: state, now: 1_767_225_600_000)
        let samples = translated.batch.sampleCount
        print("request: \(body.count) bytes, \(translated.pointCount) data points, \(samples) samples, \(translated.batch.entries.count) series")
        try measure("OTLP protobuf decode", items: requests * samples) {
            for _ in 0..<requests { blackHole(try OTLPProtobufDecoder.decode(body)) }
        }
        try measure("OTLP protobuf decode + translate", items: requests * samples) {
            for _ in 0..<requests {
                blackHole(try OTLPTranslator.translate(try OTLPProtobufDecoder.decode(body), deltas: state, now: 1_767_225_600_000))
            }
        }
        let remote = RemoteWriteEncoder.encode(translated.batch.entries.map { (labels: $0.labels, samples: $0.samples) })
        print("same series as remote-write: \(remote.count) bytes")
        try measure("remote-write decode (same series)", items: requests * samples) {
            for _ in 0..<requests { blackHole(try RemoteWriteDecoder.decode(body: remote)) }
        }
        let lines = influxBody()
        let fields = try InfluxLineParser.parse(lines).pointCount * 4
        print("Influx: \(lines.count) bytes, \(fields) fields")
        try measure("Influx parse + convert", items: requests * fields) {
            for _ in 0..<requests {
                blackHole(InfluxSeries.convert(try InfluxLineParser.parse(lines), precision: .nanoseconds, database: "db", now: 0))
            }
        }
    }

    /// One service's export: gauges, counters and histograms with HTTP-style attributes.
    func request() -> [OTLPEncoder.Resource] {
        let t0: UInt64 = 1_767_225_600_000_000_000
        let methods = ["GET", "POST", "PUT", "DELETE"]
        var list: [OTLPEncoder.Metric] = []
        for m in 0..<metrics {
            let attrs = { (p: Int) -> OTLPEncoder.Attributes in
                [("http.request.method", .string(methods[p % 4])), ("http.route", .string("/api/v1/items/\(p % 25)")),
                 ("http.response.status_code", .int(Int64(200 + p % 3))), ("server.address", .string("api.internal.example"))]
            }
            switch m % 4 {
            case 0, 1:
                list.append(.init("app.requests.\(m)", unit: "{request}", .sum((0..<points).map {
                    .init(attrs($0), start: t0, time: t0 + 10_000_000_000, value: .int(Int64($0)))
                }, temporality: 2, monotonic: true)))
            case 2:
                list.append(.init("app.memory.\(m)", unit: "By", .gauge((0..<points).map {
                    .init(attrs($0), time: t0 + 10_000_000_000, value: .double(Double($0) * 1.5))
                })))
            default:
                list.append(.init("app.duration.\(m)", unit: "s", .histogram((0..<points / 10).map {
                    .init(attrs($0), start: t0, time: t0 + 10_000_000_000, count: 100, sum: 12.5,
                          bucketCounts: [10, 20, 30, 20, 10, 5, 5, 0], bounds: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5])
                }, temporality: 2)))
            }
        }
        return [OTLPEncoder.Resource([("service.name", .string("api")), ("service.instance.id", .string("api-7f9c")),
                                      ("host.name", .string("node-12"))],
                                     scopes: [OTLPEncoder.Scope(name: "io.opentelemetry.http", version: "1.2.0", metrics: list)])]
    }

    /// Telegraf-style lines: 4 fields, 3 tags each.
    func influxBody() -> [UInt8] {
        var text = ""
        for i in 0..<(metrics * points) {
            text += "cpu,host=node-\(i % 50),cpu=cpu\(i % 8),region=eu-west usage_user=\(Double(i) * 0.5),usage_system=1.25,usage_idle=97i,online=true 1767225600\(String(format: "%09d", i))\n"
        }
        return Array(text.utf8)
    }
}
