/// Compensated (Kahan–Babuška/Neumaier) summation, step for step as Prometheus does it, so that
/// sums, averages and regressions come out bit-identical to Prometheus's.
///
/// Usage: start from `KahanSum()` (or `KahanSum(first)`), `add` each term, read `value`.
/// The compensation term is dropped whenever the running sum becomes infinite, which keeps
/// ±Inf inputs from turning into NaN through the compensation.
public struct KahanSum: Sendable, Equatable {
    /// The running (uncompensated) sum.
    public var sum: Double
    /// The accumulated rounding error not yet folded into `sum`.
    public var compensation: Double

    public init(_ initial: Double = 0, compensation: Double = 0) {
        self.sum = initial
        self.compensation = compensation
    }

    /// Adds `term` to the sum.
    @inlinable
    public mutating func add(_ term: Double) {
        (sum, compensation) = KahanSum.increment(term, sum: sum, compensation: compensation)
    }

    /// The compensated sum (`sum + compensation`), which is what aggregations report.
    @inlinable
    public var value: Double { sum + compensation }

    /// One Neumaier step: returns the new sum and the new compensation.
    ///
    /// Whichever of `sum` and `term` has the larger magnitude decides which low-order bits were
    /// lost, and those are added to the compensation. An infinite new sum resets the
    /// compensation to zero.
    @inlinable
    public static func increment(_ term: Double, sum: Double, compensation: Double) -> (sum: Double, compensation: Double) {
        let t = sum + term
        if t > Double.greatestFiniteMagnitude || t < -Double.greatestFiniteMagnitude {
            return (t, 0)
        }
        if sum.magnitude >= term.magnitude {
            return (t, compensation + ((sum - t) + term))
        }
        return (t, compensation + ((term - t) + sum))
    }
}
