import Foundation
import Testing

/// Runs a Python script; nil (with a printed note) when `modules` cannot be imported.
func runPython(_ script: String, _ args: [String], needs modules: [String], install: String) throws -> String? {
    let check = Process()
    check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    check.arguments = ["python3", "-c", modules.map { "import \($0)" }.joined(separator: "; ")]
    check.standardOutput = FileHandle.nullDevice
    check.standardError = FileHandle.nullDevice
    do { try check.run() } catch {
        print("skipped: python3 not found (\(install))")
        return nil
    }
    check.waitUntilExit()
    guard check.terminationStatus == 0 else {
        print("skipped: \(install)")
        return nil
    }
    let file = NSTemporaryDirectory() + "sextant-\(UUID().uuidString).py"
    try script.write(toFile: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: file) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", file] + args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard p.terminationStatus == 0 else { throw TestFailure("python exited \(p.terminationStatus):\n\(text)") }
    return text
}

/// The value of an instant PromQL query against a running server (at its current time).
func queryValue(_ server: ServerProcess, _ query: String) async throws -> Double? {
    let (data, status) = try await server.get("/api/v1/query", query: ["query": query])
    guard status == 200, let doc = try JSONSerialization.jsonObject(with: data) as? [String: Any],
          let result = (doc["data"] as? [String: Any])?["result"] as? [[String: Any]],
          let value = result.first?["value"] as? [Any], let text = value.last as? String else { return nil }
    return Double(text)
}

/// The OpenTelemetry Python SDK and its OTLP/HTTP exporters (protobuf, gzip, JSON) sending to
/// the real server, with cumulative and delta temporality; the data is read back with PromQL.
@Suite(.serialized) struct OTLPEndToEndTests {
    static let install = "pip install opentelemetry-sdk==1.45.1 opentelemetry-exporter-otlp-proto-http==1.45.1 opentelemetry-exporter-otlp-json-http==0.66b1"

    /// Records the same values in two exports; prints nothing on success.
    static let script = #"""
    import sys
    from opentelemetry.metrics import Observation
    from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider, ObservableGauge, UpDownCounter
    from opentelemetry.sdk.metrics.export import AggregationTemporality, MetricExportResult, PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource

    endpoint, mode, temporality = sys.argv[1:4]
    kwargs = {}
    if mode == "json":
        from opentelemetry.exporter.otlp.json.http.metric_exporter import OTLPMetricExporter
    else:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        if mode == "gzip":
            from opentelemetry.exporter.otlp.proto.http import Compression
            kwargs["compression"] = Compression.Gzip
    t = AggregationTemporality.DELTA if temporality == "delta" else AggregationTemporality.CUMULATIVE
    preferred = {Counter: t, Histogram: t, UpDownCounter: AggregationTemporality.CUMULATIVE,
                 ObservableGauge: AggregationTemporality.CUMULATIVE}
    exporter = OTLPMetricExporter(endpoint=endpoint, preferred_temporality=preferred, **kwargs)

    results = []
    export = exporter.export
    def checked(*a, **k):
        r = export(*a, **k)
        results.append(r)
        return r
    exporter.export = checked

    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
    resource = Resource.create({"service.name": f"{mode}-{temporality}", "service.namespace": "e2e",
                                "service.instance.id": "i-1", "host.name": "box-1"})
    provider = MeterProvider(resource=resource, metric_readers=[reader])
    meter = provider.get_meter("sextant.e2e", "1.0")
    orders = meter.create_counter("orders", unit="{order}")
    stock = meter.create_up_down_counter("stock.items", unit="{item}")
    latency = meter.create_histogram("checkout.duration", unit="s")
    meter.create_observable_gauge("cpu.utilization", unit="1",
                                  callbacks=[lambda options: [Observation(0.75, {"core": "0"})]])

    orders.add(3, {"payment.method": "card"})
    stock.add(10)
    stock.add(-4)
    for v in (0.2, 0.7, 3.0):
        latency.record(v)
    provider.force_flush()
    orders.add(2, {"payment.method": "card"})
    latency.record(0.1)
    provider.force_flush()
    provider.shutdown()
    if len(results) < 2 or any(r != MetricExportResult.SUCCESS for r in results):
        sys.exit(f"export failed: {results}")
    """#

    @Test func sdkExportsAreQueryable() async throws {
        let dir = NSTemporaryDirectory() + "sextant-otlp-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try ServerProcess(data: dir, port: ServerProcess.freePort())
        defer { server.stop() }
        try await server.waitReady()
        let runs = [("proto", "cumulative", "/v1/metrics"), ("proto", "delta", "/api/v1/otlp/v1/metrics"),
                    ("gzip", "delta", "/opentelemetry/v1/metrics"), ("json", "cumulative", "/v1/metrics"), ("json", "delta", "/v1/metrics")]
        for (mode, temporality, path) in runs {
            let modules = mode == "json" ? ["opentelemetry.exporter.otlp.json.http"] : ["opentelemetry.exporter.otlp.proto.http"]
            guard let output = try runPython(Self.script, [server.base + path, mode, temporality],
                                             needs: ["opentelemetry.sdk"] + modules, install: Self.install) else { return }
            #expect(!output.contains("Traceback"), "\(output)")
            let job = #"job="e2e/\#(mode)-\#(temporality)",instance="i-1""#
            let scope = #"otel_scope_name="sextant.e2e",otel_scope_version="1.0""#
            let run = "\(mode) \(temporality)"
            #expect(try await queryValue(server, #"orders_total{\#(job),\#(scope),payment_method="card"}"#) == 5, "\(run)")
            #expect(try await queryValue(server, #"stock_items{\#(job)}"#) == 6, "\(run)")
            #expect(try await queryValue(server, #"checkout_duration_seconds_count{\#(job)}"#) == 4, "\(run)")
            #expect(try await queryValue(server, #"checkout_duration_seconds_sum{\#(job)}"#) == 4, "\(run)")
            #expect(try await queryValue(server, #"checkout_duration_seconds_bucket{\#(job),le="5"}"#) == 4, "\(run)")
            #expect(try await queryValue(server, #"checkout_duration_seconds_bucket{\#(job),le="0"}"#) == 0, "\(run)")
            #expect(try await queryValue(server, #"cpu_utilization_ratio{\#(job),core="0"}"#) == 0.75, "\(run)")
            #expect(try await queryValue(server, #"target_info{\#(job),host_name="box-1",telemetry_sdk_language="python"}"#) == 1, "\(run)")
        }
    }
}
