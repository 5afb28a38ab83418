import Testing
import TSDB
@testable import PromQL

/// Range functions (rate & co.). Expected values come from Prometheus's
/// /work/shared/conformance/promql/functions.test; each case names its script case.
@Suite struct RangeFunctionTests {
    // functions.test: "Tests for resets()" (load 5m, eval at 50m).
    @Test func resetsFromScript() {
        let foo = fnLoad("1 2 3 0 1 0 0 1 2 0", step: 5 * fnMinute)
        let bar = fnLoad("1 2 3 4 5 1 2 3 4 5", step: 5 * fnMinute)
        let biz = fnLoad("0 0 0 0 0 1 1 1 1 1", step: 5 * fnMinute)
        func r(_ s: [Sample], _ range: Int64) -> Double? {
            RangeFunctions.resets(fnWindow(s, at: 50 * fnMinute, range: range).samples)
        }
        #expect(r(foo, 5 * fnMinute) == nil)
        #expect(r(foo, 10 * fnMinute) == 0)
        #expect(r(foo, 600 * fnSec) == 0)
        #expect(r(foo, 20 * fnMinute) == 1 && r(bar, 20 * fnMinute) == 0)
        #expect(r(foo, 30 * fnMinute) == 1)
        #expect(r(foo, 32 * fnMinute) == 2 && r(bar, 32 * fnMinute) == 1 && r(biz, 32 * fnMinute) == 0)
        #expect(r(foo, 50 * fnMinute) == 3 && r(bar, 50 * fnMinute) == 1 && r(biz, 50 * fnMinute) == 0)
    }

    // functions.test: "Tests for changes()".
    @Test func changesFromScript() {
        let foo = fnLoad("1 2 3 0 1 0 0 1 2 0", step: 5 * fnMinute)
        let bar = fnLoad("1 2 3 4 5 1 2 3 4 5", step: 5 * fnMinute)
        let biz = fnLoad("0 0 0 0 0 1 1 1 1 1", step: 5 * fnMinute)
        func c(_ s: [Sample], _ range: Int64) -> Double? {
            RangeFunctions.changes(fnWindow(s, at: 50 * fnMinute, range: range).samples)
        }
        #expect(c(foo, 5 * fnMinute) == nil)
        #expect(c(foo, 6 * fnMinute) == 0 && c(bar, 6 * fnMinute) == 0)
        #expect(c(foo, 20 * fnMinute) == 2 && c(bar, 20 * fnMinute) == 2 && c(biz, 20 * fnMinute) == 0)
        #expect(c(foo, 30 * fnMinute) == 3 && c(bar, 30 * fnMinute) == 4 && c(biz, 30 * fnMinute) == 0)
        #expect(c(foo, 50 * fnMinute) == 7 && c(bar, 50 * fnMinute) == 8 && c(biz, 50 * fnMinute) == 1)
        // x{a="b"} NaN NaN NaN / x{a="c"} 0 NaN 0, changes(x[20m]) at 15m.
        let allNaN = fnLoad("NaN NaN NaN", step: 5 * fnMinute)
        let mixed = fnLoad("0 NaN 0", step: 5 * fnMinute)
        #expect(RangeFunctions.changes(fnWindow(allNaN, at: 15 * fnMinute, range: 20 * fnMinute).samples) == 0)
        #expect(RangeFunctions.changes(fnWindow(mixed, at: 15 * fnMinute, range: 20 * fnMinute).samples) == 2)
    }

    // functions.test: "Tests for increase()" including the zero-point extrapolation comment.
    @Test(arguments: [
        ("0+10x10", 50, 100.0), ("0+18x5 0+18x5", 50, 160), ("10+10x10", 50, 100), ("1+10x10", 50, 100),
        ("0+10x10", 100, 100), ("0+18x5 0+18x5", 100, 162), ("10+10x10", 100, 105), ("1+10x10", 100, 101),
    ])
    func increaseFromScript(series: String, rangeMinutes: Int64, expected: Double) {
        let w = fnWindow(fnLoad(series, step: 5 * fnMinute), at: 50 * fnMinute, range: rangeMinutes * fnMinute)
        #expect(fnClose(RangeFunctions.increase(w.samples, rangeStart: w.start, rangeEnd: w.end), expected))
    }

    // functions.test: "Test for increase() with counter reset" (0 1 2 3 2 3 4 → 7).
    @Test func increaseWithReset() {
        let w = fnWindow(fnLoad("0 1 2 3 2 3 4", step: 5 * fnMinute), at: 30 * fnMinute, range: 30 * fnMinute)
        #expect(fnClose(RangeFunctions.increase(w.samples, rangeStart: w.start, rangeEnd: w.end), 7))
    }

