import Statistics
import Testing
import TSDB
@testable import PromQL

/// *_over_time functions; expected values from functions.test (case named in each comment).
@Suite struct OverTimeFunctionTests {
    private func w(_ notation: String, step: Int64 = 10 * fnSec, at: Int64, range: Int64) -> ArraySlice<Sample> {
        fnWindow(fnLoad(notation, step: step), at: at, range: range).samples
    }

    // functions.test: "Tests for avg_over_time" (load 10s, eval at 55s).
    @Test(arguments: [
        ("1 2 3 4 5", 3.0), ("1 2 3 4 Inf", .infinity), ("1 2 3 4 -Inf", -.infinity), ("1 2 3 Inf -Inf", .nan),
        ("Inf 0 Inf", .infinity), ("Inf Inf Inf -Inf", .nan), ("1 2 3 -Inf -Inf", -.infinity),
        ("-Inf 0 -Inf", -.infinity), ("-Inf -Inf -Inf Inf", .nan), ("1 2 -Inf -Inf Inf", .nan),
        ("9.988465674311579e+307 9.988465674311579e+307", 9.988465674311579e+307),
        ("-9.988465674311579e+307 -9.988465674311579e+307 -9.988465674311579e+307", -9.988465674311579e+307),
        ("-9.988465674311579e+307 9.988465674311579e+307", 0), ("1 2 3 NaN NaN", .nan),
    ])
    func avgOverTime(series: String, expected: Double) {
        #expect(fnClose(OverTimeFunctions.avg(w(series, at: 55 * fnSec, range: fnMinute)), expected))
    }

    // functions.test: sum_over_time(...)/count_over_time(...) for the same series.
    @Test(arguments: [
        ("1 2 3 4 5", 3.0), ("1 2 3 4 Inf", .infinity), ("1 2 3 Inf -Inf", .nan),
        ("9.988465674311579e+307 9.988465674311579e+307", .infinity),
        ("-9.988465674311579e+307 -9.988465674311579e+307 -9.988465674311579e+307", -.infinity),
        ("-9.988465674311579e+307 9.988465674311579e+307", 0),
    ])
    func sumOverCount(series: String, expected: Double) {
        let s = w(series, at: 55 * fnSec, range: fnMinute)
        #expect(fnClose(OverTimeFunctions.sum(s)! / OverTimeFunctions.count(s)!, expected))
    }

    @Test func avgOverTimeWindows() {
        // No sample in [10s], one in [20s], all in [1m].
        #expect(OverTimeFunctions.avg(w("1 2 3 4 5", at: 55 * fnSec, range: 10 * fnSec)) == nil)
        #expect(OverTimeFunctions.avg(w("1 2 3 4 5", at: 55 * fnSec, range: 20 * fnSec)) == 5)
        // metric11 "1 2 3 NaN NaN": 2 at 20s, NaN at 30s.
        #expect(OverTimeFunctions.avg(w("1 2 3 NaN NaN", at: 20 * fnSec, range: fnMinute)) == 2)
        #expect(OverTimeFunctions.avg(w("1 2 3 NaN NaN", at: 30 * fnSec, range: fnMinute))!.isNaN)
    }

    // functions.test: "Test if very big intermediate values cause loss of detail."
    @Test func kahanKeepsDetail() {
        let s = w("1 1e100 1 -1e100", at: fnMinute, range: 2 * fnMinute)
        #expect(OverTimeFunctions.sum(s) == 2)
        #expect(OverTimeFunctions.avg(s) == 0.5)
    }

