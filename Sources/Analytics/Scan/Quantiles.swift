/// Order statistics of durations and counts: linear interpolation between the closest ranks
/// (the `quantile_cont` of DuckDB and numpy's default).
enum Quantiles {
    /// The `p` quantile (0...1) of `values`, sorting them in place; nil when empty.
    static func quantile<T: BinaryInteger>(_ values: inout [T], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        values.sort()
        return sortedQuantile(values, p)
    }

    static func median<T: BinaryInteger>(_ values: inout [T]) -> Double? { quantile(&values, 0.5) }

    /// The `p` quantile of values already in ascending order.
    static func sortedQuantile<C: RandomAccessCollection>(_ sorted: C, _ p: Double) -> Double? where C.Element: BinaryInteger, C.Index == Int {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * p
        let lo = sorted.startIndex + Int(h.rounded(.down)), hi = min(lo + 1, sorted.endIndex - 1)
        return Double(sorted[lo]) + (h - Double(lo - sorted.startIndex)) * (Double(sorted[hi]) - Double(sorted[lo]))
    }
}
