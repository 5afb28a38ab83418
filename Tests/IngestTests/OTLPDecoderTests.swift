@testable import Ingest
import Testing
import TSDB

@Suite struct OTLPDecoderTests {
    /// The same request in proto3 JSON as protobuf's JSON mapping writes it (lowerCamelCase,
    /// 64-bit integers as strings, enums as names) and as protobuf: the same series.
    @Test func jsonAndProtobufGiveTheSameSeries() throws {
        let json = """
        {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}},
          {"key":"host.name","value":{"stringValue":"h1"}}]},
          "scopeMetrics":[{"scope":{"name":"lib","version":"2"},"metrics":[
            {"name":"reqs","unit":"1","sum":{"dataPoints":[{"attributes":[{"key":"code","value":{"intValue":"200"}}],
              "startTimeUnixNano":"1767225600000000000","timeUnixNano":"1767225610000000000","asInt":"9"}],
              "aggregationTemporality":"AGGREGATION_TEMPORALITY_CUMULATIVE","isMonotonic":true}},
            {"name":"lat","unit":"ms","histogram":{"dataPoints":[{"timeUnixNano":"1767225610000000000","count":"3","sum":12.5,
              "bucketCounts":["1","2"],"explicitBounds":[10]}],"aggregationTemporality":2}}]}]}]}
        """
        let fromJSON = try translateJSON(json)
        let fromProtobuf = try translate([E.Resource([("service.name", .string("shop")), ("host.name", .string("h1"))], scopes: [
            E.Scope(name: "lib", version: "2", metrics: [
                E.Metric("reqs", unit: "1", .sum([E.NumberPoint([("code", .int(200))], start: otlpT0, time: otlpT0 + 10_000_000_000, value: .int(9))],
                                                 temporality: 2, monotonic: true)),
                E.Metric("lat", unit: "ms", .histogram([E.HistogramPoint(time: otlpT0 + 10_000_000_000, count: 3, sum: 12.5,
                                                                          bucketCounts: [1, 2], bounds: [10])], temporality: 2)),
            ]),
        ])])
        #expect(fromJSON.series == fromProtobuf.series)
        #expect(fromJSON.value(#"reqs_total{code="200", job="shop", otel_scope_name="lib", otel_scope_version="2"}"#) == 9)
        #expect(fromJSON.value(#"lat_milliseconds_bucket{job="shop", le="10", otel_scope_name="lib", otel_scope_version="2"}"#) == 1)
        #expect(fromJSON.series.keys.contains(#"target_info{host_name="h1", job="shop"}"#))
    }

