/// An ordinary least squares fit y = Xβ + ε, solved by Householder QR (no normal equations, so
/// nearly collinear columns keep their digits). Checked against statsmodels' `OLS`.
///
/// Immutable and `Sendable`: fit once, predict from any thread.
public struct LinearRegression: Sendable {
    /// β, the intercept first when `hasIntercept`.
    public let coefficients: [Double]
    /// √diag(σ² (XᵀX)⁻¹).
    public let standardErrors: [Double]
    public let tStatistics: [Double]
    /// Two-sided p-values of βᵢ = 0, from Student's t on `residualDegreesOfFreedom`.
    public let pValues: [Double]
    /// 1 − RSS/TSS, with TSS centred when the model has an intercept and uncentred otherwise
    /// (statsmodels' convention).
    public let rSquared: Double
    public let adjustedRSquared: Double
    /// σ² = RSS/(n − p).
    public let residualVariance: Double
    public let residualDegreesOfFreedom: Int
    public let hasIntercept: Bool
    /// (XᵀX)⁻¹, row-major p × p.
    let inverseGram: [Double]

    /// Fits y on the rows of `x` (each row one observation's regressors), with an intercept
    /// column prepended when `intercept` is true.
    ///
    /// Throws for mismatched lengths, ragged rows, non-finite values, n ≤ p (no residual degrees
    /// of freedom), or `.degenerate` when the columns are linearly dependent (rank < p).
    public init(x: [[Double]], y: [Double], intercept: Bool = true) throws(StatisticsError) {
        try Check.sameLength(x.count, "x", y.count, "y")
        try Check.sample(y, "y")
        let k = x.first?.count ?? 0
        for (i, row) in x.enumerated() {
            try Check.sameLength(row.count, "x[\(i)]", k, "x[0]")
            try Check.finite(row, "x[\(i)]")
        }
        let p = k + (intercept ? 1 : 0)
        let n = y.count
        if p == 0 { throw StatisticsError(.invalidArgument, "the model has no columns: give regressors or an intercept") }
        if n <= p { throw StatisticsError(.tooFewValues, "\(n) observations for \(p) coefficients; more observations than coefficients needed") }
        // Column-major design matrix.
        var a = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            if intercept { a[i] = 1 }
            for j in 0..<k { a[(j + (intercept ? 1 : 0)) * n + i] = x[i][j] }
        }
        var qty = y
        var r = [Double](repeating: 0, count: p * p)
        try Self.householder(&a, &qty, &r, n, p)
        // β = R⁻¹ Qᵀy by back substitution.
        var beta = [Double](repeating: 0, count: p)
        for i in stride(from: p - 1, through: 0, by: -1) {
            var s = qty[i]
            for j in (i + 1)..<p { s -= r[i * p + j] * beta[j] }
            beta[i] = s / r[i * p + i]
        }
        // Residual sum of squares from the fitted values (more accurate than ‖Qᵀy‖ tail).
        var rss = 0.0
        for i in 0..<n {
            var fitted = intercept ? beta[0] : 0
            for j in 0..<k { fitted += beta[j + (intercept ? 1 : 0)] * x[i][j] }
            let e = y[i] - fitted
            rss += e * e
        }
        let df = n - p
        let sigma2 = rss / Double(df)
        // (XᵀX)⁻¹ = R⁻¹ R⁻ᵀ.
        var rInverse = [Double](repeating: 0, count: p * p)
        for col in 0..<p {
            rInverse[col * p + col] = 1 / r[col * p + col]
            for i in stride(from: col - 1, through: 0, by: -1) {
                var s = 0.0
                for j in (i + 1)...col { s += r[i * p + j] * rInverse[j * p + col] }
                rInverse[i * p + col] = -s / r[i * p + i]
            }
        }
        var gram = [Double](repeating: 0, count: p * p)
        for i in 0..<p {
            for j in 0..<p {
                var s = 0.0
                for l in max(i, j)..<p { s += rInverse[i * p + l] * rInverse[j * p + l] }
                gram[i * p + j] = s
            }
        }
        let t = StudentTDistribution(unchecked: Double(df))
        coefficients = beta
        standardErrors = (0..<p).map { (sigma2 * gram[$0 * p + $0]).squareRoot() }
        tStatistics = zip(beta, standardErrors).map { $0 / $1 }
        pValues = tStatistics.map { min(1, 2 * t.sf(abs($0))) }
        let mean = intercept ? Moments.mean(y) : 0
        let tss = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        rSquared = 1 - rss / tss
        adjustedRSquared = 1 - (1 - rSquared) * Double(n - (intercept ? 1 : 0)) / Double(df)
        residualVariance = sigma2
        residualDegreesOfFreedom = df
        hasIntercept = intercept
        inverseGram = gram
    }

    /// Confidence intervals for the coefficients, βᵢ ∓ t₍₁₊ₗₑᵥₑₗ₎/₂ · seᵢ.
    public func confidenceIntervals(level: Double = 0.95) -> [(lower: Double, upper: Double)] {
        let q = StudentTDistribution(unchecked: Double(residualDegreesOfFreedom)).quantile(0.5 + level / 2)
        return zip(coefficients, standardErrors).map { ($0 - q * $1, $0 + q * $1) }
    }

    /// A prediction at one row of regressors (without the intercept column).
    public struct Prediction: Sendable, Equatable {
        public let value: Double
        /// Confidence interval for the mean response at this point.
        public let meanLower: Double
        public let meanUpper: Double
        /// Prediction interval for a new observation at this point (adds σ²).
        public let lower: Double
        public let upper: Double
    }

    /// Predicts at `x` (one value per regressor) with mean and prediction intervals at `level`,
    /// as statsmodels' `get_prediction(...).summary_frame()` (`mean_ci_*`, `obs_ci_*`).
    /// Throws if `x` has the wrong length or a non-finite value, or `level` is outside (0, 1).
    public func predict(_ x: [Double], level: Double = 0.95) throws(StatisticsError) -> Prediction {
        let p = coefficients.count
        try Check.sameLength(x.count, "x", p - (hasIntercept ? 1 : 0), "the model's regressors")
        try Check.finite(x, "x")
        if !(level > 0 && level < 1) { throw StatisticsError(.invalidArgument, "level is \(level); it must be in (0, 1)") }
        let row = (hasIntercept ? [1] : []) + x
        var value = 0.0
        for j in 0..<p { value += coefficients[j] * row[j] }
        var leverage = 0.0
        for i in 0..<p { for j in 0..<p { leverage += row[i] * inverseGram[i * p + j] * row[j] } }
        let seMean = (residualVariance * leverage).squareRoot()
        let seObs = (residualVariance * (1 + leverage)).squareRoot()
        let q = StudentTDistribution(unchecked: Double(residualDegreesOfFreedom)).quantile(0.5 + level / 2)
        return Prediction(value: value, meanLower: value - q * seMean, meanUpper: value + q * seMean,
                          lower: value - q * seObs, upper: value + q * seObs)
    }

    /// In-place Householder QR of the column-major n × p matrix `a`, applying the reflections to
    /// `qty` too; R (row-major p × p) is written to `r`. Throws `.degenerate` on rank deficiency.
    private static func householder(_ a: inout [Double], _ qty: inout [Double], _ r: inout [Double], _ n: Int, _ p: Int) throws(StatisticsError) {
        var columnNorms = [Double](repeating: 0, count: p)
        for j in 0..<p { columnNorms[j] = (0..<n).reduce(0) { $0 + a[j * n + $1] * a[j * n + $1] }.squareRoot() }
        for j in 0..<p {
            var norm = 0.0
            for i in j..<n { norm += a[j * n + i] * a[j * n + i] }
            norm = norm.squareRoot()
            // A column that is (numerically) a combination of the previous ones.
            if norm <= 1e-12 * max(columnNorms[j], Double.leastNormalMagnitude) {
                throw StatisticsError(.degenerate, "column \(j) of the design matrix is a linear combination of the others")
            }
            let alpha = a[j * n + j] > 0 ? -norm : norm
            a[j * n + j] -= alpha
            var vNorm2 = 0.0
            for i in j..<n { vNorm2 += a[j * n + i] * a[j * n + i] }
            // Reflect the remaining columns and qty: x −= 2 v (vᵀx)/(vᵀv).
            for c in (j + 1)..<p {
                var dot = 0.0
                for i in j..<n { dot += a[j * n + i] * a[c * n + i] }
                let f = 2 * dot / vNorm2
                for i in j..<n { a[c * n + i] -= f * a[j * n + i] }
            }
            var dot = 0.0
            for i in j..<n { dot += a[j * n + i] * qty[i] }
            let f = 2 * dot / vNorm2
            for i in j..<n { qty[i] -= f * a[j * n + i] }
            r[j * p + j] = alpha
            for c in (j + 1)..<p { r[j * p + c] = a[c * n + j] }
        }
    }
}
