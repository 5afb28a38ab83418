import Testing
@testable import PromQL
import UTCTime

@Suite struct MathDateFunctionTests {
    // functions.test: "Test for abs, ceil(), floor(), round()" over
    // 2.5, 2, -2.5, -2, 0, -0, +Inf, -Inf, NaN.
    @Test func roundingFamily() {
        let inputs: [Double] = [2.5, 2, -2.5, -2, 0, -0.0, .infinity, -.infinity, .nan]
        let abs: [Double] = [2.5, 2, 2.5, 2, 0, 0, .infinity, .infinity, .nan]
        let ceil: [Double] = [3, 2, -2, -2, 0, 0, .infinity, -.infinity, .nan]
        let floor: [Double] = [2, 2, -3, -2, 0, 0, .infinity, -.infinity, .nan]
        let round: [Double] = [3, 2, -2, -2, 0, 0, .infinity, -.infinity, .nan]
        for (i, v) in inputs.enumerated() {
            #expect(fnClose(MathFunctions.evaluate(.abs, v), abs[i]))
            #expect(fnClose(MathFunctions.evaluate(.ceil, v), ceil[i]))
            #expect(fnClose(MathFunctions.evaluate(.floor, v), floor[i]))
            #expect(fnClose(MathFunctions.round(v), round[i]))
        }
    }

    // aggregators.test: round() cases on 0.004·x, 0.005·x, ±, with to_nearest 0.1 and 5
    // (x = 100 and 200).
    @Test func roundToNearest() {
        for (x, e0) in [(100.0, 0.0), (200, 1)] {
            #expect(MathFunctions.round(0.004 * x) == e0)
            #expect(MathFunctions.round(-1 * (0.004 * x)) == -e0)
        }
        #expect(MathFunctions.round(0.005 * 100) == 1 && MathFunctions.round(0.005 * 200) == 1)
        #expect(MathFunctions.round(-1 * (0.005 * 100)) == 0 && MathFunctions.round(-1 * (0.005 * 200)) == -1)
        #expect(MathFunctions.round(1 + 0.005 * 100) == 2 && MathFunctions.round(1 + 0.005 * 200) == 2)
        #expect(MathFunctions.round(-1 * (1 + 0.005 * 100)) == -1 && MathFunctions.round(-1 * (1 + 0.005 * 200)) == -2)
        #expect(fnClose(MathFunctions.round(0.0005 * 100, toNearest: 0.1), 0.1))
        #expect(fnClose(MathFunctions.round(0.0005 * 200, toNearest: 0.1), 0.1))
        #expect(fnClose(MathFunctions.round(2.1 + 0.0005 * 200, toNearest: 0.1), 2.2))
        #expect(fnClose(MathFunctions.round(5.2 + 0.0005 * 100, toNearest: 0.1), 5.3))
        #expect(fnClose(MathFunctions.round(-1 * (5.2 + 0.0005 * 100), toNearest: 0.1), -5.2))
        #expect(fnClose(MathFunctions.round(-1 * (5.2 + 0.0005 * 200), toNearest: 0.1), -5.3))
        #expect(MathFunctions.round(0.025 * 100, toNearest: 5) == 5 && MathFunctions.round(0.025 * 200, toNearest: 5) == 5)
        #expect(MathFunctions.round(0.045 * 100, toNearest: 5) == 5 && MathFunctions.round(0.045 * 200, toNearest: 5) == 10)
    }

    // functions.test: clamp/clamp_min/clamp_max on -50, 0, 100; NaN bounds; max < min.
    @Test func clamps() {
        let v: [Double] = [-50, 0, 100]
        #expect(v.map { MathFunctions.clampMax($0, max: 75) } == [-50, 0, 75])
        #expect(v.map { MathFunctions.clampMin($0, min: -25) } == [-25, 0, 100])
        #expect(v.map { MathFunctions.clamp($0, min: -25, max: 75) } == [-25, 0, 75])
        #expect(v.map { MathFunctions.clampMax(MathFunctions.clampMin($0, min: -20), max: 70) } == [-20, 0, 70])
        #expect(v.allSatisfy { MathFunctions.clamp($0, min: 0, max: .nan)!.isNaN })
        #expect(v.allSatisfy { MathFunctions.clamp($0, min: .nan, max: 0)!.isNaN })
        #expect(MathFunctions.clamp(1, min: 5, max: -5) == nil)
        #expect(MathFunctions.clampMin(.nan, min: 1).isNaN)
    }

    // functions.test: sgn over -Inf, Inf, NaN, -50, 0, 100; min_of/max_of with NaN.
    @Test func signAndMinMaxOf() {
        let got = [-.infinity, .infinity, .nan, -50, 0, 100].map { MathFunctions.evaluate(.sgn, $0) }
        #expect(fnClose(got[0], -1) && fnClose(got[1], 1) && got[2].isNaN && got[3] == -1 && got[4] == 0 && got[5] == 1)
        #expect(MathFunctions.goMin(3, 5) == 3 && MathFunctions.goMax(5, 3) == 5)
        #expect(MathFunctions.goMin(.nan, 3).isNaN && MathFunctions.goMax(3, .nan).isNaN)
        #expect(MathFunctions.goMax(.nan, .infinity) == .infinity)
        #expect(MathFunctions.goMin(-0.0, 0).sign == .minus && MathFunctions.goMax(-0.0, 0).sign == .plus)
    }

