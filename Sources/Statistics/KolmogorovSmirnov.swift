/// How the two-sample Kolmogorov-Smirnov p-value was computed.
public enum KSMethod: Sendable, Equatable {
    /// scipy's default: `exact` when both samples have at most 10 000 values, else `asymptotic`.
    case automatic
    /// The exact null distribution of D for the two sample sizes (lattice paths).
    case exact
    /// scipy's `asymp`: the one-sample two-sided distribution of D for n = round(n₁n₂/(n₁+n₂)).
    case asymptotic
}

/// The result of a two-sample Kolmogorov-Smirnov test.
public struct KSResult: Sendable, Equatable {
    /// D = maxₓ |F₁(x) − F₂(x)|, the largest gap between the empirical CDFs.
    public let statistic: Double
    public let pValue: Double
    /// `.exact` or `.asymptotic`: the method actually used.
    public let method: KSMethod
}

/// Two-sided two-sample Kolmogorov-Smirnov test, as `scipy.stats.ks_2samp` with its defaults.
///
/// Exact: with D = d/(n₁n₂) for the integer d = max |i·n₂ − j·n₁| over the merged sample, p is
/// the probability that a uniformly random lattice path from (0, 0) to (n₁, n₂) reaches
/// |i·n₂ − j·n₁| ≥ d, summed as first-passage masses (positive terms only, so small p-values
/// keep their relative precision), in O(n₁ · band) time. Asymptotic: see `KolmogorovDistribution`.
/// Throws for an empty or non-finite sample.
public func kolmogorovSmirnov(_ x: [Double], _ y: [Double], method: KSMethod = .automatic) throws(StatisticsError) -> KSResult {
    try Check.sample(x, "x")
    try Check.sample(y, "y")
    let a = x.sorted(), b = y.sorted()
    let n1 = a.count, n2 = b.count
    // Walk the merged sample; after each distinct value the ECDF gap is |i·n₂ − j·n₁| / (n₁n₂).
    var i = 0, j = 0, gap = 0
    while i < n1 || j < n2 {
        let v = i < n1 && (j >= n2 || a[i] <= b[j]) ? a[i] : b[j]
        while i < n1 && a[i] == v { i += 1 }
        while j < n2 && b[j] == v { j += 1 }
        gap = max(gap, abs(i * n2 - j * n1))
    }
    let statistic = Double(gap) / (Double(n1) * Double(n2))
    var chosen = method
    if chosen == .automatic { chosen = max(n1, n2) <= 10_000 ? .exact : .asymptotic }
    let p: Double
    if chosen == .exact {
        p = KSExact.outsideProbability(n1, n2, gap)
    } else {
        let m = Double(max(n1, n2)), n = Double(min(n1, n2))
        let en = (m * n / (m + n)).rounded(.toNearestOrEven)
        p = KolmogorovDistribution.survival(statistic, n: Int(en))
    }
    return KSResult(statistic: statistic, pValue: min(max(p, 0), 1), method: chosen)
}

enum KSExact {
    /// P(a random monotone path from (0,0) to (m,n) touches |i·n − j·m| ≥ gap); gap = 0 gives 1.
    static func outsideProbability(_ m: Int, _ n: Int, _ gap: Int) -> Double {
        if gap <= 0 { return 1 }
        let total = m + n
        // inside[j] = P(at (i, j) having stayed strictly inside), for the current i.
        var inside = [Double](repeating: 0, count: n + 1)
        var outside = 0.0
        func isOutside(_ i: Int, _ j: Int) -> Bool { abs(i * n - j * m) >= gap }
        // Row i = 0: steps in j only.
        inside[0] = 1
        for j in 1...n {
            let step = inside[j - 1] * Double(n - j + 1) / Double(total - j + 1)
            if isOutside(0, j) { outside += step; inside[j] = 0 } else { inside[j] = step }
        }
        if m == 0 { return outside }
        for i in 1...m {
            // Only j with |i·n − j·m| < gap (plus the first cell past each edge) carry mass.
            // (Cells left of the band receive first-passage mass from the previous row.)
            let jLow = max(0, ((i - 1) * n - gap) / m - 1)
            let jHigh = min(n, (i * n + gap) / m + 1)
            var next = [Double](repeating: 0, count: n + 1)
            for j in jLow...jHigh {
                let remaining = Double(total - i - j + 1)
                // From (i − 1, j) by an x step, from (i, j − 1) by a y step.
                var mass = inside[j] * Double(m - i + 1) / remaining
                if j > 0 { mass += next[j - 1] * Double(n - j + 1) / remaining }
                if mass == 0 { continue }
                if isOutside(i, j) { outside += mass } else { next[j] = mass }
            }
            inside = next
        }
        return outside
    }
}
