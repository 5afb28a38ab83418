import Foundation

/// Times `body` over `runs` runs after one warm-up run and prints the median and the best, per
/// item when `items` is given (e.g. samples per run), as one line.
func measure(_ name: String, runs: Int = 7, items: Int = 1, _ body: () throws -> Void) rethrows {
    let (median, best) = try time(runs: runs, body)
    let per = { (t: Double) in t / Double(items) * 1e9 }
    print(String(format: "%-40@ median %.3f ms  best %.3f ms  %.1f ns/item (median)  %.2fM items/s",
                 name as NSString, median * 1e3, best * 1e3, per(median), Double(items) / median / 1e6))
}

/// The median and best wall time of `body` in seconds over `runs` runs after one warm-up run.
func time(runs: Int = 7, _ body: () throws -> Void) rethrows -> (median: Double, best: Double) {
    try body()
    var times: [Double] = []
    for _ in 0..<runs {
        let start = ContinuousClock.now
        try body()
        let d = ContinuousClock.now - start
        times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
    times.sort()
    return (times[times.count / 2], times[0])
}

/// Keeps the optimiser from discarding a result.
@inline(never) func blackHole<T>(_ x: T) {
    withExtendedLifetime(x) {}
}
