import RealModule

/// A population stability index and the binning behind it.
public struct PSIResult: Sendable, Equatable {
    /// Σᵢ (aᵢ − eᵢ) ln(aᵢ / eᵢ) over the bins; 0 for identical distributions. Common reading:
    /// < 0.1 stable, 0.1–0.25 a moderate shift, > 0.25 a large one.
    public let value: Double
    /// Inner bin edges, ascending: bin 0 is (−∞, edges[0]], bin i is (edges[i−1], edges[i]],
    /// the last is (edges.last, ∞).
    public let edges: [Double]
    /// Share of the expected (baseline) sample in each bin, before flooring.
    public let expectedShares: [Double]
    /// Share of the actual (current) sample in each bin, before flooring.
    public let actualShares: [Double]
}

/// Population stability index of `actual` against the baseline `expected`.
///
/// Bins are equal-frequency on the baseline: the inner edges are its k/`bins` quantiles
/// (numpy's linear method), k = 1 … bins − 1, with repeated edges dropped (so ties may leave
/// fewer bins). Shares below `floor` are raised to it before the logarithm, so an empty bin
/// adds a large but finite term. Throws for empty or non-finite samples, `bins` < 2, or
/// `floor` outside (0, 1). Checked against the same definition computed with numpy.
public func populationStabilityIndex(expected: [Double], actual: [Double], bins: Int = 10,
                                     floor: Double = 1e-4) throws(StatisticsError) -> PSIResult {
    try Check.sample(expected, "expected")
    try Check.sample(actual, "actual")
    if bins < 2 { throw StatisticsError(.invalidArgument, "bins is \(bins); at least 2 needed") }
    if !(floor > 0 && floor < 1) { throw StatisticsError(.invalidArgument, "floor is \(floor); it must be in (0, 1)") }
    let sorted = expected.sorted()
    var edges: [Double] = []
    for k in 1..<bins {
        let edge = Quantiles.linear(sorted, Double(k) / Double(bins))
        if edges.last != edge { edges.append(edge) }
    }
    let e = shares(expected, edges), a = shares(actual, edges)
    var value = 0.0
    for (ei, ai) in zip(e, a) {
        let ef = max(ei, floor), af = max(ai, floor)
        value += (af - ef) * Double.log(af / ef)
    }
    return PSIResult(value: value, edges: edges, expectedShares: e, actualShares: a)
}

/// Population stability index from counts already binned the same way for both samples.
/// Throws for unequal lengths, fewer than 2 bins, negative or non-finite counts, or a sample
/// with no counts at all.
public func populationStabilityIndex(expectedCounts: [Double], actualCounts: [Double],
                                     floor: Double = 1e-4) throws(StatisticsError) -> Double {
    try Check.sameLength(expectedCounts.count, "expectedCounts", actualCounts.count, "actualCounts")
    try Check.sample(expectedCounts, "expectedCounts", minimum: 2)
    try Check.sample(actualCounts, "actualCounts", minimum: 2)
    if !(floor > 0 && floor < 1) { throw StatisticsError(.invalidArgument, "floor is \(floor); it must be in (0, 1)") }
    for (name, counts) in [("expectedCounts", expectedCounts), ("actualCounts", actualCounts)] {
        if let i = counts.firstIndex(where: { $0 < 0 }) {
            throw StatisticsError(.invalidArgument, "\(name)[\(i)] is \(counts[i]); counts must be >= 0")
        }
    }
    let te = Moments.sum(expectedCounts), ta = Moments.sum(actualCounts)
    if te == 0 || ta == 0 { throw StatisticsError(.degenerate, "a sample has no counts in any bin") }
    var value = 0.0
    for (ec, ac) in zip(expectedCounts, actualCounts) {
        let ef = max(ec / te, floor), af = max(ac / ta, floor)
        value += (af - ef) * Double.log(af / ef)
    }
    return value
}

/// Share of `values` in each bin of `edges` (right-closed bins, as documented on `PSIResult`).
private func shares(_ values: [Double], _ edges: [Double]) -> [Double] {
    var counts = [Double](repeating: 0, count: edges.count + 1)
    for v in values {
        // First edge ≥ v, by binary search.
        var low = 0, high = edges.count
        while low < high {
            let mid = (low + high) / 2
            if edges[mid] < v { low = mid + 1 } else { high = mid }
        }
        counts[low] += 1
    }
    return counts.map { $0 / Double(values.count) }
}
