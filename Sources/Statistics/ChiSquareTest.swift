/// The result of a chi-square test of independence.
public struct ChiSquareResult: Sendable, Equatable {
    public let statistic: Double
    public let pValue: Double
    public let degreesOfFreedom: Int
    /// Expected counts under independence: row total × column total / grand total.
    public let expected: [[Double]]
}

/// Pearson's chi-square test of independence on an r × c table of observed counts, as
/// `scipy.stats.chi2_contingency` with its default `correction=True`: with one degree of
/// freedom (2 × 2) each |observed − expected| is reduced by up to ½ (Yates).
///
/// Throws for fewer than 2 rows or columns, ragged rows, a negative or non-finite count, or
/// (`.degenerate`) a row or column summing to 0, where an expected count would be 0.
public func chiSquareIndependence(_ table: [[Double]], yatesCorrection: Bool = true) throws(StatisticsError) -> ChiSquareResult {
    let rows = table.count
    guard rows >= 2, let columns = table.first?.count, columns >= 2 else {
        throw StatisticsError(.tooFewValues, "the table needs at least 2 rows and 2 columns")
    }
    for (i, row) in table.enumerated() {
        try Check.sameLength(row.count, "table[\(i)]", columns, "table[0]")
        try Check.finite(row, "table[\(i)]")
        if let j = row.firstIndex(where: { $0 < 0 }) {
            throw StatisticsError(.invalidArgument, "table[\(i)][\(j)] is \(row[j]); counts must be >= 0")
        }
    }
    let rowTotals = table.map { Moments.sum($0) }
    let columnTotals = (0..<columns).map { j in Moments.sum(table.map { $0[j] }) }
    let total = Moments.sum(rowTotals)
    if let i = rowTotals.firstIndex(of: 0) { throw StatisticsError(.degenerate, "row \(i) sums to 0; its expected counts would be 0") }
    if let j = columnTotals.firstIndex(of: 0) { throw StatisticsError(.degenerate, "column \(j) sums to 0; its expected counts would be 0") }
    let expected = rowTotals.map { r in columnTotals.map { c in r * c / total } }
    let dof = (rows - 1) * (columns - 1)
    var statistic = 0.0
    for i in 0..<rows {
        for j in 0..<columns {
            var diff = table[i][j] - expected[i][j]
            if dof == 1 && yatesCorrection { diff = diff < 0 ? min(0, diff + 0.5) : max(0, diff - 0.5) }
            statistic += diff * diff / expected[i][j]
        }
    }
    let p = ChiSquaredDistribution(unchecked: Double(dof)).sf(statistic)
    return ChiSquareResult(statistic: statistic, pValue: p, degreesOfFreedom: dof, expected: expected)
}