    @Test func jsonAcceptsOriginalNamesNumbersNullsAndEscapes() throws {
        let json = #"""
        {"resource_metrics":[{"resource":null,"unknownField":{"deep":[1,2,{"x":null}]},"scope_metrics":[{"metrics":[
          {"name":"caf\u00e9.temp","gauge":{"data_points":[
            {"time_unix_nano":1767225610000000000,"as_double":"NaN","attributes":[
              {"key":"emoji","value":{"string_value":"\ud83d\ude00 \"q\""}},
              {"key":"raw","value":{"bytes_value":"3q0"}},
              {"key":"d","value":{"double_value":"Infinity"}},
              {"key":"nested","value":{"kvlist_value":{"values":[{"key":"b","value":{"array_value":{"values":[{"int_value":1e2}]}}}]}}}]},
            {"time_unix_nano":"1767225620000000000","as_double":1.5e0,"flags":1,
             "exemplars":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174","asDouble":1}]}]}}]}]}]}
        """#
        let r = try translateJSON(json)
        let entries = r.translation.batch.entries
        #expect(entries.count == 2)
        let first = Labels(entries[0].labels)
        #expect(first.metricName == "caf_temp")
        #expect(first["emoji"] == "😀 \"q\"")
        #expect(first["raw"] == "3q0=")
        #expect(first["d"] == "json: unsupported value: +Inf")
        #expect(first["nested"] == #"{"b":[100]}"#)
        #expect(entries[0].samples.first?.v.isNaN == true)
        #expect(entries[1].samples.first?.v.isStaleMarker == true)
        #expect(entries[1].samples.first?.t == otlpNow + 20_000)
    }

    @Test(arguments: [
        (#"{"resourceMetrics":[}"#, "invalid JSON"),
        (#"{"resourceMetrics":[]} x"#, "after the JSON value"),
        (#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"asInt":"12.5"}]}}]}]}]}"#, #""asInt" must be a 64-bit integer"#),
        (#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":3}]}]}]}"#, #""name" must be a string"#),
        (#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"isMonotonic":"yes"}}]}]}]}"#, "true or false"),
        (#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"exemplars":[{"traceId":"xyz"}]}]}}]}]}]}"#, "32 hex digits"),
        (#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"timeUnixNano":"-5"}]}}]}]}]}"#, "unsigned 64-bit"),
        (#"{"a":"\x"}"#, "invalid escape"),
        (#"{"a":01}"#, "leading zero"),
        (#"{"a":"# + String(repeating: "[", count: 100), "nested deeper"),
    ])
    func badJSONIsNamed(json: String, expected: String) {
        do throws(IngestError) {
            _ = try OTLPJSONDecoder.decode(Array(json.utf8))
            Issue.record("expected an error for \(json)")
        } catch {
            #expect(error.code == .badSyntax)
            #expect(error.description.contains(expected), "\(error)")
            #expect(error.offset != nil)
        }
    }

    @Test func protobufErrorsNameTheMessageAndOffset() throws {
        let good = E.encode(resource([E.Metric("m", .gauge([E.NumberPoint(time: otlpT0, value: .int(1))]))]))
        #expect(throws: IngestError.self) { _ = try OTLPProtobufDecoder.decode(Array(good.dropLast(3))) }
        // The second metric's name sent as a varint.
        var scope: [UInt8] = []
        E.message(2, [0x0A, 0x01, 0x61], into: &scope)
        E.message(2, [0x08, 0x01], into: &scope)
        var rm: [UInt8] = []
        E.message(2, scope, into: &rm)
        var body: [UInt8] = []
        E.message(1, rm, into: &body)
        do throws(IngestError) {
            _ = try OTLPProtobufDecoder.decode(body)
            Issue.record("wrong wire type accepted")
        } catch {
            #expect(error.code == .badProtobuf)
            #expect(error.message == "resource_metrics[0].scope_metrics[0].metrics[1]: Metric.name (field 1) has wire type varint, expected length-delimited")
            #expect(error.offset == 11)
        }
        // Field 1 of the request as a varint instead of a message.
        do throws(IngestError) {
            _ = try OTLPProtobufDecoder.decode([0x08, 0x01])
            Issue.record("wrong wire type accepted")
        } catch {
            #expect(error.message.contains("wire type varint"))
            #expect(error.offset == 0)
        }
        #expect(try OTLPProtobufDecoder.decode([]).dataPointCount == 0)
    }

    @Test func unknownFieldsAndUnpackedRepeatedValuesAreRead() throws {
        // A histogram point with bucket counts and bounds sent unpacked (one key per value),
        // an unknown varint field and an unknown group.
        var point: [UInt8] = []
        E.fixed64(3, otlpT0, into: &point)
        E.fixed64(4, 3, into: &point)
        E.fixed64(6, 1, into: &point)
        E.fixed64(6, 2, into: &point)
        E.fixed64(7, 5.0.bitPattern, into: &point)
        E.varint(99, 7, into: &point)
        point += [0xA3, 0x06, 0x08, 0x01, 0xA4, 0x06]   // group 100 { field 1 = 1 }
        var hist: [UInt8] = []
        E.message(1, point, into: &hist)
        E.varint(2, 2, into: &hist)
        var metric: [UInt8] = []
        E.string(1, "h", into: &metric)
        E.message(9, hist, into: &metric)
        var scope: [UInt8] = []
        E.message(2, metric, into: &scope)
        var rm: [UInt8] = []
        E.message(2, scope, into: &rm)
        var body: [UInt8] = []
        E.message(1, rm, into: &body)
        let data = try OTLPProtobufDecoder.decode(body)
        let r = Translated(try OTLPTranslator.translate(data, deltas: OTLPDeltaState(), now: otlpNow))
        #expect(r.value(#"h_bucket{le="5"}"#) == 1)
        #expect(r.value(#"h_bucket{le="+Inf"}"#) == 3)
    }

    @Test func requestWideLimitsRefuseWholeRequests() {
        var limits = RemoteWriteLimits()
        limits.maxSamples = 2
        let body = E.encode(resource([E.Metric("m", .gauge((0..<3).map { E.NumberPoint([("a", .string("b"))], time: otlpT0 + UInt64($0), value: .int(1)) }))]))
        #expect(throws: IngestError.self) { _ = try OTLPProtobufDecoder.decode(body, limits: limits) }
        limits = RemoteWriteLimits()
        limits.maxLabelPairs = 1
        #expect(throws: IngestError.self) { _ = try OTLPProtobufDecoder.decode(body, limits: limits) }
    }
}