    // functions.test: "Testing exp() sqrt() log2() log10() ln()".
    @Test func expLog() {
        #expect(fnClose(MathFunctions.evaluate(.exp, 10), 22026.465794806718))
        #expect(fnClose(MathFunctions.evaluate(.exp, 20), 485165195.4097903))
        #expect(fnClose(MathFunctions.evaluate(.exp, -10), 4.5399929762484854e-05))
        #expect(fnClose(MathFunctions.evaluate(.ln, 10), 2.302585092994046))
        #expect(fnClose(MathFunctions.evaluate(.ln, 20), 2.995732273553991))
        #expect(MathFunctions.evaluate(.ln, 0) == -.infinity && MathFunctions.evaluate(.ln, -10).isNaN)
        #expect(fnClose(MathFunctions.evaluate(.sqrt, 10), 3.1622776601683795))
        #expect(fnClose(MathFunctions.evaluate(.sqrt, 20), 4.47213595499958))
        #expect(fnClose(MathFunctions.evaluate(.log2, 10), 3.3219280948873626))
        #expect(fnClose(MathFunctions.evaluate(.log2, 20), 4.321928094887363))
        #expect(MathFunctions.evaluate(.log2, 0) == -.infinity && MathFunctions.evaluate(.log2, -10).isNaN)
        #expect(MathFunctions.evaluate(.log10, 10) == 1)
        #expect(fnClose(MathFunctions.evaluate(.log10, 20), 1.301029995663981))
        #expect(MathFunctions.evaluate(.log10, 0) == -.infinity && MathFunctions.evaluate(.log10, -10).isNaN)
        #expect(MathFunctions.evaluate(.log2, 1024) == 10)
        #expect(MathFunctions.evaluate(.log2, .infinity) == .infinity)
        #expect(fnClose(MathFunctions.evaluate(.exp, MathFunctions.evaluate(.ln, 20)), 20))
    }

    // trig_functions.test: trig{l="x"} 10, trig{l="y"} 20 (asin/acos/atanh on trig − 10.1).
    @Test(arguments: [
        (MathFunction.sin, 0.0, -0.5440211108893699, 0.9129452507276277),
        (.cos, 0, -0.8390715290764524, 0.40808206181339196), (.tan, 0, 0.6483608274590867, 2.2371609442247427),
        (.asin, 10.1, -0.10016742116155944, .nan), (.acos, 10.1, 1.670963747956456, .nan),
        (.atan, 0, 1.4711276743037345, 1.5208379310729538), (.sinh, 0, 11013.232920103324, 2.4258259770489514e+08),
        (.cosh, 0, 11013.232920103324, 2.4258259770489514e+08), (.tanh, 0, 0.9999999958776927, 1),
        (.asinh, 0, 2.99822295029797, 3.6895038689889055), (.acosh, 0, 2.993222846126381, 3.6882538673612966),
        (.atanh, 10.1, -0.10033534773107522, .nan), (.rad, 0, 0.17453292519943295, 0.3490658503988659),
        (.deg, 0, 572.9577951308232, 1145.9155902616465),
    ] as [(MathFunction, Double, Double, Double)])
    func trigScript(function: MathFunction, minus: Double, x: Double, y: Double) {
        #expect(fnClose(MathFunctions.evaluate(function, 10 - minus), x))
        #expect(fnClose(MathFunctions.evaluate(function, 20 - minus), y))
        #expect(MathFunctions.evaluate(function, .nan).isNaN)
    }

    // Further trig values (and the deg/rad round trip).
    @Test func trig() {
        #expect(fnClose(MathFunctions.evaluate(.sin, .pi / 2), 1))
        #expect(fnClose(MathFunctions.evaluate(.cos, 0), 1))
        #expect(fnClose(MathFunctions.evaluate(.tan, .pi / 4), 1))
        #expect(fnClose(MathFunctions.evaluate(.asin, 1), .pi / 2))
        #expect(fnClose(MathFunctions.evaluate(.acos, 1), 0))
        #expect(fnClose(MathFunctions.evaluate(.atan, 1), .pi / 4))
        #expect(fnClose(MathFunctions.evaluate(.sinh, 1), 1.1752011936438014))
        #expect(fnClose(MathFunctions.evaluate(.cosh, 1), 1.5430806348152437))
        #expect(fnClose(MathFunctions.evaluate(.tanh, 1), 0.7615941559557649))
        #expect(fnClose(MathFunctions.evaluate(.asinh, 1), 0.881373587019543))
        #expect(MathFunctions.evaluate(.acosh, 0.5).isNaN)
        #expect(MathFunctions.evaluate(.atanh, 1) == .infinity)
        #expect(MathFunctions.evaluate(.deg, .pi) == 180)
        #expect(MathFunctions.evaluate(.rad, 180) == .pi)
        #expect(MathFunctions.pi == .pi)
    }

