import RealModule

/// One forecast step with its prediction interval.
public struct ForecastPoint: Sendable, Equatable {
    public let value: Double
    public let lower: Double
    public let upper: Double
}

extension ExponentialSmoothing {
    /// Point forecasts for 1 … `horizon` steps past the data, with prediction intervals at
    /// `level`.
    ///
    /// Models with additive (or no) seasonality are Hyndman et al.'s class 1 (linear,
    /// homoscedastic): the h-step variance is σ²(1 + Σⱼ₌₁..ₕ₋₁ cⱼ²) with cⱼ = α + αβj + γ·[j ≡ 0
    /// mod m], σ² = SSE/n, and the interval is the forecast ∓ z·σₕ (the analytic intervals of
    /// statsmodels' `ETSModel`). Multiplicative seasonality has no exact closed form: the
    /// interval is the (1 ∓ level)/2 quantiles of `simulations` sample paths, each drawing
    /// normal errors of variance σ² and running the recursion forward (as `ETSModel`'s
    /// simulated intervals), seeded by `seed`, so the Monte Carlo error of each bound is about
    /// 2.7·σₕ/√simulations (for a 95% interval). Throws for `horizon` outside 1...100 000, `level` outside (0, 1),
    /// or `simulations` outside 100...1 000 000.
    public func forecast(horizon: Int, level: Double = 0.95, simulations: Int = 10_000,
                         seed: UInt64 = 0) throws(StatisticsError) -> [ForecastPoint] {
        if horizon < 1 || horizon > 100_000 {
            throw StatisticsError(.invalidArgument, "horizon is \(horizon); it must be in 1...100000")
        }
        if !(level > 0 && level < 1) { throw StatisticsError(.invalidArgument, "level is \(level); it must be in (0, 1)") }
        let values = pointForecasts(horizon)
        let sigma = residualVariance.squareRoot()
        if seasonal?.kind != .multiplicative {
            let z = NormalDistribution.standardQuantile(0.5 + level / 2)
            var sum = 0.0
            return values.enumerated().map { offset, value in
                let h = offset + 1
                if h > 1 {
                    let j = h - 1
                    var c = parameters.alpha
                    if trend == .additive { c += parameters.alpha * parameters.beta * Double(j) }
                    if let s = seasonal, j % s.period == 0 { c += parameters.gamma }
                    sum += c * c
                }
                let half = z * sigma * (1 + sum).squareRoot()
                return ForecastPoint(value: value, lower: value - half, upper: value + half)
            }
        }
        if simulations < 100 || simulations > 1_000_000 {
            throw StatisticsError(.invalidArgument, "simulations is \(simulations); it must be in 100...1000000")
        }
        let paths = simulate(horizon: horizon, paths: simulations, sigma: sigma, seed: seed)
        let lowerP = 0.5 - level / 2
        return (0..<horizon).map { h in
            let sorted = paths.map { $0[h] }.sorted()
            return ForecastPoint(value: values[h], lower: Quantiles.linear(sorted, lowerP), upper: Quantiles.linear(sorted, 1 - lowerP))
        }
    }

    /// The point forecasts (ℓ + hb) + s or (ℓ + hb)·s from the final state.
    func pointForecasts(_ horizon: Int) -> [Double] {
        (1...horizon).map { h in
            let base = finalState.level + Double(h) * finalState.trend
            guard let s = seasonal else { return base }
            let factor = finalState.seasonals[(h - 1) % s.period]
            return s.kind == .multiplicative ? base * factor : base + factor
        }
    }

    /// Sample paths: `paths` × `horizon` simulated future values.
    func simulate(horizon: Int, paths: Int, sigma: Double, seed: UInt64) -> [[Double]] {
        let spec = HoltWintersSpec(uncheckedTrend: trend, seasonal: seasonal)
        var generator = SeededGenerator(seed: seed)
        return (0..<paths).map { _ in
            var level = finalState.level, slope = finalState.trend
            var ring = finalState.seasonals
            return (0..<horizon).map { t in
                // Draw the value, then update the states with it, so errors propagate.
                let mean = spec.oneStepForecast(level, slope, ring, t)
                let value = mean + sigma * generator.nextGaussian()
                _ = spec.step(parameters, &level, &slope, &ring, t, value)
                return value
            }
        }
    }

    /// The seasonal period of `y` by autocorrelation, or nil if none stands out.
    ///
    /// The series is detrended (least-squares line), its autocorrelation computed for lags
    /// 2 … min(n/2, `maxPeriod`); the candidates are local maxima with autocorrelation above
    /// 0.3, and the answer is the smallest candidate lag reaching 90% of the best one (so a
    /// daily cycle in hourly data gives 24, not its multiple 48). Needs n ≥ 8.
    public static func detectSeasonalPeriod(_ y: [Double], maxPeriod: Int = 400) -> Int? {
        let n = y.count
        guard n >= 8, y.allSatisfy(\.isFinite) else { return nil }
        // Remove the least-squares line.
        let tMean = Double(n - 1) / 2, yMean = Moments.mean(y)
        var sty = 0.0, stt = 0.0
        for (t, v) in y.enumerated() { sty += (Double(t) - tMean) * (v - yMean); stt += (Double(t) - tMean) * (Double(t) - tMean) }
        let slope = sty / stt
        let residuals = y.enumerated().map { $1 - yMean - slope * (Double($0) - tMean) }
        let variance = residuals.reduce(0) { $0 + $1 * $1 }
        if variance == 0 { return nil }
        let maxLag = min(n / 2, maxPeriod)
        guard maxLag >= 3 else { return nil }
        var acf = [Double](repeating: 0, count: maxLag + 2)
        for lag in 1...min(maxLag + 1, n - 1) {
            var s = 0.0
            for t in lag..<n { s += residuals[t] * residuals[t - lag] }
            acf[lag] = s / variance
        }
        var candidates: [(lag: Int, value: Double)] = []
        for lag in 2...maxLag where acf[lag] > 0.3 && acf[lag] > acf[lag - 1] && acf[lag] >= acf[lag + 1] {
            candidates.append((lag, acf[lag]))
        }
        guard let best = candidates.max(by: { $0.value < $1.value }) else { return nil }
        return candidates.first { $0.value >= 0.9 * best.value }?.lag
    }
}

extension HoltWintersSpec {
    /// A spec for running the recursion only (no data, no checks).
    init(uncheckedTrend trend: ExponentialSmoothing.Trend, seasonal: (kind: ExponentialSmoothing.SeasonalKind, period: Int)?) {
        self.y = []
        self.trend = trend
        self.seasonal = seasonal
    }
}
