import Ingest
import Testing
import TSDB

@Suite struct ExpositionParserTests {
    @Test func prometheusTextEveryType() throws {
        let text = """
        # HELP http_requests_total The total number of HTTP requests.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total{method="post",code="400"}    3 1395066363000

        # Escaping in label values:
        msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

        # Minimalistic line:
        metric_without_timestamp_and_labels 12.47

        # A weird metric from before the epoch:
        something_weird{problem="division by zero"} +Inf -3982045

        # TYPE go_gauge gauge
        go_gauge -Inf
        # TYPE nan_gauge untyped
        nan_gauge NaN
        # A histogram, which has a pretty complex representation in the text format:
        # HELP http_request_duration_seconds A histogram of the request duration.
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{le="0.05"} 24054
        http_request_duration_seconds_bucket{le="+Inf"} 144320
        http_request_duration_seconds_sum 53423
        http_request_duration_seconds_count 144320

        # HELP rpc_duration_seconds A summary of the RPC duration in seconds.
        # TYPE rpc_duration_seconds summary
        rpc_duration_seconds{quantile="0.5"} 4773
        rpc_duration_seconds_sum 1.7560473e+07
        rpc_duration_seconds_count 2693
        trailing_comma{a="b",} 1
        \ttabbed\t{ a = "b" }\t2\t
        """
        let out = try parseExposition(text, .prometheusText)
        #expect(out.samples == [
            ParsedSample(series: #"http_requests_total{method="post", code="200"}"#, value: 1027, timestamp: 1_395_066_363_000),
            ParsedSample(series: #"http_requests_total{method="post", code="400"}"#, value: 3, timestamp: 1_395_066_363_000),
            ParsedSample(series: "msdos_file_access_time_seconds{path=\"C:\\DIR\\FILE.TXT\", error=\"Cannot find file:\n\"FILE.TXT\"\"}", value: 1.458255915e9),
            ParsedSample(series: "metric_without_timestamp_and_labels", value: 12.47),
            ParsedSample(series: #"something_weird{problem="division by zero"}"#, value: .infinity, timestamp: -3_982_045),
            ParsedSample(series: "go_gauge", value: -.infinity),
            ParsedSample(series: "nan_gauge", value: .nan),
            ParsedSample(series: #"http_request_duration_seconds_bucket{le="0.05"}"#, value: 24054),
            ParsedSample(series: #"http_request_duration_seconds_bucket{le="+Inf"}"#, value: 144_320),
            ParsedSample(series: "http_request_duration_seconds_sum", value: 53423),
            ParsedSample(series: "http_request_duration_seconds_count", value: 144_320),
            ParsedSample(series: #"rpc_duration_seconds{quantile="0.5"}"#, value: 4773),
            ParsedSample(series: "rpc_duration_seconds_sum", value: 1.7560473e+07),
            ParsedSample(series: "rpc_duration_seconds_count", value: 2693),
            ParsedSample(series: #"trailing_comma{a="b"}"#, value: 1),
            ParsedSample(series: #"tabbed{a="b"}"#, value: 2),
        ])
        #expect(out.metadata["http_requests_total"] == MetricMetadata(type: "counter", help: "The total number of HTTP requests."))
        #expect(out.metadata["http_request_duration_seconds"]?.type == "histogram")
        #expect(out.metadata["rpc_duration_seconds"]?.type == "summary")
        #expect(out.metadata["go_gauge"]?.type == "gauge")
        #expect(out.metadata["nan_gauge"]?.type == "unknown")
    }

    @Test func helpEscapes() throws {
        let out = try parseExposition("# HELP m a \\\\ b \\n c \\\" d\nm 1\n", .prometheusText)
        #expect(out.metadata["m"]?.help == "a \\ b \n c \\\" d")
    }

    @Test func openMetricsEveryType() throws {
        let text = """
        # TYPE acme_http_router_request_seconds summary
        # UNIT acme_http_router_request_seconds seconds
        # HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
        acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
        acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
        acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
        # TYPE foo counter
        foo_total 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67
        foo_created 1520430000.123
        # TYPE hist histogram
        hist_bucket{le="0.01"} 0
        hist_bucket{le="+Inf"} 17 # {} 2 1520879607.7
        hist_count 17
        hist_sum 324789.3
        hist_created 1520430000.123
        # TYPE gh gaugehistogram
        gh_bucket{le="+Inf"} 3
        gh_gcount 3
        gh_gsum 2
        gh_created 1
        # TYPE build info
        build_info{version="1.2"} 1
        # TYPE state stateset
        state{state="a"} 1
        state{state="b"} 0
        # TYPE plain gauge
        plain NaN
        plain_created 5
        # TYPE other unknown
        other -Inf
        # EOF
        """
        let out = try parseExposition(text, .openMetrics)
        #expect(out.samples == [
            ParsedSample(series: #"acme_http_router_request_seconds_sum{path="/api/v1", method="GET"}"#, value: 9036.32),
            ParsedSample(series: #"acme_http_router_request_seconds_count{path="/api/v1", method="GET"}"#, value: 807_283),
            ParsedSample(series: "foo_total", value: 17, timestamp: 1_520_879_607_789),
            ParsedSample(series: #"hist_bucket{le="0.01"}"#, value: 0),
            ParsedSample(series: #"hist_bucket{le="+Inf"}"#, value: 17),
            ParsedSample(series: "hist_count", value: 17),
            ParsedSample(series: "hist_sum", value: 324_789.3),
            ParsedSample(series: #"gh_bucket{le="+Inf"}"#, value: 3),
            ParsedSample(series: "gh_gcount", value: 3),
            ParsedSample(series: "gh_gsum", value: 2),
            ParsedSample(series: #"build_info{version="1.2"}"#, value: 1),
            ParsedSample(series: #"state{state="a"}"#, value: 1),
            ParsedSample(series: #"state{state="b"}"#, value: 0),
            ParsedSample(series: "plain", value: .nan),
            // `_created` is only special for counters, histograms, summaries, gauge histograms.
            ParsedSample(series: "plain_created", value: 5),
            ParsedSample(series: "other", value: -.infinity),
        ])
        #expect(out.metadata["acme_http_router_request_seconds"] == MetricMetadata(
            type: "summary", help: "Latency though all of ACME's HTTP request router.", unit: "seconds"))
        #expect(out.metadata["gh"]?.type == "gaugehistogram")
        #expect(out.metadata["build"]?.type == "info")
        #expect(out.metadata["state"]?.type == "stateset")
    }

    @Test func quotedUTF8Names() throws {
        let text = """
        # HELP "my.metric" dotted
        # TYPE "my.metric" gauge
        {"my.metric", "label.with.dots"="a", b="c"} 1
        {"my.metric"} 2
        """
        let out = try parseExposition(text, .prometheusText)
        #expect(out.samples == [
            ParsedSample(series: #"my.metric{label.with.dots="a", b="c"}"#, value: 1),
            ParsedSample(series: "my.metric", value: 2),
        ])
        #expect(out.metadata["my.metric"] == MetricMetadata(type: "gauge", help: "dotted"))
        let om = try parseExposition("{\"a.b\",x=\"1\"} 3\n# EOF\n", .openMetrics)
        #expect(om.samples == [ParsedSample(series: #"a.b{x="1"}"#, value: 3)])
    }

    @Test func valuesAsGoParsesThem() throws {
        let cases: [(String, Double)] = [
            ("1", 1), ("-0.5", -0.5), (".5e-3", 0.0005), ("5.", 5), ("1E10", 1e10), ("0.1", 0.1),
            ("123456789012345678901234567890", 123_456_789_012_345_678_901_234_567_890.0),
            ("2.2250738585072014e-308", 2.2250738585072014e-308), ("1.7976931348623157e308", .greatestFiniteMagnitude),
            ("inf", .infinity), ("+Infinity", .infinity), ("-INF", -.infinity), ("nan", .nan), ("0.30000000000000004", 0.30000000000000004),
        ]
        for (text, want) in cases {
            let out = try parseExposition("m \(text)\n", .prometheusText)
            #expect(out.samples == [ParsedSample(series: "m", value: want)], "value \(text)")
        }
        for bad in ["0x10", "1_000", "1e", "--1", "+nan", "1.2.3", "abc", "1e400", "."] {
            #expect(expositionError("m \(bad)\n", .prometheusText)?.contains("invalid value") == true, "value \(bad)")
        }
    }

    @Test(arguments: [
        ("m{a=\"1\" 1\n", "line 1, column 9: expected \",\" or \"}\" in the label set, found \"1\""),
        ("m{a=1} 1\n", "line 1, column 5: expected a quoted label value, found \"1\""),
        ("m{a\"x\"} 1\n", "line 1, column 4: expected \"=\" after the label name, found \"\\\"\""),
        ("ok 1\nm{a=\"x} 1\n", "line 2, column 5: quoted string is not closed on its line"),
        ("m\n", "line 1, column 2: expected a space before the value, found end of line"),
        ("m 1 abc\n", "line 1, column 5: invalid timestamp \"abc\" (expected integer milliseconds)"),
        ("m 1 2 3\n", "line 1, column 7: unexpected \"3\" after the sample"),
        ("9m 1\n", "line 1, column 1: expected a metric name, found \"9\""),
        ("# TYPE m bogus\n", "line 1, column 10: unknown metric type \"bogus\""),
        ("# TYPE m gaugehistogram\n", "line 1, column 10: unknown metric type \"gaugehistogram\""),
        ("{a=\"b\"} 1\n", "line 1, column 1: metric name missing (a quoted name inside the braces or a name before them)"),
        ("m{\"a\", \"b\"} 1\n", "line 1, column 3: the metric is named twice"),
        ("{\"a\", \"b\"} 1\n", "line 1, column 7: the metric is named twice"),
        ("m{a=\"\u{FF}\"} 1\n", nil),
    ] as [(String, String?)])
    func prometheusTextErrors(input: String, message: String?) {
        #expect(expositionError(input, .prometheusText) == message)
    }

    @Test func invalidUTF8IsAnError() {
        var bytes = Array("m{a=\"".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array("\"} 1\n".utf8)
        let message = bytes.withUnsafeBytes { raw -> String? in
            var p = ExpositionParser(raw, format: .prometheusText)
            do {
                _ = try p.next()
                var labels: [Label] = []
                try p.labels(into: &labels)
                return nil
            } catch let error as IngestError {
                return error.message
            } catch {
                return "\(error)"
            }
        }
        #expect(message == "line 1, column 6: text is not valid UTF-8")
    }

    @Test(arguments: [
        ("m 1\n", "line 2, column 1: the input does not end with \"# EOF\""),
        ("m 1\n\n# EOF\n", "line 2, column 1: empty line (OpenMetrics allows none)"),
        ("# EOF\nm 1\n", "line 2, column 1: unexpected data after \"# EOF\""),
        ("# comment\n# EOF\n", "line 1, column 3: expected HELP, TYPE, UNIT or EOF after \"# \" (OpenMetrics has no free comments)"),
        ("m  1\n# EOF\n", "line 1, column 3: expected one space before the value, found two"),
        ("m{a=\"1\",} 1\n# EOF\n", "line 1, column 9: trailing comma in the label set (OpenMetrics allows none)"),
        ("m 1 # {a=\"b\"}\n# EOF\n", "line 1, column 14: expected a space before the exemplar's value, found end of line"),
        ("m 1 1 2\n# EOF\n", "line 1, column 7: expected an exemplar (\"# {…}\") after the timestamp, found \"2\""),
        ("m 1 NaN\n# EOF\n", "line 1, column 5: invalid timestamp (must be finite seconds)"),
        ("# UNIT m_bytes seconds\n# EOF\n", "line 1, column 16: unit is not a suffix of the metric family's name"),
        ("# TYPE m untyped\n# EOF\n", "line 1, column 10: unknown metric type \"untyped\""),
    ])
    func openMetricsErrors(input: String, message: String) {
        #expect(expositionError(input, .openMetrics) == message)
    }

    @Test func emptyAndCommentOnlyInputs() throws {
        #expect(try parseExposition("", .prometheusText).samples.isEmpty)
        #expect(try parseExposition("\n\n# just a comment\n   \n", .prometheusText).samples.isEmpty)
        #expect(try parseExposition("# EOF", .openMetrics).samples.isEmpty)
        #expect(expositionError("", .openMetrics) == "line 1, column 1: the input does not end with \"# EOF\"")
    }

    @Test func seriesKeyIsTheRawText() throws {
        let bytes = Array("a{x=\"1\"} 5\nb 6 7\n".utf8)
        let keys = try bytes.withUnsafeBytes { raw -> [String] in
            var p = ExpositionParser(raw, format: .prometheusText)
            var keys: [String] = []
            while try p.next() != nil { keys.append(String(decoding: p.seriesKey, as: UTF8.self)) }
            return keys
        }
        #expect(keys == ["a{x=\"1\"}", "b"])
    }

    @Test func oversizedLabelSetsAreRefused() {
        let many = (0...ExpositionParser.maxLabelsPerLine).map { "l\($0)=\"v\"" }.joined(separator: ",")
        let message = expositionError("m{\(many)} 1\n", .prometheusText)
        #expect(message?.contains("more than \(ExpositionParser.maxLabelsPerLine) labels") == true)
    }

    @Test func contentTypes() {
        #expect(ExpositionFormat(contentType: "text/plain; version=0.0.4; charset=utf-8") == .prometheusText)
        #expect(ExpositionFormat(contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8") == .openMetrics)
        #expect(ExpositionFormat(contentType: "text/html") == nil)
        #expect(ExpositionFormat(contentType: nil) == nil)
        #expect(ScrapeProtocol.acceptHeader(ScrapeProtocol.defaults) ==
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2")
    }
}