    // functions.test: "More tests for extreme values" (load 5s, at 55s, [1m]).
    @Test(arguments: [
        ("1e10 1e-6 1e-6 1e-6 1e-6 1e-6", 1.6666666666666675e+09),
        ("5.30921651659898 0.961118537914768 1.62091361305318 0.865089463758091 0.323055185914577 0.951811357687154", 1.67186744582113),
        ("1.78264e50 0.76342771 1.9592258 7.69805412 458.90154", 3.56528E+49),
        ("0.76342771 1.9592258 7.69805412 1.78264e50 458.90154", 3.56528E+49),
        ("1.78264E+50 0.76342771 1.9592258 2.258E+220 7.69805412 458.90154", 3.76333333333333E+219),
        ("-1.78264E+50 0.76342771 1.9592258 2.258E+220 7.69805412 -458.90154", 3.76333333333333E+219),
        ("-1.78264E+50 0.76342771 1.9592258 -2.258E+220 7.69805412 -458.90154", -3.76333333333333E+219),
        ("-1.78264E+215 0.76342771 1.9592258 2.258E+220 7.69805412 -458.90154", 3.76330362266667E+219),
        ("-1.78264E+215 0.76342771 1.9592258 2.258E+220 7.69805412 1.78264E+215 -458.90154", 3.225714285714286e+219),
        ("-1.78264E+219 0.76342771 1.9592258 2.3757689E+217 -2.3757689E+217 2.258E+220 7.69805412 1.78264E+219 -458.90154", 2.5088888888888888e+219),
        ("-2.258E+220 -1.78264E+219 0.76342771 1.9592258 2.3757689E+217 -2.3757689E+217 2.258E+220 7.69805412 1.78264E+219 -458.90154", 0),
    ])
    func avgExtremeValues(series: String, expected: Double) {
        #expect(fnClose(OverTimeFunctions.avg(w(series, step: 5 * fnSec, at: 55 * fnSec, range: fnMinute)), expected))
    }

    // functions.test: foo 52+0x100 must average to exactly 52 (exact equality cases).
    @Test(arguments: [100, 110, 120, 130] as [Int64])
    func avgOfConstantIsExact(rangeSeconds: Int64) {
        #expect(OverTimeFunctions.avg(w("52+0x100", at: 10 * fnMinute, range: rangeSeconds * fnSec)) == 52)
    }

    // functions.test: "Test per-series aggregation on dense samples" (load 1ms, at 4s).
    @Test(arguments: [1000, 1001, 1002, 1003, 2000, 2001, 2002, 2003, 3000, 3001, 3002, 3003] as [Int64])
    func sumOverTimeDense(rangeMs: Int64) {
        let s = w("1+0x4000", step: 1, at: 4 * fnSec, range: rangeMs)
        #expect(OverTimeFunctions.sum(s) == Double(rangeMs))
    }

    // functions.test: "Tests for stddev_over_time and stdvar_over_time" (+ #4927).
    @Test func stddevStdvar() {
        let s = w("0 8 8 2 3", at: fnMinute, range: 2 * fnMinute)
        #expect(fnClose(OverTimeFunctions.stdvar(s), 10.56))
        #expect(fnClose(OverTimeFunctions.stddev(s), 3.249615))
        let same = w("1.5990505637277868 1.5990505637277868 1.5990505637277868", at: 55 * fnSec, range: fnMinute)
        #expect(OverTimeFunctions.stdvar(same) == 0)
        #expect(OverTimeFunctions.stddev(same) == 0)
    }

    // functions.test: "Tests for mad_over_time".
    @Test func madOverTime() {
        #expect(OverTimeFunctions.mad(w("4 6 2 1 999 1 2", at: 70 * fnSec, range: 70 * fnSec)) == 1)
        #expect(OverTimeFunctions.mad(w("1 2 3 4 5", at: 40 * fnSec, range: 50 * fnSec)) == 1)
        #expect(OverTimeFunctions.mad(w("7 7 7 7 7", at: 40 * fnSec, range: 50 * fnSec)) == 0)
        #expect(OverTimeFunctions.mad(w("5", at: 0, range: 10 * fnSec)) == 0)
        #expect(OverTimeFunctions.mad(w("1 2 NaN 4", at: 30 * fnSec, range: 40 * fnSec))!.isNaN)
    }

    // functions.test: ts_of_min/max/last/first_over_time (load 10s53ms).
    @Test func timestampsOf() {
        let step: Int64 = 10 * fnSec + 53
        let m = w("1 2 3 0 5 6 2 1 4", step: step, at: 90 * fnSec, range: 90 * fnSec)
        #expect(OverTimeFunctions.timestampOfMin(m) == 30.159)
        #expect(OverTimeFunctions.timestampOfMax(m) == 50.265)
        #expect(OverTimeFunctions.timestampOfLast(w("1 2 3 _ _", step: step, at: 90 * fnSec, range: 90 * fnSec)) == 20.106)
        #expect(OverTimeFunctions.timestampOfLast(w("1 2 3 _ _", step: step, at: 95 * fnSec, range: 90 * fnSec)) == 20.106)
        #expect(OverTimeFunctions.timestampOfFirst(w("_ _ 1 2 3 _ _", step: step, at: 90 * fnSec, range: 90 * fnSec)) == 20.106)
        #expect(OverTimeFunctions.timestampOfFirst(w("_ _ 1 2 3 _ _", step: step, at: 15 * fnSec, range: 90 * fnSec)) == nil)
        // Ties: the last sample holding the extreme wins.
        let ties: ArraySlice<Sample> = [Sample(t: 1000, v: 2), Sample(t: 2000, v: 1), Sample(t: 3000, v: 2), Sample(t: 4000, v: 1)]
        #expect(OverTimeFunctions.timestampOfMax(ties) == 3)
        #expect(OverTimeFunctions.timestampOfMin(ties) == 4)
    }

