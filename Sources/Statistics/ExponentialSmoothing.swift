/// Exponential smoothing: simple, Holt (additive trend) and Holt-Winters (additive or
/// multiplicative seasonality), in the recursions of statsmodels' `ExponentialSmoothing`:
///
///     ŷₜ = (ℓ + b) + sₜ₋ₘ            (additive)      ŷₜ = (ℓ + b) · sₜ₋ₘ             (multiplicative)
///     ℓ' = α(y − s) + (1 − α)(ℓ + b)                  ℓ' = α y/s + (1 − α)(ℓ + b)
///     b' = β(ℓ' − ℓ) + (1 − β) b
///     s' = γ(y − ℓ − b) + (1 − γ) s                   s' = γ y/(ℓ + b) + (1 − γ) s
///
/// (without trend b = 0; without seasonality s = 0). These are the ETS(A,·,·) models of Hyndman
/// et al. (2008) with additive errors, ETS β = αβ and ETS γ = γ.
///
/// `fit` minimises the sum of squared one-step errors over all observations, as statsmodels'
/// `ExponentialSmoothing(...).fit()` does, over α ∈ [0, 1], β ∈ [0, α], γ ∈ [0, 1 − α]
/// (statsmodels' region) and the initial states. For fixed α, β, γ the initial states are
/// solved by Gauss-Newton with derivatives carried through the recursion: one exact step for
/// additive models (their errors are affine in the initial states), iterated for
/// multiplicative ones; α, β, γ are found by a grid then Nelder-Mead on that profile. The
/// seasonal states are normalised (sum 0, or mean 1 for multiplicative), which leaves the fit
/// unchanged. Immutable and `Sendable`.
public struct ExponentialSmoothing: Sendable {
    public enum Trend: Sendable, Equatable { case none, additive }
    public enum SeasonalKind: Sendable, Equatable { case additive, multiplicative }

    /// The smoothing parameters, statsmodels' `smoothing_level`, `smoothing_trend`,
    /// `smoothing_seasonal` (β and γ are 0 for models without the component).
    public struct Parameters: Sendable, Equatable {
        public var alpha: Double
        public var beta: Double
        public var gamma: Double
        public init(alpha: Double, beta: Double = 0, gamma: Double = 0) {
            self.alpha = alpha
            self.beta = beta
            self.gamma = gamma
        }
    }

    /// The states before the first observation: ℓ₀, b₀ and the m seasonal factors applied to
    /// observations 0 … m − 1 (statsmodels' `initial_seasonal`).
    public struct State: Sendable, Equatable {
        public var level: Double
        public var trend: Double
        public var seasonals: [Double]
        public init(level: Double, trend: Double = 0, seasonals: [Double] = []) {
            self.level = level
            self.trend = trend
            self.seasonals = seasonals
        }
    }

    public let trend: Trend
    /// The seasonal component and its period; nil when the model has none.
    public let seasonal: (kind: SeasonalKind, period: Int)?
    public let parameters: Parameters
    public let initialState: State
    /// The states after the last observation, from which forecasts start.
    public let finalState: State
    /// One-step-ahead fitted values ŷₜ, one per observation.
    public let fitted: [Double]
    /// Σ (yₜ − ŷₜ)².
    public let sse: Double
    public let observationCount: Int

    /// σ² = SSE / n, the innovation variance behind the prediction intervals (as statsmodels'
    /// `ETSModel`, whose `mse` is the mean squared residual).
    public var residualVariance: Double { sse / Double(observationCount) }

    /// Fits the model to `y`, choosing α, β, γ and the initial states that minimise the SSE.
    ///
    /// `seasonalPeriod` nil with a `seasonal` kind detects the period with
    /// `detectSeasonalPeriod`; if none is found the model is fitted without seasonality.
    /// Throws for a non-finite series, too few values (more than the number of parameters
    /// and, with seasonality, at least two full periods), a period outside 2...1000, or
    /// non-positive values with multiplicative seasonality. Cost: O(n·p²) per SSE evaluation
    /// (p = m + 2 states) times a few hundred evaluations (in a release build about 30 ms for n = 96, m = 12
    /// additive, 65 ms multiplicative, 110 ms for n = 336, m = 24).
    public static func fit(_ y: [Double], trend: Trend = .none, seasonal: SeasonalKind? = nil,
                           seasonalPeriod: Int? = nil) throws(StatisticsError) -> ExponentialSmoothing {
        try Check.sample(y, "y", minimum: 3)
        var component: (kind: SeasonalKind, period: Int)? = nil
        if let kind = seasonal {
            if let period = seasonalPeriod ?? detectSeasonalPeriod(y) { component = (kind, period) }
        }
        let spec = try HoltWintersSpec(y, trend: trend, seasonal: component)
        let (parameters, initial) = spec.optimise()
        return ExponentialSmoothing(spec, parameters, initial)
    }

