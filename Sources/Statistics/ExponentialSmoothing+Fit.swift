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
        for _ in 0..<(multiplicative ? 60 : 2) {
            var a = gram
            let n = x.count
            for i in 0..<n { a[i * n + i] *= 1 + damping }
            guard let delta = LinearAlgebra.solveSymmetric(a, gradient) else { break }
            let candidate = zip(x, delta).map { $0 + $1 }
            // Plain runs are ~80× cheaper than linearisations: test the step with one first.
            let candidateSSE = run(p, state(candidate)).sse
            if candidateSSE.isFinite && candidateSSE <= sse {
                let improvement = sse - candidateSSE
                (x, sse) = (candidate, candidateSSE)
                // Additive errors are affine in x: the first step is the exact minimiser.
                if !multiplicative || improvement <= tolerance * sse { break }
                damping *= 0.1
                (_, gram, gradient) = linearise(p, x)
            } else {
                if !multiplicative { break }
                damping = max(damping * 10, 1e-6)
                if damping > 1e8 { break }
            }
        }
        return (x, sse)
    }

    /// The SSE at free states x, with JᵀJ and Jᵀr for the Gauss-Newton step (J = ∂ŷ/∂x).
    /// The derivative vectors live in one flat buffer (level, slope, then one per seasonal
    /// slot), updated in place: this is the fit's inner loop.
    func linearise(_ p: ExponentialSmoothing.Parameters, _ x: [Double]) -> (sse: Double, gram: [Double], gradient: [Double]) {
        let n = x.count, m = period
        let initial = state(x)
        var level = initial.level, slope = initial.trend
        var ring = initial.seasonals
        var gram = [Double](repeating: 0, count: n * n), gradient = [Double](repeating: 0, count: n)
        // Rows: 0 level, 1 slope, 2 base (ℓ + b), 3 forecast, 4 new level, 5 + j seasonal slot j.
        var d = [Double](repeating: 0, count: (5 + m) * n)
        let first = hasTrend ? 2 : 1
        var sse = 0.0
        d.withUnsafeMutableBufferPointer { d in
            gram.withUnsafeMutableBufferPointer { gram in
                gradient.withUnsafeMutableBufferPointer { gradient in
                    let dLevel = 0, dSlope = n, dBase = 2 * n, dForecast = 3 * n, dNew = 4 * n
                    d[dLevel] = 1
                    if hasTrend { d[dSlope + 1] = 1 }
                    for j in 0..<m {
                        let row = (5 + j) * n
                        if j < m - 1 { d[row + first + j] = 1 } else { for i in 0..<(m - 1) { d[row + first + i] = -1 } }
                    }
                    let alpha = p.alpha, beta = p.beta, gamma = p.gamma
                    for (t, value) in y.enumerated() {
                        let base = level + slope
                        let slot = m > 0 ? t % m : 0
                        let dS = (5 + slot) * n
                        let s = m > 0 ? ring[slot] : 0
                        for i in 0..<n { d[dBase + i] = d[dLevel + i] + d[dSlope + i] }
                        if multiplicative {
                            let cs = -alpha * value / (s * s), cb = -gamma * value / (base * base)
                            for i in 0..<n {
                                let db = d[dBase + i], ds = d[dS + i]
                                d[dForecast + i] = s * db + base * ds
                                d[dNew + i] = cs * ds + (1 - alpha) * db
                                d[dS + i] = cb * db + (1 - gamma) * ds
                            }
                        } else if m > 0 {
                            for i in 0..<n {
                                let db = d[dBase + i], ds = d[dS + i]
                                d[dForecast + i] = db + ds
                                d[dNew + i] = -alpha * ds + (1 - alpha) * db
                                d[dS + i] = -gamma * db + (1 - gamma) * ds
                            }
                        } else {
                            for i in 0..<n {
                                d[dForecast + i] = d[dBase + i]
                                d[dNew + i] = (1 - alpha) * d[dBase + i]
                            }
                        }
                        if hasTrend {
                            for i in 0..<n { d[dSlope + i] = beta * (d[dNew + i] - d[dLevel + i]) + (1 - beta) * d[dSlope + i] }
                        }
                        for i in 0..<n { d[dLevel + i] = d[dNew + i] }
                        let forecast = step(p, &level, &slope, &ring, t, value)
                        let residual = value - forecast
                        sse += residual * residual
                        for i in 0..<n {
                            let di = d[dForecast + i]
                            if di == 0 { continue }
                            gradient[i] += di * residual
                            for j in i..<n { gram[i * n + j] += di * d[dForecast + j] }
                        }
                    }
                    for i in 0..<n { for j in 0..<i { gram[i * n + j] = gram[j * n + i] } }
                }
            }
        }
        return (sse, gram, gradient)
    }
}