    // functions.test: "Tests for rate()".
    @Test func rateFromScript() {
        var w = fnWindow(fnLoad("0+27x4 0+27x5", step: 5 * fnMinute), at: 50 * fnMinute, range: 50 * fnMinute)
        #expect(fnClose(RangeFunctions.rate(w.samples, rangeStart: w.start, rangeEnd: w.end), 0.08))
        let resetEnd = fnLoad("0+10x9 0 10", step: 5 * fnMinute)
        w = fnWindow(resetEnd, at: 50 * fnMinute, range: 5 * fnMinute)
        #expect(RangeFunctions.rate(w.samples, rangeStart: w.start, rangeEnd: w.end) == nil)
        w = fnWindow(resetEnd, at: 50 * fnMinute, range: 6 * fnMinute)
        #expect(RangeFunctions.rate(w.samples, rangeStart: w.start, rangeEnd: w.end) == 0)
        w = fnWindow(fnLoad("0+80x10", step: 5 * fnMinute), at: 50 * fnMinute, range: 50 * fnMinute)
        #expect(fnClose(RangeFunctions.rate(w.samples, rangeStart: w.start, rangeEnd: w.end), 0.26666666666666666))
        // rate(calculate_rate_offset_total[10m] offset 5m)
        w = fnWindow(fnLoad("0+10x10", step: 5 * fnMinute), at: 50 * fnMinute, range: 10 * fnMinute, offset: 5 * fnMinute)
        #expect(fnClose(RangeFunctions.rate(w.samples, rangeStart: w.start, rangeEnd: w.end), 0.03333333333333333))
        w = fnWindow(fnLoad("0+20x10", step: 5 * fnMinute), at: 50 * fnMinute, range: 10 * fnMinute, offset: 5 * fnMinute)
        #expect(fnClose(RangeFunctions.rate(w.samples, rangeStart: w.start, rangeEnd: w.end), 0.06666666666666667))
    }

    // functions.test: testcounter_zero_cutoff_total (load 4m), rate(...[20m]) at 10m and 50m.
    @Test(arguments: [(0, 0.5), (60, 0.55), (120, 0.6), (180, 0.6), (240, 0.6), (300, 0.6)])
    func zeroCutoff(start: Double, expectedAt10m: Double) {
        let series = fnLoad("\(start)+240x10", step: 4 * fnMinute)
        var w = fnWindow(series, at: 10 * fnMinute, range: 20 * fnMinute)
        #expect(fnClose(RangeFunctions.rate(w.samples, rangeStart: w.start, rangeEnd: w.end), expectedAt10m))
        w = fnWindow(series, at: 50 * fnMinute, range: 20 * fnMinute)
        #expect(fnClose(RangeFunctions.rate(w.samples, rangeStart: w.start, rangeEnd: w.end), 0.6))
    }

    // functions.test: "Tests for irate()".
    @Test func irateFromScript() {
        let foo = fnLoad("0+10x10", step: 5 * fnMinute)
        let bar = fnLoad("0+10x5 0+10x5", step: 5 * fnMinute)
        #expect(fnClose(RangeFunctions.irate(fnWindow(foo, at: 50 * fnMinute, range: 50 * fnMinute).samples), 0.03333333333333333))
        #expect(fnClose(RangeFunctions.irate(fnWindow(bar, at: 50 * fnMinute, range: 50 * fnMinute).samples), 0.03333333333333333))
        #expect(fnClose(RangeFunctions.irate(fnWindow(foo, at: 30 * fnMinute, range: 50 * fnMinute).samples), 0.03333333333333333))
        #expect(RangeFunctions.irate(fnWindow(bar, at: 30 * fnMinute, range: 50 * fnMinute).samples) == 0)
        // irate(http_requests_nan[15m1s]) from 0 to 20m step 5m: _ NaN NaN NaN 0.02
        let nanSeries = fnLoad("1 NaN NaN 5 11", step: 5 * fnMinute)
        let expected: [Double?] = [nil, .nan, .nan, .nan, 0.02]
        for (i, e) in expected.enumerated() {
            let got = RangeFunctions.irate(fnWindow(nanSeries, at: Int64(i) * 5 * fnMinute, range: 15 * fnMinute + fnSec).samples)
            #expect(fnClose(got, e), "step \(i)")
        }
    }

