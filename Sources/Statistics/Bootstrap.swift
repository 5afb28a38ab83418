/// A bootstrap confidence interval.
public struct BootstrapInterval: Sendable, Equatable {
    /// The statistic on the original sample(s).
    public let estimate: Double
    public let lower: Double
    public let upper: Double
}

/// Percentile bootstrap confidence interval for `statistic` of one sample.
///
/// Draws `resamples` samples of the same size with replacement (indices from
/// `SeededGenerator(seed:)`'s `next(below:)`, n per resample, in order), evaluates the
/// statistic on each, and returns the (1 − level)/2 and (1 + level)/2 quantiles of those values
/// by numpy's linear method: scipy's `bootstrap(method='percentile')` given the same
/// resamples. Same seed, same interval. Resamples whose statistic is not finite are dropped;
/// throws `.degenerate` if none is left. Throws for an empty or non-finite sample, `level`
/// outside (0, 1) or `resamples` < 1.
public func bootstrapConfidenceInterval(_ sample: [Double], level: Double = 0.95, resamples: Int = 9999, seed: UInt64,
                                        statistic: ([Double]) -> Double) throws(StatisticsError) -> BootstrapInterval {
    try Check.sample(sample, "sample")
    return try Bootstrapping.interval(level: level, resamples: resamples, estimate: statistic(sample), seed: seed) { generator in
        statistic(Bootstrapping.resample(sample, &generator))
    }
}

/// Percentile bootstrap confidence interval for a statistic of two independent samples (for
/// example the difference of means): each resample draws from `a` and then from `b`,
/// independently, as scipy does for several samples. Same rules as the one-sample form.
public func bootstrapConfidenceInterval(_ a: [Double], _ b: [Double], level: Double = 0.95, resamples: Int = 9999, seed: UInt64,
                                        statistic: ([Double], [Double]) -> Double) throws(StatisticsError) -> BootstrapInterval {
    try Check.sample(a, "a")
    try Check.sample(b, "b")
    return try Bootstrapping.interval(level: level, resamples: resamples, estimate: statistic(a, b), seed: seed) { generator in
        let ra = Bootstrapping.resample(a, &generator)
        return statistic(ra, Bootstrapping.resample(b, &generator))
    }
}

enum Bootstrapping {
    static func resample(_ sample: [Double], _ generator: inout SeededGenerator) -> [Double] {
        (0..<sample.count).map { _ in sample[generator.next(below: sample.count)] }
    }

    static func interval(level: Double, resamples: Int, estimate: Double, seed: UInt64,
                         draw: (inout SeededGenerator) -> Double) throws(StatisticsError) -> BootstrapInterval {
        if !(level > 0 && level < 1) { throw StatisticsError(.invalidArgument, "level is \(level); it must be in (0, 1)") }
        if resamples < 1 { throw StatisticsError(.invalidArgument, "resamples is \(resamples); at least 1 needed") }
        var generator = SeededGenerator(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        for _ in 0..<resamples {
            let v = draw(&generator)
            if v.isFinite { values.append(v) }
        }
        if values.isEmpty { throw StatisticsError(.degenerate, "the statistic was not finite on any resample") }
        values.sort()
        let alpha = (1 - level) / 2
        return BootstrapInterval(estimate: estimate, lower: Quantiles.linear(values, alpha), upper: Quantiles.linear(values, 1 - alpha))
    }
}