    // functions.test: "Tests for quantile_over_time" (load 10s, at 1m, [2m]).
    @Test(arguments: [
        (0.0, [0.0, 0, 0]), (0.5, [0.5, 1, 1]), (0.75, [0.75, 1.5, 2.5]), (0.8, [0.8, 1.6, 2.8]), (1, [1, 2, 4]),
        (-1, [-.infinity, -.infinity, -.infinity]), (2, [.infinity, .infinity, .infinity]),
    ] as [(Double, [Double])])
    func quantileOverTime(phi: Double, expected: [Double]) {
        for (series, e) in zip(["0 1", "0 1 2", "0 1 4"], expected) {
            #expect(fnClose(OverTimeFunctions.quantile(phi, w(series, at: fnMinute, range: 2 * fnMinute)), e))
        }
        #expect(PrometheusQuantile.isInvalidPhi(phi) == (phi < 0 || phi > 1))
    }

    // functions.test: "Tests for *_over_time" (load 10s, at 1m, [2m]).
    @Test(arguments: [
        ("2 0 3", 0.0, 3.0, 3.0, 2.0), ("2 0 NaN", 0, 2, .nan, 2), ("2 NaN 1", 1, 2, 1, 2),
        ("NaN 0 1", 0, 1, 1, .nan), ("NaN NaN NaN", .nan, .nan, .nan, .nan), ("_ 5 2 _ 4 _", 2, 5, 4, 5),
    ] as [(String, Double, Double, Double, Double)])
    func minMaxLastFirst(series: String, min: Double, max: Double, last: Double, first: Double) {
        let s = w(series, at: fnMinute, range: 2 * fnMinute)
        #expect(fnClose(OverTimeFunctions.min(s), min))
        #expect(fnClose(OverTimeFunctions.max(s), max))
        #expect(fnClose(OverTimeFunctions.last(s), last))
        #expect(fnClose(OverTimeFunctions.first(s), first))
        #expect(OverTimeFunctions.count(s) == 3)
        #expect(OverTimeFunctions.present(s) == 1)
    }

    @Test func emptyWindowsGiveNothing() {
        let e: ArraySlice<Sample> = []
        let all: [(ArraySlice<Sample>) -> Double?] = [
            OverTimeFunctions.avg, OverTimeFunctions.sum, OverTimeFunctions.count, OverTimeFunctions.min,
            OverTimeFunctions.max, OverTimeFunctions.last, OverTimeFunctions.first, OverTimeFunctions.present,
            OverTimeFunctions.mad, OverTimeFunctions.stdvar, OverTimeFunctions.stddev,
            OverTimeFunctions.timestampOfMin, OverTimeFunctions.timestampOfMax,
            OverTimeFunctions.timestampOfLast, OverTimeFunctions.timestampOfFirst,
        ]
        for f in all { #expect(f(e) == nil) }
        #expect(OverTimeFunctions.quantile(0.5, e) == nil)
    }

    /// Property: avg_over_time agrees with a long-double-free reference (sum/count) for
    /// moderate values, and lies between min and max.
    @Test func avgProperties() {
        var rng = FnSplitMix64(seed: 7)
        for _ in 0..<500 {
            let n = Int.random(in: 1...50, using: &rng)
            let samples = (0..<n).map { Sample(t: Int64($0) * 1000, v: Double.random(in: -1e6...1e6, using: &rng)) }
            let avg = OverTimeFunctions.avg(samples[...])!
            let lo = OverTimeFunctions.min(samples[...])!, hi = OverTimeFunctions.max(samples[...])!
            #expect(avg >= lo - 1e-6 && avg <= hi + 1e-6)
            #expect(fnClose(avg, OverTimeFunctions.sum(samples[...])! / Double(n)))
            let variance = OverTimeFunctions.stdvar(samples[...])!
            #expect(variance >= 0)
        }
    }
}