    // functions.test: "Tests for delta()" and "Tests for idelta()".
    @Test func deltaAndIdeltaFromScript() {
        let up = fnLoad("0 50 100 150 200", step: 5 * fnMinute)
        let down = fnLoad("200 150 100 50 0", step: 5 * fnMinute)
        var w = fnWindow(up, at: 20 * fnMinute, range: 20 * fnMinute)
        #expect(fnClose(RangeFunctions.delta(w.samples, rangeStart: w.start, rangeEnd: w.end), 200))
        w = fnWindow(down, at: 20 * fnMinute, range: 20 * fnMinute)
        #expect(fnClose(RangeFunctions.delta(w.samples, rangeStart: w.start, rangeEnd: w.end), -200))

        #expect(RangeFunctions.idelta(fnWindow(fnLoad("0 50 100 150", step: 5 * fnMinute), at: 20 * fnMinute, range: 20 * fnMinute).samples) == 50)
        #expect(RangeFunctions.idelta(fnWindow(fnLoad("0 50 100 50", step: 5 * fnMinute), at: 20 * fnMinute, range: 20 * fnMinute).samples) == -50)
        let nanSeries = fnLoad("1 NaN NaN 5 11", step: 5 * fnMinute)
        let expected: [Double?] = [nil, .nan, .nan, .nan, 6]
        for (i, e) in expected.enumerated() {
            #expect(fnClose(RangeFunctions.idelta(fnWindow(nanSeries, at: Int64(i) * 5 * fnMinute, range: 15 * fnMinute + fnSec).samples), e))
        }
    }

    // functions.test: "Tests for deriv() and predict_linear()".
    @Test func derivAndPredictLinearFromScript() {
        let resetMiddle = fnLoad("0+10x4 0+10x5", step: 5 * fnMinute)
        let canary = fnLoad("0+80x10", step: 5 * fnMinute)
        let inf = fnLoad("-Inf 0+80x10 Inf", step: 5 * fnMinute)
        #expect(fnClose(RangeFunctions.deriv(fnWindow(canary, at: 50 * fnMinute, range: 50 * fnMinute).samples), 0.26666666666666666))
        #expect(fnClose(RangeFunctions.deriv(fnWindow(resetMiddle, at: 50 * fnMinute, range: 100 * fnMinute).samples), 0.010606060606060607))
        #expect(fnClose(RangeFunctions.deriv(fnWindow(inf, at: 100 * fnMinute, range: 100 * fnMinute).samples), .nan))

        func predict(at: Int64, windowEnd: Int64, range: Int64, seconds: Double) -> Double? {
            let w = fnWindow(resetMiddle, at: windowEnd, range: range)
            return RangeFunctions.predictLinear(w.samples, seconds: seconds, evaluationTime: at)
        }
        #expect(fnClose(predict(at: 50 * fnMinute, windowEnd: 50 * fnMinute, range: 50 * fnMinute, seconds: 3600), 70))
        // predict_linear(testcounter_reset_middle_total[55m] @ 3000, 3600) at 50m, 10m, 70m.
        #expect(fnClose(predict(at: 50 * fnMinute, windowEnd: 3000 * fnSec, range: 55 * fnMinute, seconds: 3600), 76.81818181818181))
        #expect(fnClose(predict(at: 10 * fnMinute, windowEnd: 3000 * fnSec, range: 55 * fnMinute, seconds: 3600), 51.36363636363637))
        #expect(fnClose(predict(at: 70 * fnMinute, windowEnd: 3000 * fnSec, range: 55 * fnMinute, seconds: 3600), 89.54545454545455))
        let wi = fnWindow(inf, at: 100 * fnMinute, range: 100 * fnMinute)
        #expect(fnClose(RangeFunctions.predictLinear(wi.samples, seconds: 6000, evaluationTime: 100 * fnMinute), .nan))
    }

    // functions.test: "Tests for double_exponential_smoothing" (load 10s, at 8000s, [1m], 0.01, 0.1).
    @Test(arguments: [
        ("0+10x1000 100+30x1000", 8000.0), ("0+20x1000 200+30x1000", 16000), ("0+30x1000 300+80x1000", 24000),
        ("0+40x2000", 32000), ("8000-10x1000", 0), ("0-20x1000", -16000), ("0+30x1000 300-80x1000", 24000),
        ("0-40x1000 0+40x1000", -32000),
    ])
    func doubleExponentialSmoothing(series: String, expected: Double) throws {
        let w = fnWindow(fnLoad(series, step: 10 * fnSec), at: 8000 * fnSec, range: fnMinute)
        let got = try OverTimeFunctions.doubleExponentialSmoothing(w.samples, smoothingFactor: 0.01, trendFactor: 0.1)
        #expect(fnClose(got, expected))
    }