    // functions.test: "Test time-related functions".
    @Test func dates() {
        #expect(DateFunctions.evaluate(.year, unixSeconds: 0) == 1970)
        #expect(DateFunctions.evaluate(.year, value: 1136239445) == 2006)
        #expect(DateFunctions.evaluate(.month, unixSeconds: 0) == 1)
        #expect(DateFunctions.evaluate(.month, value: 1136239445) == 1)
        #expect(DateFunctions.evaluate(.dayOfMonth, unixSeconds: 0) == 1)
        #expect(DateFunctions.evaluate(.dayOfMonth, value: 1136239445) == 2)
        #expect(DateFunctions.evaluate(.dayOfYear, unixSeconds: 0) == 1)
        #expect(DateFunctions.evaluate(.dayOfYear, value: 1136239445) == 2)
        #expect(DateFunctions.evaluate(.dayOfWeek, unixSeconds: 0) == 4)
        #expect(DateFunctions.evaluate(.dayOfWeek, value: 1136239445) == 1)
        #expect(DateFunctions.evaluate(.hour, unixSeconds: 0) == 0)
        #expect(DateFunctions.evaluate(.hour, value: 1136239445) == 22)
        #expect(DateFunctions.evaluate(.minute, unixSeconds: 0) == 0)
        #expect(DateFunctions.evaluate(.minute, value: 1136239445) == 4)
        #expect(DateFunctions.evaluate(.year, value: 1230767999) == 2008)
        #expect(DateFunctions.evaluate(.year, value: 1230768000) == 2009)
        #expect(DateFunctions.evaluate(.month, value: 1456790399) + DateFunctions.evaluate(.dayOfMonth, value: 1456790399) / 100 == 2.29)
        #expect(DateFunctions.evaluate(.month, value: 1456790400) + DateFunctions.evaluate(.dayOfMonth, value: 1456790400) / 100 == 3.01)
        #expect(DateFunctions.evaluate(.dayOfYear, value: 1483191420) == 366)
        #expect(DateFunctions.evaluate(.dayOfYear, value: 1672493820) == 365)
        #expect(DateFunctions.evaluate(.daysInMonth, value: 1454284800) == 29)
        #expect(DateFunctions.evaluate(.daysInMonth, value: 1485907200) == 28)
    }

    @Test func dateEdgeCases() {
        // Truncation toward zero: −0.5 s is still 1970-01-01 00:00:00.
        #expect(DateFunctions.evaluate(.year, value: -0.5) == 1970)
        // One second before the epoch.
        #expect(DateFunctions.evaluate(.year, value: -1) == 1969)
        #expect(DateFunctions.evaluate(.hour, value: -1) == 23)
        #expect(DateFunctions.evaluate(.dayOfWeek, value: -1) == 3)
        #expect(DateFunctions.evaluate(.dayOfYear, value: -1) == 365)
        // Year 2000 was a leap year, 1900 was not.
        #expect(DateFunctions.evaluate(.daysInMonth, value: 951782400) == 29)  // 2000-02-29
        #expect(DateFunctions.evaluate(.daysInMonth, value: -2206310400) == 28) // 1900-02-01
        // NaN behaves like Go on amd64 (Int64.min seconds), not a crash.
        #expect(DateFunctions.goInt64(.nan) == Int64.min)
        #expect(DateFunctions.goInt64(1e300) == Int64.min)
        #expect(DateFunctions.goInt64(-2.9) == -2)
        _ = DateFunctions.evaluate(.year, value: .nan)
        _ = DateFunctions.evaluate(.year, value: -.infinity)
        #expect(DateFunctions.rfc3339(milliseconds: 3_000_000) == "1970-01-01T00:50:00Z")
    }

    /// Property: civil dates agree with a day-by-day walk from the epoch.
    @Test func datesAgreeWithWalk() {
        var y: Int64 = 1970, m: Int64 = 1, d: Int64 = 1, yd: Int64 = 1
        for day in Int64(0)..<40_000 {
            let s = day * 86_400 + 3_723
            #expect(DateFunctions.evaluate(.year, unixSeconds: s) == Double(y))
            #expect(DateFunctions.evaluate(.month, unixSeconds: s) == Double(m))
            #expect(DateFunctions.evaluate(.dayOfMonth, unixSeconds: s) == Double(d))
            #expect(DateFunctions.evaluate(.dayOfYear, unixSeconds: s) == Double(yd))
            #expect(DateFunctions.evaluate(.dayOfWeek, unixSeconds: s) == Double((day + 4) % 7))
            if day % 997 == 0 {
                #expect(DateFunctions.evaluate(.hour, unixSeconds: s) == 1)
                #expect(DateFunctions.evaluate(.minute, unixSeconds: s) == 2)
            }
            d += 1; yd += 1
            if d > CivilTime.daysIn(month: m, year: y) { d = 1; m += 1 }
            if m > 12 { m = 1; y += 1; yd = 1 }
        }
    }
}