    /// A model with given parameters and initial states, run over `y` (to forecast from a
    /// stored model, or from another tool's fit). `state.seasonals` must have `seasonalPeriod`
    /// entries when `seasonal` is set. Throws for invalid shapes or non-finite values.
    public init(_ y: [Double], trend: Trend, seasonal: SeasonalKind? = nil, seasonalPeriod: Int? = nil,
                parameters: Parameters, initialState: State) throws(StatisticsError) {
        try Check.sample(y, "y")
        var component: (kind: SeasonalKind, period: Int)? = nil
        if let kind = seasonal {
            guard let period = seasonalPeriod else {
                throw StatisticsError(.invalidArgument, "seasonalPeriod is required with a seasonal component")
            }
            component = (kind, period)
        }
        let spec = try HoltWintersSpec(y, trend: trend, seasonal: component, checkLength: false)
        try Check.parameter(parameters.alpha, "alpha", in: 0...1)
        try Check.parameter(parameters.beta, "beta", in: 0...1)
        try Check.parameter(parameters.gamma, "gamma", in: 0...1)
        try Check.finite([initialState.level, initialState.trend], "initialState")
        try Check.finite(initialState.seasonals, "initialState.seasonals")
        try Check.sameLength(initialState.seasonals.count, "initialState.seasonals", component?.period ?? 0, "the seasonal period")
        self.init(spec, parameters, initialState)
    }

    init(_ spec: HoltWintersSpec, _ parameters: Parameters, _ initial: State) {
        let run = spec.run(parameters, initial)
        trend = spec.trend
        seasonal = spec.seasonal
        self.parameters = parameters
        initialState = initial
        finalState = run.final
        fitted = run.fitted
        sse = run.sse
        observationCount = spec.y.count
    }
}

/// A model's shape and data, with the recursion and the fitting procedure.
struct HoltWintersSpec: Sendable {
    let y: [Double]
    let trend: ExponentialSmoothing.Trend
    let seasonal: (kind: ExponentialSmoothing.SeasonalKind, period: Int)?

    var hasTrend: Bool { trend == .additive }
    var period: Int { seasonal?.period ?? 0 }
    var multiplicative: Bool { seasonal?.kind == .multiplicative }
    /// Free initial states: ℓ₀, b₀ (with trend), s₀ … sₘ₋₂ (sₘ₋₁ follows from the normalisation).
    var stateCount: Int { 1 + (hasTrend ? 1 : 0) + max(0, period - 1) }
    var smoothingCount: Int { 1 + (hasTrend ? 1 : 0) + (seasonal == nil ? 0 : 1) }

    init(_ y: [Double], trend: ExponentialSmoothing.Trend, seasonal: (kind: ExponentialSmoothing.SeasonalKind, period: Int)?,
         checkLength: Bool = true) throws(StatisticsError) {
        self.y = y
        self.trend = trend
        self.seasonal = seasonal
        if let s = seasonal {
            if s.period < 2 || s.period > 1000 {
                throw StatisticsError(.invalidArgument, "seasonalPeriod is \(s.period); it must be in 2...1000")
            }
            if checkLength && y.count < 2 * s.period {
                throw StatisticsError(.tooFewValues, "y has \(y.count) values; two full periods (\(2 * s.period)) needed")
            }
            if s.kind == .multiplicative, let i = y.firstIndex(where: { $0 <= 0 }) {
                throw StatisticsError(.invalidArgument, "y[\(i)] is \(y[i]); multiplicative seasonality needs positive values")
            }
        }
        if checkLength && y.count <= stateCount + smoothingCount {
            throw StatisticsError(.tooFewValues, "y has \(y.count) values; more than \(stateCount + smoothingCount) needed for this model")
        }
    }

