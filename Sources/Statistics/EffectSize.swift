import RealModule

/// Cohen's d: (x̄ₐ − x̄ᵦ)/s, with s the pooled standard deviation
/// √(((nₐ − 1)sₐ² + (nᵦ − 1)sᵦ²)/(nₐ + nᵦ − 2)). Each sample needs ≥ 2 finite values; throws
/// `.degenerate` when the pooled variance is 0. Checked against the formula in numpy.
public func cohensD(_ a: [Double], _ b: [Double]) throws(StatisticsError) -> Double {
    let (ma, va, na) = try TTests.moments(a, "a")
    let (mb, vb, nb) = try TTests.moments(b, "b")
    let pooled = ((na - 1) * va + (nb - 1) * vb) / (na + nb - 2)
    if pooled == 0 { throw StatisticsError(.degenerate, "both samples have zero variance; Cohen's d is undefined") }
    return (ma - mb) / pooled.squareRoot()
}

/// Hedges' g: Cohen's d times the exact small-sample correction
/// J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν − 1)/2)), ν = nₐ + nᵦ − 2 (≈ 1 − 3/(4ν − 1)). Same input rules
/// as `cohensD`. Checked against the formula in numpy/scipy.special.
public func hedgesG(_ a: [Double], _ b: [Double]) throws(StatisticsError) -> Double {
    let d = try cohensD(a, b)
    let v = Double(a.count + b.count - 2)
    let j = Double.exp(Double.logGamma(v / 2) - Double.logGamma((v - 1) / 2) - 0.5 * Double.log(v / 2))
    return d * j
}
