/// Nelder-Mead minimisation over the unit box [0, 1]ᵏ (points are clamped into it), with the
/// standard coefficients (reflection 1, expansion 2, contraction ½, shrink ½).
enum NelderMead {
    /// Minimises `f` from `start`; stops when the simplex's values agree to `tolerance`
    /// (relative) with its vertices within 1e-6, when its vertices agree to 1e-10, or after
    /// `maxEvaluations`.
    static func minimize(_ start: [Double], step: Double = 0.1, tolerance: Double = 1e-13, maxEvaluations: Int = 4000,
                         _ f: ([Double]) -> Double) -> (point: [Double], value: Double) {
        let k = start.count
        func clamp(_ x: [Double]) -> [Double] { x.map { min(1, max(0, $0)) } }
        var evaluations = 0
        func eval(_ x: [Double]) -> Double { evaluations += 1; let v = f(x); return v.isNaN ? .infinity : v }
        var simplex: [[Double]] = [clamp(start)]
        for i in 0..<k {
            var p = clamp(start)
            // Step inward when the start sits on the upper face.
            p[i] = p[i] + step <= 1 ? p[i] + step : p[i] - step
            simplex.append(clamp(p))
        }
        var values = simplex.map(eval)
        while evaluations < maxEvaluations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            let spread = values[k] - values[0]
            var size = 0.0
            for v in simplex.dropFirst() { for (a, b) in zip(v, simplex[0]) { size = max(size, abs(a - b)) } }
            // Converged when the values agree (a flat direction need not shrink the simplex
            // further) or the simplex has collapsed.
            if spread <= tolerance * abs(values[0]) + 1e-300 && size <= 1e-6 { break }
            if size <= 1e-10 { break }
            var centroid = [Double](repeating: 0, count: k)
            for v in simplex.dropLast() { for i in 0..<k { centroid[i] += v[i] / Double(k) } }
            func along(_ t: Double) -> [Double] { clamp((0..<k).map { centroid[$0] + t * (simplex[k][$0] - centroid[$0]) }) }
            let reflected = along(-1)
            let fr = eval(reflected)
            if fr < values[0] {
                let expanded = along(-2)
                let fe = eval(expanded)
                if fe < fr { simplex[k] = expanded; values[k] = fe } else { simplex[k] = reflected; values[k] = fr }
            } else if fr < values[k - 1] {
                simplex[k] = reflected; values[k] = fr
            } else {
                let contracted = fr < values[k] ? along(-0.5) : along(0.5)
                let fc = eval(contracted)
                if fc < min(fr, values[k]) {
                    simplex[k] = contracted; values[k] = fc
                } else {
                    for i in 1...k {
                        simplex[i] = clamp((0..<k).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) })
                        values[i] = eval(simplex[i])
                    }
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] } ?? 0
        return (simplex[best], values[best])
    }
}

/// Small dense linear algebra for the fitting code.
enum LinearAlgebra {
    /// Solves the symmetric positive semi-definite system A x = b (row-major n × n) by Cholesky,
    /// adding `ridge` × the mean diagonal to the diagonal so flat directions get a zero step.
    static func solveSymmetric(_ a: [Double], _ b: [Double], ridge: Double = 1e-12) -> [Double]? {
        let n = b.count
        var l = a
        var meanDiagonal = 0.0
        for i in 0..<n { meanDiagonal += a[i * n + i] / Double(n) }
        let jitter = max(meanDiagonal * ridge, Double.leastNormalMagnitude)
        for i in 0..<n { l[i * n + i] += jitter }
        for j in 0..<n {
            var d = l[j * n + j]
            for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
            if !(d > 0) { return nil }
            d = d.squareRoot()
            l[j * n + j] = d
            for i in (j + 1)..<n {
                var s = l[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / d
            }
        }
        var x = b
        for i in 0..<n {
            var s = x[i]
            for k in 0..<i { s -= l[i * n + k] * x[k] }
            x[i] = s / l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<n { s -= l[k * n + i] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }
}
