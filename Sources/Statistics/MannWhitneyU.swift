/// How the Mann-Whitney p-value was computed.
public enum MannWhitneyMethod: Sendable, Equatable {
    /// scipy's default choice: `exact` when the smaller sample has at most 8 values and there
    /// are no ties, `asymptotic` otherwise; also `asymptotic` when n₁·n₂ > 20 000, where the
    /// exact distribution costs O((n₁n₂)²) here as in scipy (seconds, then minutes) and the
    /// normal approximation is already accurate.
    case automatic
    /// The exact null distribution of U (no tie correction; a tied, non-integer U is truncated
    /// as scipy does).
    case exact
    /// The normal approximation with tie correction and continuity correction.
    case asymptotic
}

/// The result of a Mann-Whitney U test.
public struct MannWhitneyResult: Sendable, Equatable {
    /// U of the first sample: the number of pairs (xᵢ, yⱼ) with xᵢ > yⱼ, ties counting ½.
    public let u: Double
    public let pValue: Double
    /// `.exact` or `.asymptotic`: the method actually used.
    public let method: MannWhitneyMethod
}

/// Mann-Whitney U (Wilcoxon rank-sum) test of x against y, as `scipy.stats.mannwhitneyu` with
/// its defaults (`use_continuity=True`, `method='auto'`).
///
/// Asymptotic: z = (U − n₁n₂/2 − ½)/σ with σ² = n₁n₂/12 · ((n + 1) − Σ(t³ − t)/(n(n − 1))),
/// U the larger of U₁, U₂ for two-sided (p doubled), U₁ for `greater`, U₂ for `less`.
/// Exact: P(U ≥ u) from the count of arrangements with each U, built by the recurrence
/// f(i, j, u) = f(i − 1, j, u − j) + f(i, j − 1, u) (all additions of positive numbers, so tail
/// probabilities keep full relative precision). Throws for an empty or non-finite sample.
public func mannWhitneyU(_ x: [Double], _ y: [Double], alternative: Alternative = .twoSided,
                         method: MannWhitneyMethod = .automatic) throws(StatisticsError) -> MannWhitneyResult {
    try Check.sample(x, "x")
    try Check.sample(y, "y")
    let n1 = Double(x.count), n2 = Double(y.count)
    let (ranks, ties) = Ranks.average(x + y)
    let r1 = Moments.sum(Array(ranks[0..<x.count]))
    let u1 = r1 - n1 * (n1 + 1) / 2
    let u2 = n1 * n2 - u1
    let (u, factor): (Double, Double)
    switch alternative {
    case .greater: (u, factor) = (u1, 1)
    case .less: (u, factor) = (u2, 1)
    case .twoSided: (u, factor) = (max(u1, u2), 2)
    }
    var chosen = method
    if chosen == .automatic {
        let hasTies = ties.contains { $0 > 1 }
        chosen = (x.count > 8 && y.count > 8) || hasTies || x.count * y.count > MannWhitneyExact.maxCells ? .asymptotic : .exact
    }
    let p: Double
    if chosen == .exact && x.count * y.count > MannWhitneyExact.maxCells {
        throw StatisticsError(.invalidArgument, "the exact method is limited to n1·n2 <= \(MannWhitneyExact.maxCells); use .asymptotic")
    }
    if chosen == .exact {
        p = MannWhitneyExact.survival(Int(u), min(x.count, y.count), max(x.count, y.count))
    } else {
        let n = n1 + n2
        let tieTerm = ties.reduce(0.0) { $0 + Double($1) * Double($1) * Double($1) - Double($1) }
        let sigma = (n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
        let z = (u - n1 * n2 / 2 - 0.5) / sigma
        p = NormalDistribution.standardCDF(-z)
    }
    return MannWhitneyResult(u: u1, pValue: min(max(p * factor, 0), 1), method: chosen)
}

enum MannWhitneyExact {
    /// Largest n₁·n₂ for which `.automatic` picks the exact distribution, and `.exact` is honoured.
    static let maxCells = 20_000

    /// P(U ≥ u) under the null for samples of sizes small ≤ large.
    static func survival(_ u: Int, _ small: Int, _ large: Int) -> Double {
        let maxU = small * large
        if u <= 0 { return 1 }
        if u > maxU { return 0 }
        let counts = frequencies(small, large)
        // Sum the shorter tail: P(U ≥ u) = P(U ≤ maxU − u) by symmetry.
        let total = counts.reduce(0, +)
        if u > maxU - u {
            return counts[u...].reduce(0, +) / total
        }
        return 1 - counts[..<u].reduce(0, +) / total
    }

    /// Number of arrangements of `small` x's and `large` y's with each U in 0...small·large.
    static func frequencies(_ small: Int, _ large: Int) -> [Double] {
        // row[i] holds f(i, j, ·) for the current j.
        var row: [[Double]] = (0...small).map { _ in [1] }  // j = 0: U = 0 only
        if large == 0 { return row[small] }
        for j in 1...large {
            var next: [[Double]] = [[1]]  // i = 0: U = 0 only
            for i in 1...small {
                var f = [Double](repeating: 0, count: i * j + 1)
                // f(i, j − 1, u): the last element is a y.
                for (k, v) in row[i].enumerated() { f[k] += v }
                // f(i − 1, j, u − j): the last element is an x, above all j y's.
                for (k, v) in next[i - 1].enumerated() { f[k + j] += v }
                next.append(f)
            }
            row = next
        }
        return row[small]
    }
}
