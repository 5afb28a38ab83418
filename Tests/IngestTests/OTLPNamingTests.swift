@testable import Ingest
import Testing

/// Names as Prometheus 3's OTLP receiver makes them (cases from prometheus/otlptranslator's
/// metric namer tests, with `UnderscoreEscapingWithSuffixes`).
@Suite struct OTLPNamingTests {
    @Test(arguments: [
        ("simple_metric", "", OTLPNaming.MetricType.gauge, "simple_metric"),
        ("metric@@##$$name", "", .gauge, "metric_name"),
        ("123metric", "", .gauge, "_123metric"),
        ("requests", "", .monotonicCounter, "requests_total"),
        ("cpu_usage", "1", .gauge, "cpu_usage_ratio"),
        ("items", "1", .monotonicCounter, "items_total"),
        ("response_time", "ms", .gauge, "response_time_milliseconds"),
        ("memory_usage", "By", .gauge, "memory_usage_bytes"),
        ("requests", "1/s", .gauge, "requests_per_second"),
        ("throughput", "By/s", .gauge, "throughput_bytes_per_second"),
        ("custom_metric", "custom_unit", .gauge, "custom_metric_custom_unit"),
        ("custom_metric", "{custom}", .gauge, "custom_metric"),
        ("custom_metric", "By/{custom}", .gauge, "custom_metric_bytes"),
        ("requests_total", "", .monotonicCounter, "requests_total"),
        ("cpu_usage_ratio", "1", .gauge, "cpu_usage_ratio"),
        ("response_time_seconds", "s", .gauge, "response_time_seconds"),
        ("otelcol_process_cpu_seconds", "s", .monotonicCounter, "otelcol_process_cpu_seconds_total"),
        ("metric__with__multiple__underscores", "unit__multiple__underscores", .gauge,
         "metric_with_multiple_underscores_unit_multiple_underscores"),
        ("custom_metric", "unit@with#special/chars", .gauge, "custom_metric_unit_with_special_per_chars"),
        ("http.server.request.duration", "s", .histogram, "http_server_request_duration_seconds"),
        ("process.runtime.memory", "By", .nonMonotonicCounter, "process_runtime_memory_bytes"),
        ("total.requests", "", .monotonicCounter, "requests_total"),
        ("queue.length", "{item}", .nonMonotonicCounter, "queue_length"),
    ])
    func metricNames(name: String, unit: String, type: OTLPNaming.MetricType, expected: String) {
        #expect(OTLPNaming.metricName(Array(name.utf8)[...], unit: Array(unit.utf8)[...], type: type) == expected)
    }

    @Test func namesWithNothingLeftAreRefused() {
        #expect(OTLPNaming.metricName(Array("@#$%".utf8)[...], unit: [], type: .gauge) == nil)
        #expect(OTLPNaming.metricName([], unit: [], type: .gauge) == nil)
    }

    @Test(arguments: [
        ("http.method", "http_method"),
        ("123invalid", "key_123invalid"),
        ("_private", "key_private"),
        ("__reserved__", "__reserved__"),
        ("a..b", "a__b"),
        ("label with space", "label_with_space"),
        ("héllo", "h_llo"),
        ("plain_name", "plain_name"),
        ("日本", "__"),
    ])
    func labelNames(key: String, expected: String) {
        let got = Array(key.utf8).withUnsafeBytes { OTLPNaming.labelName($0) }
        if expected == "__" {
            #expect(got == nil, "a name of underscores only is refused")
        } else {
            #expect(got == expected)
        }
    }

    @Test func emptyLabelNameIsRefused() {
        #expect([UInt8]().withUnsafeBytes { OTLPNaming.labelName($0) } == nil)
        #expect(Array("...".utf8).withUnsafeBytes { OTLPNaming.labelName($0) } == nil)
    }

    /// Go's `strconv.FormatFloat(v, 'f', -1, 64)` and the JSON/JavaScript number form.
    @Test func numberTexts() {
        #expect(OTLPValueFormat.plain(0.005) == "0.005")
        #expect(OTLPValueFormat.plain(10) == "10")
        #expect(OTLPValueFormat.plain(2.5e-7) == "0.00000025")
        #expect(OTLPValueFormat.plain(1e21) == "1000000000000000000000")
        #expect(OTLPValueFormat.plain(-0.0) == "-0")
        #expect(OTLPValueFormat.plain(.infinity) == "+Inf")
        #expect(OTLPValueFormat.javaScript(1.5) == "1.5")
        #expect(OTLPValueFormat.javaScript(1e21) == "1e+21")
        #expect(OTLPValueFormat.javaScript(1.25e-7) == "1.25e-7")
        #expect(OTLPValueFormat.javaScript(123456789) == "123456789")
        #expect(OTLPValueFormat.javaScript(.nan) == nil)
    }

    @Test func nestedValuesRenderAsGoJSON() {
        let v = OTLPValueFormat.Nested.map([
            (Array("z".utf8), .array([.int(1), .string(Array("<a&b>".utf8)), .bool(true), .empty])),
            (Array("a".utf8), .double(0.5)),
            (Array("a".utf8), .bytes([1, 2, 3])),
        ])
        let text = OTLPValueFormat.json(v).map { String(decoding: $0, as: UTF8.self) }
        #expect(text == #"{"a":"AQID","z":[1,"\u003ca\u0026b\u003e",true,null]}"#)
        #expect(OTLPValueFormat.json(.array([.double(.infinity)])) == nil)
    }
}