    @Test func doubleExponentialSmoothingErrors() {
        let w = fnLoad("1 2 3", step: fnSec)[...]
        #expect(throws: PromQLError(.execution, "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000")) {
            try OverTimeFunctions.doubleExponentialSmoothing(w, smoothingFactor: 1, trendFactor: 0.5)
        }
        #expect(throws: PromQLError(.execution, "invalid trend factor. Expected: 0 < tf < 1, got: -0.500000")) {
            try OverTimeFunctions.doubleExponentialSmoothing(w, smoothingFactor: 0.5, trendFactor: -0.5)
        }
        // The check comes before the sample count, as in Prometheus.
        #expect(throws: PromQLError.self) {
            try OverTimeFunctions.doubleExponentialSmoothing(w.prefix(1), smoothingFactor: 0, trendFactor: 0.5)
        }
        #expect((try? OverTimeFunctions.doubleExponentialSmoothing(w.prefix(1), smoothingFactor: 0.5, trendFactor: 0.5)) == .some(nil))
    }

    // Own edge cases.
    @Test func edgeCases() {
        let empty: ArraySlice<Sample> = []
        let one: ArraySlice<Sample> = [Sample(t: 1000, v: 5)]
        for f in [RangeFunctions.irate, RangeFunctions.idelta, RangeFunctions.deriv] {
            #expect(f(empty) == nil)
            #expect(f(one) == nil)
        }
        #expect(RangeFunctions.rate(one, rangeStart: 0, rangeEnd: 60_000) == nil)
        #expect(RangeFunctions.rate(empty, rangeStart: 0, rangeEnd: 60_000) == nil)
        #expect(RangeFunctions.resets(one) == 0)
        #expect(RangeFunctions.changes(empty) == nil)
        // A constant series has slope 0 and its value as intercept.
        let flat: ArraySlice<Sample> = [Sample(t: 0, v: 3), Sample(t: 10_000, v: 3)]
        #expect(RangeFunctions.deriv(flat) == 0)
        #expect(RangeFunctions.predictLinear(flat, seconds: 100, evaluationTime: 20_000) == 3)
        // irate counter reset: the last value is the increase.
        let reset: ArraySlice<Sample> = [Sample(t: 0, v: 10), Sample(t: 10_000, v: 4)]
        #expect(RangeFunctions.irate(reset) == 0.4)
        #expect(RangeFunctions.idelta(reset) == -6)
        // Gauge delta with a drop is not reset-corrected; extrapolation to both ends by the
        // full distance (samples within 1.1 intervals of the edges).
        let gauge: ArraySlice<Sample> = [Sample(t: 10_000, v: 10), Sample(t: 20_000, v: 4), Sample(t: 30_000, v: 7)]
        #expect(RangeFunctions.delta(gauge, rangeStart: 0, rangeEnd: 40_000) == -6) // −3 · (20 + 10 + 10) / 20
        #expect(RangeFunctions.increase(gauge, rangeStart: 0, rangeEnd: 40_000) == 14) // (7 − 10 + 10) · 2
    }

    @Test func rangeSecondsMatchesGoDuration() {
        #expect(RangeFunctions.rangeSeconds(rangeStart: 0, rangeEnd: 300_000) == 300)
        #expect(RangeFunctions.rangeSeconds(rangeStart: 5, rangeEnd: 1006) == 1 + 0.001)
        #expect(RangeFunctions.rangeSeconds(rangeStart: 0, rangeEnd: 901) == 0.901)
    }

    @Test func nonCounterAnnotation() {
        #expect(RangeFunctions.nonCounterAnnotation(metricName: "http_requests_total") == nil)
        #expect(RangeFunctions.nonCounterAnnotation(metricName: "x_sum") == nil)
        #expect(RangeFunctions.nonCounterAnnotation(metricName: "x_count") == nil)
        #expect(RangeFunctions.nonCounterAnnotation(metricName: "x_bucket") == nil)
        #expect(RangeFunctions.nonCounterAnnotation(metricName: "") == nil)
        let a = RangeFunctions.nonCounterAnnotation(metricName: "http_requests")
        #expect(a?.text == "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"http_requests\"")
        #expect(a?.isWarning == false)
        #expect(a?.text(position: "1:6") == "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"http_requests\" (1:6)")
    }

    /// Property: rate over a strictly increasing counter equals increase / range, and
    /// the reset correction makes increase invariant to where a counter restarts.
    @Test func rateProperties() {
        var rng = FnSplitMix64(seed: 42)
        for _ in 0..<500 {
            let n = Int.random(in: 2...30, using: &rng)
            var t: Int64 = Int64.random(in: 1...15_000, using: &rng)
            var v = Double.random(in: 0...100, using: &rng)
            var samples: [Sample] = []
            for _ in 0..<n {
                samples.append(Sample(t: t, v: v))
                t += Int64.random(in: 1_000...20_000, using: &rng)
                v += Double.random(in: 0...50, using: &rng)
            }
            let end = t
            let start: Int64 = 0
            let r = RangeFunctions.rate(samples[...], rangeStart: start, rangeEnd: end)!
            let inc = RangeFunctions.increase(samples[...], rangeStart: start, rangeEnd: end)!
            #expect(fnClose(r, inc / (Double(end - start) / 1000)))
            #expect(inc >= samples.last!.v - samples.first!.v - 1e-9)
        }
    }
}
