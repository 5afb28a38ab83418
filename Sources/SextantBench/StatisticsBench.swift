import ArgumentParser
import Foundation
import Statistics

/// The Statistics functions that Insights and Analytics call per series or per experiment.
struct StatisticsBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "statistics", abstract: "Statistics module kernels on synthetic data.")

    func run() throws {
        var g = SeededGenerator(seed: 1)
        let a = (0..<100_000).map { _ in g.nextGaussian() }
        let b = (0..<100_000).map { _ in g.nextGaussian() + 0.01 }
        try measure("quantiles of 100k values", items: a.count) { blackHole(try quantiles(a, [0.5, 0.9, 0.99])) }
        try measure("welch t-test 2 x 100k", items: a.count * 2) { blackHole(try welchTTest(a, b)) }
        try measure("mann-whitney 2 x 100k", runs: 3, items: a.count * 2) { blackHole(try mannWhitneyU(a, b)) }
        let small = Array(a[0..<5000]), small2 = Array(b[0..<5000])
        try measure("ks exact 2 x 5000", runs: 3, items: 10_000) { blackHole(try kolmogorovSmirnov(small, small2)) }
        measure("chance to be best, 2 variants", items: 1) {
            blackHole(bayesianProportions(successes: [5200, 5000], trials: [100_000, 100_000]))
        }
        measure("chance to be best, 4 variants", items: 1) {
            blackHole(bayesianProportions(successes: [30, 45, 38, 41], trials: [400, 410, 395, 405]))
        }
        let steps = (0..<20_000).map { (t: Int) -> Double in a[t] + Double((t / 500) % 2) * 4 }
        try measure("pelt 20k values, shift every 500", runs: 3, items: steps.count) {
            blackHole(try peltChangePoints(steps, penalty: 2 * log(Double(steps.count))))
        }
        let rows = (0..<10_000).map { [a[$0], b[$0]] }
        try measure("isolation forest fit + score 10k x 2", runs: 3, items: rows.count) {
            let forest = try IsolationForest(data: rows, seed: 1)
            blackHole(try forest.scores(rows))
        }
        let hourly = (0..<336).map { (t: Int) -> Double in
            let phase = 2 * Double.pi * Double(t) / 24
            return 200 + 40 * sin(phase) + 6 * a[t]
        }
        try measure("holt-winters fit n=336 m=24 additive", runs: 3, items: 1) {
            blackHole(try ExponentialSmoothing.fit(hourly, trend: .additive, seasonal: .additive, seasonalPeriod: 24))
        }
        let monthly = (0..<96).map { (t: Int) -> Double in
            let level = 100 + 0.7 * Double(t)
            let season = 1 + 0.25 * sin(2 * Double.pi * Double(t) / 12)
            return level * season + 2 * b[t]
        }
        try measure("holt-winters fit n=96 m=12 multiplicative", runs: 3, items: 1) {
            blackHole(try ExponentialSmoothing.fit(monthly, trend: .additive, seasonal: .multiplicative, seasonalPeriod: 12))
        }
    }
}
