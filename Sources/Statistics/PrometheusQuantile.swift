/// The φ-quantile of a set of plain values, as PromQL's `quantile` aggregation,
/// `quantile_over_time` and `mad_over_time` compute it (the PromQL engine uses this type).
public enum PrometheusQuantile {
    /// The φ-quantile of `values`, interpolating linearly between the two closest ranks
    /// (rank = φ·(n−1)), computed as x[lo]·(1 − w) + x[hi]·w, Prometheus's own expression, so
    /// results agree to the last bit.
    ///
    /// Rules (Prometheus's): no values or φ = NaN gives NaN; φ < 0 gives −Inf; φ > 1 gives +Inf.
    /// NaN inputs sort below every number, so a low quantile can come out NaN.
    /// `values` is sorted in place (NaNs first); pass a scratch buffer you own.
    public static func quantile(_ phi: Double, sorting values: inout [Double]) -> Double {
        if values.isEmpty || phi.isNaN { return .nan }
        if phi < 0 { return -.infinity }
        if phi > 1 { return .infinity }
        values.sort(by: nanFirstLess)
        return quantileOfSorted(phi, values)
    }

    /// As `quantile(_:sorting:)` for a collection the caller keeps; copies it first.
    public static func quantile<C: Collection>(_ phi: Double, of values: C) -> Double where C.Element == Double {
        var scratch = Array(values)
        return quantile(phi, sorting: &scratch)
    }

    /// The quantile of values already sorted with `nanFirstLess`; φ must be within [0, 1].
    @inlinable
    static func quantileOfSorted(_ phi: Double, _ sorted: [Double]) -> Double {
        let n = Double(sorted.count)
        let rank = phi * (n - 1)
        let lower = max(0, rank.rounded(.down))
        let upper = min(n - 1, lower + 1)
        let weight = rank - rank.rounded(.down)
        return sorted[Int(lower)] * (1 - weight) + sorted[Int(upper)] * weight
    }

    /// The order PromQL sorts values in for quantiles and `sort`: NaN below everything.
    @inlinable
    public static func nanFirstLess(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN { return !b.isNaN }
        return a < b
    }

    /// True when φ is outside [0, 1] or NaN, the case where Prometheus attaches the
    /// "quantile value should be between 0 and 1" warning (see `FunctionAnnotation.invalidQuantile`).
    @inlinable
    public static func isInvalidPhi(_ phi: Double) -> Bool {
        phi.isNaN || phi < 0 || phi > 1
    }
}
