import Foundation
import Statistics

/// A shift of the mean found by `ChangePointSearch`.
public struct MeanShift: Sendable, Equatable {
    /// Index of the first value of the new segment.
    public let index: Int
    /// Mean of the segment before and of the one starting at `index`.
    public let before: Double
    public let after: Double
    /// The shift in units of the noise σ (robust, from first differences).
    public let sigmas: Double
}

/// Mean-shift change points of a series: PELT (exact, L2 cost) on at most `maxBins` block
/// means, with a BIC-style penalty from a robust noise estimate.
///
/// - Noise σ̂ = 1.4826 · MAD(first differences) / √2 (differences cancel level shifts, so σ̂
///   is the noise, not the shifts; mean absolute deviation × √(π/2) when the MAD is 0).
/// - Series longer than `maxBins` are averaged in blocks of b = ⌈n / maxBins⌉ values first, so
///   the search costs O(maxBins²) at worst (PELT is O(n²) on a series without changes);
///   locations are then accurate to b values. Block means have noise σ̂/√b.
/// - Penalty `penaltyFactor` · σ²·ln(bins) per change point, σ the block-mean noise; minimum
///   segment 2 blocks.
public enum ChangePointSearch {
    static let maxBins = 2_000
    static let penaltyFactor = 3.0

    /// The shift with the largest |sigmas|, if any: what regression reports call "the" change point.
    public static func largestShift(_ values: [Double]) -> MeanShift? {
        shifts(values).max { abs($0.sigmas) < abs($1.sigmas) }
    }

    static func shifts(_ values: [Double]) -> [MeanShift] {
        let n = values.count
        guard n >= 4 else { return [] }
        let sigma = noiseSigma(values)
        guard sigma > 0 else { return [] }
        let block = (n + maxBins - 1) / maxBins
        var bins: [Double] = []
        bins.reserveCapacity(n / block + 1)
        var i = 0
        while i < n {
            let end = min(n, i + block)
            var sum = 0.0
            for v in values[i..<end] { sum += v }
            bins.append(sum / Double(end - i))
            i = end
        }
        let binSigma = sigma / Double(block).squareRoot()
        let penalty = penaltyFactor * binSigma * binSigma * log(Double(max(bins.count, 2)))
        guard let starts = try? peltChangePoints(bins, penalty: penalty, minSegmentLength: 2), !starts.isEmpty else { return [] }
        let bounds = [0] + starts.map { $0 * block } + [n]
        var means: [Double] = []
        for k in 0..<(bounds.count - 1) {
            var sum = 0.0
            for v in values[bounds[k]..<bounds[k + 1]] { sum += v }
            means.append(sum / Double(bounds[k + 1] - bounds[k]))
        }
        return (1..<(bounds.count - 1)).map { k in
            MeanShift(index: bounds[k], before: means[k - 1], after: means[k], sigmas: (means[k] - means[k - 1]) / sigma)
        }
    }

    /// Robust σ of the noise from first differences (see the type's comment); 0 for a constant series.
    static func noiseSigma(_ values: [Double]) -> Double {
        guard values.count >= 3 else { return 0 }
        var diffs: [Double] = []
        diffs.reserveCapacity(values.count - 1)
        for k in 1..<values.count { diffs.append(values[k] - values[k - 1]) }
        return robustScale(diffs) / 2.0.squareRoot()
    }
}

/// σ estimate that ignores outliers: MAD × 1.4826, or the mean absolute deviation from the
/// median × √(π/2) when more than half the values are equal (both σ for normal data), as
/// `Statistics.robustZScores` scales. 0 when every value is the same.
func robustScale(_ values: [Double]) -> Double {
    guard let center = try? median(values) else { return 0 }
    let deviations = values.map { abs($0 - center) }
    guard let mad = try? median(deviations) else { return 0 }
    if mad > 0 { return mad * madNormalScale }
    return deviations.reduce(0, +) / Double(deviations.count) * 1.253_314_137_315_500_3
}
