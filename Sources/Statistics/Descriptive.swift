/// Summary statistics of one sample. Variance and standard deviation are the sample ones
/// (divisor n − 1), 0 for a single value.
public struct Summary: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    public let variance: Double
    public let standardDeviation: Double
    public let minimum: Double
    public let maximum: Double
    public let median: Double
}

/// The arithmetic mean. Throws for an empty sample or a non-finite value.
/// Checked against `numpy.mean` to 1e-12 relative.
public func mean(_ values: [Double]) throws(StatisticsError) -> Double {
    try Check.sample(values, "values")
    return Moments.mean(values)
}

/// The variance with divisor n − ddof (ddof = 1: the sample variance, as `numpy.var(ddof=1)`).
/// Throws unless count > ddof and every value is finite. Two-pass, so large offsets do not
/// cancel (the variance of 1e9 + [1, 2, 3] is exactly 1).
public func variance(_ values: [Double], ddof: Int = 1) throws(StatisticsError) -> Double {
    precondition(ddof >= 0, "ddof must be >= 0")
    try Check.sample(values, "values", minimum: ddof + 1)
    return Moments.sumOfSquares(values, about: Moments.mean(values)) / Double(values.count - ddof)
}

/// The square root of `variance(values, ddof:)`.
public func standardDeviation(_ values: [Double], ddof: Int = 1) throws(StatisticsError) -> Double {
    try variance(values, ddof: ddof).squareRoot()
}

/// Count, mean, sample variance and standard deviation, extremes and median of a non-empty,
/// finite sample.
public func summarize(_ values: [Double]) throws(StatisticsError) -> Summary {
    try Check.sample(values, "values")
    let sorted = values.sorted()
    let m = Moments.mean(values)
    let v = values.count > 1 ? Moments.sumOfSquares(values, about: m) / Double(values.count - 1) : 0
    return Summary(count: values.count, mean: m, variance: v, standardDeviation: v.squareRoot(),
                   minimum: sorted[0], maximum: sorted[sorted.count - 1], median: Quantiles.linear(sorted, 0.5))
}

/// The median absolute deviation, median(|x − median(x)|) × `scale`. `scale` 1 is the raw MAD;
/// `madNormalScale` (1/Φ⁻¹(3/4) ≈ 1.4826) makes it consistent with σ for normal data, as
/// `scipy.stats.median_abs_deviation(scale='normal')`.
public func medianAbsoluteDeviation(_ values: [Double], scale: Double = 1) throws(StatisticsError) -> Double {
    try Check.sample(values, "values")
    return Moments.mad(values) * scale
}

/// 1/Φ⁻¹(0.75), the factor that turns a MAD into an estimate of σ for normal data.
public let madNormalScale = 1.482_602_218_505_602

/// Unchecked kernels shared by the module's functions (inputs already validated).
enum Moments {
    /// Mean by a compensated (Neumaier) sum.
    static func mean(_ values: [Double]) -> Double {
        sum(values) / Double(values.count)
    }

    static func sum(_ values: [Double]) -> Double {
        var sum = 0.0, compensation = 0.0
        for v in values {
            let t = sum + v
            if abs(sum) >= abs(v) { compensation += (sum - t) + v } else { compensation += (v - t) + sum }
            sum = t
        }
        return sum + compensation
    }

    /// Σ (x − center)², with the first-order correction of the two-pass algorithm.
    static func sumOfSquares(_ values: [Double], about center: Double) -> Double {
        var squares = 0.0, residual = 0.0
        for v in values {
            let d = v - center
            squares += d * d
            residual += d
        }
        return max(0, squares - residual * residual / Double(values.count))
    }

    static func median(_ values: [Double]) -> Double {
        Quantiles.linear(values.sorted(), 0.5)
    }

    static func mad(_ values: [Double]) -> Double {
        let m = median(values)
        return median(values.map { abs($0 - m) })
    }
}
