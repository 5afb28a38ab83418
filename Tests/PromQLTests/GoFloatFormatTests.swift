import Testing
@testable import PromQL

@Suite struct GoFloatFormatTests {
    // Go's strconv.FormatFloat(v, 'f', -1, 64).
    @Test(arguments: [
        (1e21, "1000000000000000000000"), (0.1, "0.1"), (.nan, "NaN"), (.infinity, "+Inf"), (-.infinity, "-Inf"),
        (0, "0"), (-0.0, "-0"), (1, "1"), (-2.5, "-2.5"), (100, "100"), (123456789, "123456789"),
        (1e-7, "0.0000001"), (1.5e-5, "0.000015"), (5e-324, "0." + String(repeating: "0", count: 323) + "5"),
        (1.7976931348623157e308, "17976931348623157" + String(repeating: "0", count: 292)),
        (0.30000000000000004, "0.30000000000000004"), (1e15, "1000000000000000"), (1e16, "10000000000000000"),
        (123.456, "123.456"), (9007199254740993, "9007199254740992"),
    ])
    func formatF(value: Double, expected: String) {
        #expect(formatPromValue(value) == expected)
    }

    // Go's %g.
    @Test(arguments: [
        (0.5, "0.5"), (1e6, "1e+06"), (123456, "123456"), (1234567, "1.234567e+06"), (0.0001, "0.0001"),
        (0.00001, "1e-05"), (-0.1, "-0.1"), (1.01, "1.01"), (0, "0"), (.nan, "NaN"), (.infinity, "+Inf"),
        (-.infinity, "-Inf"), (1e21, "1e+21"), (100, "100"), (2.5e-7, "2.5e-07"), (1e100, "1e+100"),
    ])
    func formatG(value: Double, expected: String) {
        #expect(GoFloatFormat.formatG(value) == expected)
    }

    // Go's %.2g.
    @Test(arguments: [
        (10.0, "10"), (3, "3"), (1234, "1.2e+03"), (0.5, "0.5"), (0.000012345, "1.2e-05"), (99.5, "1e+02"),
        (0.125, "0.12"), (0, "0"), (1.25, "1.2"), (-7.77, "-7.8"),
    ])
    func formatG2(value: Double, expected: String) {
        #expect(GoFloatFormat.formatG(value, precision: 2) == expected)
    }

    // Prometheus's FormatOpenMetricsFloat (histogram_quantiles labels in histograms.test).
    @Test(arguments: [
        (0.0, "0.0"), (1, "1.0"), (-1, "-1.0"), (0.25, "0.25"), (-0.1, "-0.1"), (1.01, "1.01"), (.nan, "NaN"),
        (2, "2.0"), (1e6, "1e+06"), (.infinity, "+Inf"),
    ])
    func openMetrics(value: Double, expected: String) {
        #expect(GoFloatFormat.formatOpenMetrics(value) == expected)
    }

    @Test func quoting() {
        #expect(FunctionAnnotation.quote("a\"b\\c\n\t") == "\"a\\\"b\\\\c\\n\\t\"")
        #expect(FunctionAnnotation.quote("é ü") == "\"é ü\"")
        #expect(FunctionAnnotation.quote("\u{1}") == "\"\\x01\"")
        #expect(FunctionAnnotation.quote("\u{200B}") == "\"\\u200b\"")
    }

    @Test func positions() {
        #expect(FunctionAnnotation.position(ofScalarOffset: 5, in: "rate(foo[5m])") == "1:6")
        #expect(FunctionAnnotation.position(ofScalarOffset: 0, in: "x") == "1:1")
        #expect(FunctionAnnotation.position(ofScalarOffset: 3, in: "a\nbc") == "2:2")
        #expect(FunctionAnnotation.position(ofScalarOffset: 2, in: "é(x") == "1:4")
        #expect(FunctionAnnotation.position(ofScalarOffset: 0, in: "") == "unknown position")
    }

    /// Property: formatF output parses back to the same value and has no exponent.
    @Test func formatFRoundTrips() {
        var rng = FnSplitMix64(seed: 11)
        for _ in 0..<2000 {
            let v = Double(bitPattern: rng.next())
            if !v.isFinite { continue }
            let s = formatPromValue(v)
            #expect(!s.contains("e"))
            #expect(Double(s) == v, "\(v) -> \(s)")
            #expect(GoFloatFormat.parse(s) == v)
            #expect(Double(GoFloatFormat.formatG(v)) == v)
        }
    }
}
