import Foundation

/// Times `body` over `runs` runs after one warm-up run and prints the median and the best, per
/// item when `items` is given (e.g. samples per run), as one line.
func measure(_ name: String, runs: Int = 7, items: Int = 1, _ body: () throws -> Void) rethrows {
    try body()
    var times: [Double] = []
    for _ in 0..<runs {
        let start = ContinuousClock.now
        try body()
        let d = ContinuousClock.now - start
        times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
    times.sort()
    let median = times[times.count / 2], best = times[0]
    let per = { (t: Double) in t / Double(items) * 1e9 }
    print(String(format: "%-40@ median %.3f ms  best %.3f ms  %.1f ns/item (median)  %.2fM items/s",
                 name as NSString, median * 1e3, best * 1e3, per(median), Double(items) / median / 1e6))
}

/// Keeps the optimiser from discarding a result.
@inline(never) func blackHole<T>(_ x: T) {
    withExtendedLifetime(x) {}
}
