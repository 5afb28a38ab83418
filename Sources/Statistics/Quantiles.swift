/// The q-quantile of a sample by numpy's default method ('linear', Hyndman and Fan type 7):
/// with the values sorted, h = q(n − 1), the result is x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
///
/// Throws for an empty sample, a non-finite value, or q outside [0, 1].
/// Checked against `numpy.quantile` to 1e-12 relative.
public func quantile(_ values: [Double], _ q: Double) throws(StatisticsError) -> Double {
    try quantiles(values, [q])[0]
}

/// Several quantiles of one sample (sorted once), by the same method as `quantile(_:_:)`.
public func quantiles(_ values: [Double], _ qs: [Double]) throws(StatisticsError) -> [Double] {
    try Check.sample(values, "values")
    for (i, q) in qs.enumerated() { try Check.parameter(q, "q[\(i)]", in: 0...1) }
    let sorted = values.sorted()
    return qs.map { Quantiles.linear(sorted, $0) }
}

/// The median (the 0.5 quantile by the linear method). Throws for an empty or non-finite sample.
public func median(_ values: [Double]) throws(StatisticsError) -> Double {
    try quantile(values, 0.5)
}

/// Prometheus's `quantile` aggregation: the same linear interpolation (rank = q(n − 1)), but
/// never throws: NaN for no values or a NaN q, −∞ for q < 0 and +∞ for q > 1, as Prometheus
/// documents. NaN values sort below every number, as in Prometheus, so they take the lowest
/// ranks. Computed as x[lo]·(1 − w) + x[hi]·w, Prometheus's own expression, so results agree
/// to the last bit.
public func prometheusQuantile(_ q: Double, _ values: [Double]) -> Double {
    if values.isEmpty || q.isNaN { return .nan }
    if q < 0 { return -.infinity }
    if q > 1 { return .infinity }
    let sorted = values.sorted { a, b in a.isNaN ? !b.isNaN : (!b.isNaN && a < b) }
    let rank = q * Double(sorted.count - 1)
    let lower = Int(rank.rounded(.down))
    let upper = min(sorted.count - 1, lower + 1)
    let weight = rank - rank.rounded(.down)
    return sorted[lower] * (1 - weight) + sorted[upper] * weight
}

enum Quantiles {
    /// numpy's linear method on sorted, finite values; q in [0, 1].
    static func linear(_ sorted: [Double], _ q: Double) -> Double {
        let h = q * Double(sorted.count - 1)
        let lower = Int(h.rounded(.down))
        if lower >= sorted.count - 1 { return sorted[sorted.count - 1] }
        let t = h - Double(lower)
        let a = sorted[lower], b = sorted[lower + 1]
        // numpy's lerp: from whichever end is nearer, so q = 1 gives b exactly.
        return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t)
    }
}
