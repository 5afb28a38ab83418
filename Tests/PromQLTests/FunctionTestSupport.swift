import Testing
import TSDB
@testable import PromQL

/// Milliseconds per second / fnMinute, for writing windows like the test scripts do.
let fnSec: Int64 = 1000
let fnMinute: Int64 = 60_000

/// Expands a series in the notation of Prometheus's `load` command ("0+10x10", "1 2 _ NaN",
/// "8000-10x1000 3") into samples at 0, step, 2·step, … ("_" leaves a gap).
func fnLoad(_ notation: String, step: Int64) -> [Sample] {
    var out: [Sample] = []
    var index: Int64 = 0
    for token in notation.split(separator: " ", omittingEmptySubsequences: true) {
        let t = String(token)
        if t == "_" { index += 1; continue }
        if let x = t.lastIndex(of: "x"), let count = Int(t[t.index(after: x)...]) {
            let body = String(t[..<x])
            // Split "a+b" / "a-b" at the operator that follows the first number.
            var opIndex: String.Index?
            var i = body.index(after: body.startIndex)
            while i < body.endIndex {
                let c = body[i]
                let prev = body[body.index(before: i)]
                if (c == "+" || c == "-") && prev != "e" && prev != "E" { opIndex = i; break }
                i = body.index(after: i)
            }
            guard let op = opIndex, let start = Double(body[..<op]), let inc = Double(body[body.index(after: op)...]) else {
                fatalError("bad notation \(t)")
            }
            let signed = body[op] == "-" ? -inc : inc
            for k in 0...count {
                out.append(Sample(t: index * step, v: start + Double(k) * signed))
                index += 1
            }
            continue
        }
        out.append(Sample(t: index * step, v: fnParseValue(t)))
        index += 1
    }
    return out
}

func fnParseValue(_ s: String) -> Double {
    switch s.lowercased() {
    case "nan": return .nan
    case "inf", "+inf": return .infinity
    case "-inf": return -.infinity
    default:
        guard let v = Double(s) else { fatalError("bad value \(s)") }
        return v
    }
}

/// The samples of `series` in the window `(at − offset − range, at − offset]`, as the
/// evaluator hands them to a range function.
struct FnWindow {
    var samples: ArraySlice<Sample>
    var start: Int64
    var end: Int64
}

func fnWindow(_ series: [Sample], at: Int64, range: Int64, offset: Int64 = 0) -> FnWindow {
    let end = at - offset
    let start = end - range
    let lo = series.firstIndex { $0.t > start } ?? series.endIndex
    let hi = series.lastIndex { $0.t <= end }.map { $0 + 1 } ?? series.startIndex
    return FnWindow(samples: lo < hi ? series[lo..<hi] : [], start: start, end: end)
}

/// Compares like Prometheus's test runner (relative 1e-6, NaN equals NaN) unless `exact`.
func fnClose(_ a: Double?, _ b: Double?, exact: Bool = false) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if exact { return a == b }
    return HistogramQuantile.almostEqual(a, b, tolerance: 1e-6)
}

/// A tiny seeded generator for property tests.
struct FnSplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
