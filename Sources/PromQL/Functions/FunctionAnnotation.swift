import TSDB

/// The warnings and infos PromQL functions and aggregations attach to a result, with the exact
/// texts Prometheus 3 prints.
///
/// Prometheus appends the position of the offending argument to every annotation it returns
/// from a query (" (1:6)", line:column), so build the final text with `text(position:)` using
/// `FunctionAnnotation.position(ofScalarOffset:in:)`, or `text` alone for the bare message.
/// Metric names are quoted as Go's `%q` does.
public enum FunctionAnnotation: Sendable, Equatable, Hashable {
    /// rate()/increase() on a metric whose name lacks a counter suffix (only when the name is
    /// not empty and the series had float samples in the window).
    case possibleNonCounter(metricName: String)
    /// Same check when type-and-unit labels are enabled: `__type__` is not counter/histogram.
    case possibleNonCounterLabel(metricName: String, typeLabel: String)
    /// φ outside [0, 1] or NaN for quantile, quantile_over_time, histogram_quantile.
    case invalidQuantile(Double)
    /// limit_ratio's ratio outside [−1, 1]; `cappedTo` is the value used instead.
    case invalidRatio(Double, cappedTo: Double)
    /// An `le` label that does not parse; `metricName` is "" unless delayed name removal is on.
    case badBucketLabel(metricName: String, le: String)
    /// histogram_quantile had to raise decreasing bucket counts (base text; see
    /// `MonotonicityInfo` for the detailed text Prometheus returns from queries).
    case histogramQuantileForcedMonotonicity(metricName: String)
    /// A native histogram skipped by an aggregation ("min", "max", "stddev", "stdvar",
    /// "quantile", "topk", "bottomk", ...).
    case histogramIgnoredInAggregation(String)
    /// Histograms skipped in a range that also holds floats (deriv, predict_linear, *_over_time).
    case histogramIgnoredInMixedRange(metricName: String)
    /// A window mixing floats and histograms where the function cannot use it.
    case mixedFloatsHistograms(metricName: String)
    /// sum/avg over a group mixing floats and histograms.
    case mixedFloatsHistogramsAggregation
    /// Classic and native histograms of the same series in histogram_quantile's input.
    case mixedClassicNativeHistograms(metricName: String)
    /// sort()/sort_desc()/sort_by_label() in a range query.
    case sortInRangeQuery
    /// A binary operator applied to a float and a histogram.
    case incompatibleTypesInBinOp(lhsType: String, operator: String, rhsType: String)

    /// True for warnings, false for infos.
    public var isWarning: Bool {
        switch self {
        case .possibleNonCounter, .possibleNonCounterLabel, .histogramQuantileForcedMonotonicity,
             .histogramIgnoredInAggregation, .histogramIgnoredInMixedRange, .incompatibleTypesInBinOp:
            return false
        default:
            return true
        }
    }

    /// The message without a position.
    public var text: String {
        let warn = "PromQL warning: "
        let info = "PromQL info: "
        switch self {
        case .possibleNonCounter(let name):
            return info + "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: " + FunctionAnnotation.quote(name)
        case .possibleNonCounterLabel(let name, let type):
            return info + "metric might not be a counter, __type__ label is not set to \"counter\" or \"histogram\", got "
                + FunctionAnnotation.quote(type) + ": " + FunctionAnnotation.quote(name)
        case .invalidQuantile(let q):
            return warn + "quantile value should be between 0 and 1, got " + GoFloatFormat.formatG(q)
        case .invalidRatio(let r, let to):
            return warn + "ratio value should be between -1 and 1, got " + GoFloatFormat.formatG(r)
                + ", capping to " + GoFloatFormat.formatG(to)
        case .badBucketLabel(let name, let le):
            return FunctionAnnotation.withMetricName(warn + "bucket label \"le\" is missing or has a malformed value of " + FunctionAnnotation.quote(le), name)
        case .histogramQuantileForcedMonotonicity(let name):
            return FunctionAnnotation.withMetricName(FunctionAnnotation.monotonicityBase, name)
        case .histogramIgnoredInAggregation(let op):
            return info + "ignored histogram in " + op + " aggregation"
        case .histogramIgnoredInMixedRange(let name):
            return info + "ignored histograms in a range containing both floats and histograms for metric name " + FunctionAnnotation.quote(name)
        case .mixedFloatsHistograms(let name):
            return warn + "encountered a mix of histograms and floats for metric name " + FunctionAnnotation.quote(name)
        case .mixedFloatsHistogramsAggregation:
            return warn + "encountered a mix of histograms and floats for aggregation"
        case .mixedClassicNativeHistograms(let name):
            return FunctionAnnotation.withMetricName(warn + "vector contains a mix of classic and native histograms", name)
        case .sortInRangeQuery:
            return warn + "sort is ineffective for range queries since results are always ordered by labels"
        case .incompatibleTypesInBinOp(let lhs, let op, let rhs):
            return info + "incompatible sample types encountered for binary operator " + FunctionAnnotation.quote(op) + ": " + lhs + " " + op + " " + rhs
        }
    }

