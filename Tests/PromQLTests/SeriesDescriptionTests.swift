import Testing
import TSDB
@testable import PromQL

@Suite struct SeriesDescriptionTests {
    private func values(_ line: String) throws -> [String] {
        try PromQLParser.parseSeriesDescription(line).values.map { v in
            guard let v else { return "_" }
            return v.isStaleMarker ? "stale" : GoFloatFormat.formatF(v)
        }
    }

    @Test func expansions() throws {
        let d = try PromQLParser.parseSeriesDescription("metric{a=\"b\"} 0+10x5 _ stale 1 2 -3x2 1e3")
        #expect(d.labels == Labels(["__name__": "metric", "a": "b"]))
        #expect(!d.isNativeHistogram)
        #expect(try values("metric{a=\"b\"} 0+10x5 _ stale 1 2 -3x2 1e3") ==
            ["0", "10", "20", "30", "40", "50", "_", "stale", "1", "2", "-3", "-3", "-3", "1000"])
        #expect(try values("m 1-1x3") == ["1", "0", "-1", "-2"])
        #expect(try values("m -1+0.5x2") == ["-1", "-0.5", "0"])
        #expect(try values("m _x3 5x0") == ["_", "_", "_", "5"])
        #expect(try values("m Inf -Inf NaN") == ["+Inf", "-Inf", "NaN"])
        #expect(try values("m") == [])
        #expect(try values("m   1   2  ") == ["1", "2"])
    }

    @Test func labels() throws {
        #expect(try PromQLParser.parseSeriesDescription("{__name__=\"x\", job='a'} 1").labels == Labels(["__name__": "x", "job": "a"]))
        #expect(try PromQLParser.parseSeriesDescription("{\"my.metric\", \"a.b\"=\"c\"} 1").labels ==
            Labels(["__name__": "my.metric", "a.b": "c"]))
        #expect(try PromQLParser.parseSeriesDescription("x:y{a=\"b\\n\"} 1").labels == Labels(["__name__": "x:y", "a": "b\n"]))
        #expect(try PromQLParser.parseSeriesDescription("sum{} 1").labels == Labels(["__name__": "sum"]))
    }

    @Test func nativeHistogramsAreFlagged() throws {
        let d = try PromQLParser.parseSeriesDescription("h {{schema:0 sum:1 count:1 buckets:[1]}}x3 _")
        #expect(d.isNativeHistogram)
        #expect(d.values.isEmpty)
        #expect(try PromQLParser.parseSeriesDescription("h 1 2 {{sum:1 count:1}}").isNativeHistogram)
    }

    @Test(arguments: ["m 1+2", "m 1x", "m 1xa", "m foo", "m 1,2", "m{a=b} 1", "m{a=\"b\" 1", "m{1=\"b\"} 1",
                      "1 2 3", "m 1 +", "m 1.2.3", "m staleness", "m 1_"])
    func malformed(_ line: String) {
        #expect(throws: PromQLError.self) { try PromQLParser.parseSeriesDescription(line) }
    }
}
