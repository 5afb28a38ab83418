extension HoltWintersSpec {
    /// The SSE-minimising smoothing parameters and initial states.
    func optimise() -> (ExponentialSmoothing.Parameters, ExponentialSmoothing.State) {
        let k = smoothingCount
        // Profile: for a point of the unit box, the SSE with the best initial states. The
        // initial states of the best point so far seed the next solve (multiplicative models
        // iterate, so a near start saves passes); the search stops inner iterations at 1e-10,
        // the final solve at the best point polishes to full precision.
        var bestSSE = Double.infinity
        var bestU: [Double] = []
        var bestX = freeVector(heuristicState())
        func profile(_ u: [Double]) -> Double {
            let (x, sse) = solveInitialStates(parameters(u), from: bestX, tolerance: 1e-10)
            if sse < bestSSE { bestSSE = sse; bestU = u; bestX = x }
            return sse
        }
        // A coarse grid (fewer levels as the dimension grows), then Nelder-Mead from the best
        // few grid points and once more from the winner to shake off a collapsed simplex.
        let levels: [Double] = k == 1 ? [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]
            : k == 2 ? [0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 1] : [0.02, 0.2, 0.5, 0.8, 0.98]
        var grid: [([Double], Double)] = []
        func walk(_ prefix: [Double]) {
            if prefix.count == k { grid.append((prefix, profile(prefix))); return }
            for v in levels { walk(prefix + [v]) }
        }
        walk([])
        for seed in grid.sorted(by: { $0.1 < $1.1 }).prefix(2).map(\.0) {
            _ = NelderMead.minimize(seed, step: 0.1, profile)
        }
        _ = NelderMead.minimize(bestU, step: 0.02, profile)
        let (x, _) = solveInitialStates(parameters(bestU), from: bestX, tolerance: 1e-15)
        return (parameters(bestU), state(x))
    }

    /// For fixed smoothing parameters, the initial states minimising the SSE, by Gauss-Newton
    /// with Levenberg damping; forward-mode derivatives of the forecasts with respect to the
    /// free states are carried through the recursion. Additive models converge in one step.
    func solveInitialStates(_ p: ExponentialSmoothing.Parameters, from start: [Double], tolerance: Double) -> (x: [Double], sse: Double) {
        var x = start
        var (sse, gram, gradient) = linearise(p, x)
        var damping = multiplicative ? 1e-6 : 0.0
        for _ in 0..<(multiplicative ? 60 : 3) {
            var a = gram
            let n = x.count
            for i in 0..<n { a[i * n + i] *= 1 + damping }
            guard let delta = LinearAlgebra.solveSymmetric(a, gradient) else { break }
            let candidate = zip(x, delta).map { $0 + $1 }
            let next = linearise(p, candidate)
            if next.sse.isFinite && next.sse <= sse {
                let improvement = sse - next.sse
                (x, sse, gram, gradient) = (candidate, next.sse, next.gram, next.gradient)
                damping *= 0.1
                if improvement <= tolerance * sse { break }
            } else {
                if !multiplicative { break }
                damping = max(damping * 10, 1e-6)
                if damping > 1e8 { break }
            }
        }
        return (x, sse)
    }

    /// The SSE at free states x, with JᵀJ and −Jᵀr for the Gauss-Newton step (J = ∂ŷ/∂x).
    func linearise(_ p: ExponentialSmoothing.Parameters, _ x: [Double]) -> (sse: Double, gram: [Double], gradient: [Double]) {
        let n = x.count, m = period
        let initial = state(x)
        var level = initial.level, slope = initial.trend
        var ring = initial.seasonals
        // Derivatives of ℓ, b and each seasonal slot with respect to x.
        var dLevel = [Double](repeating: 0, count: n), dSlope = dLevel
        dLevel[0] = 1
        if hasTrend { dSlope[1] = 1 }
        var dRing = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
        let first = hasTrend ? 2 : 1
        for j in 0..<m {
            if j < m - 1 { dRing[j][first + j] = 1 } else { for i in 0..<(m - 1) { dRing[j][first + i] = -1 } }
        }
        var gram = [Double](repeating: 0, count: n * n), gradient = [Double](repeating: 0, count: n)
        var sse = 0.0
        var dForecast = [Double](repeating: 0, count: n)
        var dBase = dForecast
        for (t, value) in y.enumerated() {
            let base = level + slope
            for i in 0..<n { dBase[i] = dLevel[i] + dSlope[i] }
            let slot = m > 0 ? t % m : 0
            let s = m > 0 ? ring[slot] : 0
            var newDLevel = dBase
            if multiplicative {
                for i in 0..<n { dForecast[i] = s * dBase[i] + base * dRing[slot][i] }
                let ds = -p.alpha * value / (s * s), db = -p.gamma * value / (base * base)
                for i in 0..<n {
                    newDLevel[i] = ds * dRing[slot][i] + (1 - p.alpha) * dBase[i]
                    dRing[slot][i] = db * dBase[i] + (1 - p.gamma) * dRing[slot][i]
                }
            } else {
                for i in 0..<n { dForecast[i] = dBase[i] + (m > 0 ? dRing[slot][i] : 0) }
                for i in 0..<n {
                    let dS = m > 0 ? dRing[slot][i] : 0
                    newDLevel[i] = -p.alpha * dS + (1 - p.alpha) * dBase[i]
                    if m > 0 { dRing[slot][i] = -p.gamma * dBase[i] + (1 - p.gamma) * dS }
                }
            }
            if hasTrend {
                for i in 0..<n { dSlope[i] = p.beta * (newDLevel[i] - dLevel[i]) + (1 - p.beta) * dSlope[i] }
            }
            dLevel = newDLevel
            let forecast = step(p, &level, &slope, &ring, t, value)
            let residual = value - forecast
            sse += residual * residual
            for i in 0..<n where dForecast[i] != 0 {
                let di = dForecast[i]
                gradient[i] += di * residual
                for j in i..<n { gram[i * n + j] += di * dForecast[j] }
            }
        }
        for i in 0..<n { for j in 0..<i { gram[i * n + j] = gram[j * n + i] } }
        return (sse, gram, gradient)
    }
}