    /// The message as a query returns it: `text + " (" + position + ")"`, or `text` when
    /// `position` is nil.
    public func text(position: String?) -> String {
        guard let position else { return text }
        return text + " (" + position + ")"
    }

    /// Adds this annotation (with its position) to `annotations` as a warning or an info.
    public func add(to annotations: inout Annotations, position: String?) {
        var single = Annotations()
        if isWarning { single.warnings = [text(position: position)] } else { single.infos = [text(position: position)] }
        annotations.merge(single)
    }

    /// Prometheus's "line:column" for a position in the query: 1-based line, and the column
    /// counted in UTF-8 bytes from the last line break (Go's PositionRange.StartPosInput).
    /// `offset` counts unicode scalars from the start of `query`.
    public static func position(ofScalarOffset offset: Int, in query: String) -> String {
        if query.isEmpty { return "unknown position" }
        let scalars = query.unicodeScalars
        if offset < 0 || offset > scalars.count { return "invalid position" }
        var line = 1
        var byte = 0
        var lastLineBreak = -1
        for scalar in scalars.prefix(offset) {
            if scalar == "\n" {
                lastLineBreak = byte
                line += 1
            }
            byte += UTF8.width(scalar)
        }
        return "\(line):\(byte - lastLineBreak)"
    }

    static let monotonicityBase = "PromQL info: input to histogram_quantile needed to be fixed for monotonicity "
        + "(see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)"
}

/// The details Prometheus collects for the forced-monotonicity info over all steps of a query,
/// and the text it returns: "<base>, from buckets 1 to 100, with a max diff of 2, over 11 samples
/// from 1970-01-01T00:00:00Z to 1970-01-01T00:50:00Z (1:21)".
///
/// Create one per (metric name) the first time `bucketQuantile` reports forced monotonicity and
/// `merge` every later occurrence into it.
public struct MonotonicityInfo: Sendable, Equatable {
    public var metricName: String
    public var minTimestamp: Int64
    public var maxTimestamp: Int64
    public var minBucket: Double
    public var maxBucket: Double
    public var maxDiff: Double
    /// Occurrences after the first.
    public var extraCount: Int

    /// `timestamp` is the evaluation step in milliseconds.
    public init(metricName: String, timestamp: Int64, result: HistogramQuantile.Result) {
        self.metricName = metricName
        self.minTimestamp = timestamp
        self.maxTimestamp = timestamp
        self.minBucket = result.minBucket
        self.maxBucket = result.maxBucket
        self.maxDiff = result.maxDiff
        self.extraCount = 0
    }

    public mutating func merge(_ other: MonotonicityInfo) {
        minTimestamp = min(minTimestamp, other.minTimestamp)
        maxTimestamp = max(maxTimestamp, other.maxTimestamp)
        if other.minBucket < minBucket { minBucket = other.minBucket }
        if other.maxBucket > maxBucket { maxBucket = other.maxBucket }
        if other.maxDiff > maxDiff { maxDiff = other.maxDiff }
        extraCount += other.extraCount + 1
    }

    /// The text with details and position, as Prometheus returns it from a query.
    public func text(position: String) -> String {
        FunctionAnnotation.histogramQuantileForcedMonotonicity(metricName: metricName).text
            + ", from buckets " + GoFloatFormat.formatG(minBucket) + " to " + GoFloatFormat.formatG(maxBucket)
            + ", with a max diff of " + GoFloatFormat.formatG(maxDiff, precision: 2)
            + ", over \(extraCount + 1) samples from " + DateFunctions.rfc3339(milliseconds: minTimestamp)
            + " to " + DateFunctions.rfc3339(milliseconds: maxTimestamp) + " (" + position + ")"
    }
}

extension FunctionAnnotation {
    /// Appends Go's ` for metric name %q` when the name is known.
    static func withMetricName(_ text: String, _ name: String) -> String {
        name.isEmpty ? text : text + " for metric name " + FunctionAnnotation.quote(name)
    }

    /// Go's `%q`, as Prometheus's messages quote names.
    static func quote(_ s: String) -> String { goQuote(s) }
}
