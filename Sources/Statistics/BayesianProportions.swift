/// One variant of a Beta-binomial comparison.
public struct BayesianVariant: Sendable, Equatable {
    /// Mean of the Beta(α + successes, β + failures) posterior of the rate.
    public let posteriorMean: Double
    /// Lower end of the equal-tailed credible interval: the posterior's (1 − mass)/2 quantile.
    public let credibleLower: Double
    /// Upper end: the posterior's (1 + mass)/2 quantile.
    public let credibleUpper: Double
    /// P(this variant's rate is the highest of all variants), under the independent posteriors.
    public let chanceToBeBest: Double

    public init(posteriorMean: Double, credibleLower: Double, credibleUpper: Double, chanceToBeBest: Double) {
        self.posteriorMean = posteriorMean
        self.credibleLower = credibleLower
        self.credibleUpper = credibleUpper
        self.chanceToBeBest = chanceToBeBest
    }
}

/// Beta-binomial comparison of k ≥ 2 variants with a Beta(priorAlpha, priorBeta) prior.
///
/// Variant i's rate has posterior Beta(priorAlpha + successes[i], priorBeta + trials[i] −
/// successes[i]). `chanceToBeBest` is P(rateᵢ > rateⱼ for all j ≠ i) = ∫ fᵢ(x) Πⱼ≠ᵢ Fⱼ(x) dx,
/// computed for every k (two variants included) by adaptive Gauss-Legendre quadrature over the
/// central 1 − 2e-15 of variant i's posterior, split at its quantiles; no Monte Carlo. The
/// result is accurate to about 1e-12 absolute (checked to 1e-9 against the closed form
/// for two variants and against scipy's `integrate.quad` for three and more).
///
/// Returns an empty array for input that does not describe k ≥ 2 variants: arrays of
/// different lengths or fewer than 2, a negative count, successes > trials, a prior
/// parameter that is not finite and > 0, `credibleMass` outside (0, 1), or more than 64
/// variants (the cost grows as k²).
/// Cost: O(k² · evaluations), a few thousand incomplete-beta evaluations per variant.
public func bayesianProportions(successes: [Int], trials: [Int], priorAlpha: Double = 1, priorBeta: Double = 1,
                                credibleMass: Double = 0.95) -> [BayesianVariant] {
    guard successes.count == trials.count, successes.count >= 2, successes.count <= 64,
          priorAlpha.isFinite, priorAlpha > 0, priorBeta.isFinite, priorBeta > 0,
          credibleMass > 0, credibleMass < 1 else { return [] }
    var posteriors: [BetaDistribution] = []
    for (s, n) in zip(successes, trials) {
        guard s >= 0, n >= s else { return [] }
        posteriors.append(BetaDistribution(uncheckedAlpha: priorAlpha + Double(s), beta: priorBeta + Double(n - s)))
    }
    let lowerP = (1 - credibleMass) / 2
    return posteriors.indices.map { i in
        let posterior = posteriors[i]
        return BayesianVariant(
            posteriorMean: posterior.mean,
            credibleLower: posterior.quantile(lowerP),
            credibleUpper: posterior.quantile(1 - lowerP),
            chanceToBeBest: chanceToBeBest(i, posteriors))
    }
}

/// ∫ fᵢ(x) Πⱼ≠ᵢ Fⱼ(x) dx over variant i's posterior.
func chanceToBeBest(_ i: Int, _ posteriors: [BetaDistribution]) -> Double {
    let own = posteriors[i]
    let others = posteriors.indices.filter { $0 != i }.map { posteriors[$0] }
    // Break points at quantiles of the own posterior put the nodes where its mass is, however
    // narrow; beyond the outer ones lies 2e-15 of mass, the integrand's bound there.
    let levels = [1e-15, 1e-10, 1e-6, 1e-3, 0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98, 1 - 1e-3, 1 - 1e-6, 1 - 1e-10, 1 - 1e-15]
    var points = levels.map { own.quantile($0) }
    // Where the other variants' CDFs rise steeply, split too.
    for other in others { points.append(other.quantile(0.5)) }
    points = points.filter { $0 >= points[0] && $0 <= points[levels.count - 1] }.sorted()
    var total = 0.0
    for (a, b) in zip(points, points.dropFirst()) where b > a {
        total += Quadrature.integrate(a, b, tolerance: 1e-14) { x in
            var value = own.pdf(x)
            for other in others where value > 0 { value *= other.cdf(x) }
            return value
        }
    }
    return min(max(total, 0), 1)
}
