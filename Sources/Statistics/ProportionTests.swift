/// The result of a z-test: the standardized statistic and its p-value.
public struct ZTestResult: Sendable, Equatable {
    public let z: Double
    public let pValue: Double

    public init(z: Double, pValue: Double) {
        self.z = z
        self.pValue = pValue
    }
}

/// Pooled two-proportion z-test, two-sided: z = (pB − pA) / SE with
/// SE = √(p̂(1 − p̂)(1/nA + 1/nB)) and p̂ = (sA + sB) / (nA + nB); p = 2·P(Z > |z|).
///
/// Returns nil when the test is undefined: a trial count of 0, or a pooled p̂ of 0 or 1 (no
/// variance), and also for impossible counts (negative, or successes > trials).
/// Checked against statsmodels' `proportions_ztest` (pooled variance); p to 1e-12 relative.
public func twoProportionZTest(successesA: Int, trialsA: Int, successesB: Int, trialsB: Int) -> ZTestResult? {
    guard trialsA > 0, trialsB > 0, successesA >= 0, successesB >= 0,
          successesA <= trialsA, successesB <= trialsB else { return nil }
    let nA = Double(trialsA), nB = Double(trialsB)
    let pooled = (Double(successesA) + Double(successesB)) / (nA + nB)
    guard pooled > 0, pooled < 1 else { return nil }
    let se = (pooled * (1 - pooled) * (1 / nA + 1 / nB)).squareRoot()
    let z = (Double(successesB) / nB - Double(successesA) / nA) / se
    return ZTestResult(z: z, pValue: min(1, 2 * NormalDistribution.standardCDF(-abs(z))))
}