    /// α, β, γ from a point u of the unit box: α = u₀, β = u₁α, γ = u₂(1 − α).
    func parameters(_ u: [Double]) -> ExponentialSmoothing.Parameters {
        let alpha = u[0]
        var i = 1
        var beta = 0.0, gamma = 0.0
        if hasTrend { beta = u[i] * alpha; i += 1 }
        if seasonal != nil { gamma = u[i] * (1 - alpha) }
        return .init(alpha: alpha, beta: beta, gamma: gamma)
    }

    /// The full initial state from the free vector x.
    func state(_ x: [Double]) -> ExponentialSmoothing.State {
        var state = ExponentialSmoothing.State(level: x[0], trend: hasTrend ? x[1] : 0)
        if period > 0 {
            let first = hasTrend ? 2 : 1
            var seasonals = Array(x[first..<(first + period - 1)])
            let total = seasonals.reduce(0, +)
            seasonals.append((multiplicative ? Double(period) : 0) - total)
            state.seasonals = seasonals
        }
        return state
    }

    func freeVector(_ state: ExponentialSmoothing.State) -> [Double] {
        var x = [state.level]
        if hasTrend { x.append(state.trend) }
        if period > 0 { x += state.seasonals.dropLast() }
        return x
    }

    /// statsmodels' "simple" initialisation: ℓ₀ the mean of the first period, b₀ the change
    /// of period means per step, s the first period's ratios or differences to ℓ₀.
    func heuristicState() -> ExponentialSmoothing.State {
        if period == 0 {
            return .init(level: y[0], trend: hasTrend ? y[1] - y[0] : 0)
        }
        let m = period
        let first = y[0..<m].reduce(0, +) / Double(m)
        let second = y[m..<min(2 * m, y.count)].reduce(0, +) / Double(min(2 * m, y.count) - m)
        var seasonals = y[0..<m].map { multiplicative ? $0 / first : $0 - first }
        // Normalise to sum 0 / mean 1 as the parametrisation requires.
        let mean = seasonals.reduce(0, +) / Double(m)
        seasonals = seasonals.map { multiplicative ? $0 / mean : $0 - mean }
        return .init(level: first, trend: hasTrend ? (second - first) / Double(m) : 0, seasonals: seasonals)
    }

    struct Run {
        var fitted: [Double]
        var sse: Double
        var final: ExponentialSmoothing.State
    }

    /// Runs the recursion over y from `initial`.
    func run(_ p: ExponentialSmoothing.Parameters, _ initial: ExponentialSmoothing.State) -> Run {
        var level = initial.level, slope = initial.trend
        var ring = initial.seasonals
        var fitted: [Double] = []
        fitted.reserveCapacity(y.count)
        var sse = 0.0
        for (t, value) in y.enumerated() {
            let forecast = step(p, &level, &slope, &ring, t, value)
            fitted.append(forecast)
            sse += (value - forecast) * (value - forecast)
        }
        return Run(fitted: fitted, sse: sse, final: .init(level: level, trend: slope, seasonals: rotated(ring, by: y.count)))
    }

    /// The forecast of the value at time t from the current states.
    func oneStepForecast(_ level: Double, _ slope: Double, _ ring: [Double], _ t: Int) -> Double {
        guard period > 0 else { return level + slope }
        return multiplicative ? (level + slope) * ring[t % period] : level + slope + ring[t % period]
    }

    /// One observation: returns the one-step forecast made before seeing `value` and updates
    /// the states with it. `ring[t mod m]` is the seasonal factor for time t.
    func step(_ p: ExponentialSmoothing.Parameters, _ level: inout Double, _ slope: inout Double, _ ring: inout [Double],
              _ t: Int, _ value: Double) -> Double {
        let base = level + slope
        var s = 0.0
        if period > 0 { s = ring[t % period] }
        let forecast: Double
        let newLevel: Double
        if multiplicative {
            forecast = base * s
            newLevel = p.alpha * value / s + (1 - p.alpha) * base
            ring[t % period] = p.gamma * value / base + (1 - p.gamma) * s
        } else {
            forecast = base + s
            newLevel = p.alpha * (value - s) + (1 - p.alpha) * base
            if period > 0 { ring[t % period] = p.gamma * (value - base) + (1 - p.gamma) * s }
        }
        if hasTrend { slope = p.beta * (newLevel - level) + (1 - p.beta) * slope }
        level = newLevel
        return forecast
    }

    /// The ring reordered so entry j is the factor for time `offset` + j.
    func rotated(_ ring: [Double], by offset: Int) -> [Double] {
        if ring.isEmpty { return ring }
        return (0..<period).map { ring[(offset + $0) % period] }
    }
}
