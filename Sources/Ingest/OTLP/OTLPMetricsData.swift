/// A decoded OTLP `ExportMetricsServiceRequest`, kept flat so that decoding allocates per
/// request, not per data point or attribute.
///
/// Both decoders (protobuf and JSON) produce this; `OTLPTranslator` turns it into series.
/// Every string is a `TextSpan` into `text`: the body itself for strings usable as sent, and
/// bytes appended after the body for strings that had to be unescaped (JSON) or rendered
/// (array and map attribute values, as Go's `json.Marshal` would). Children are contiguous
/// ranges of the next array down: resources -> scopes -> metrics -> points, and each of those
/// -> attributes.
public struct OTLPMetricsData: Sendable {
    var text: [UInt8] = []
    var resources: [Resource] = []
    var scopes: [Scope] = []
    var metrics: [Metric] = []
    var points: [Point] = []
    var attributes: [Attribute] = []
    /// Histogram explicit bounds and summary (quantile, value) pairs.
    var doubles: [Double] = []
    /// Histogram bucket counts.
    var counts: [UInt64] = []

    /// Number of data points of every kind, exponential histograms included.
    public var dataPointCount: Int { points.count }

    struct Resource: Sendable {
        var attributes: Range<Int32> = 0..<0
        var scopes: Range<Int32> = 0..<0
    }

    struct Scope: Sendable {
        var name = TextSpan.empty
        var version = TextSpan.empty
        var schemaURL = TextSpan.empty
        var attributes: Range<Int32> = 0..<0
        var metrics: Range<Int32> = 0..<0
    }

    enum Kind: UInt8, Sendable {
        case none, gauge, sum, histogram, exponentialHistogram, summary
    }

    /// The OTLP `AggregationTemporality` values.
    enum Temporality: Int32 {
        case unspecified = 0, delta = 1, cumulative = 2
    }

    struct Metric: Sendable {
        var name = TextSpan.empty
        var unit = TextSpan.empty
        var kind = Kind.none
        /// Raw `AggregationTemporality` (sums and histograms); unknown values are kept to be reported.
        var temporality: Int32 = 0
        var isMonotonic = false
        var points: Range<Int32> = 0..<0
    }

    struct Point: Sendable {
        var attributes: Range<Int32> = 0..<0
        var startTimeNanos: UInt64 = 0
        var timeNanos: UInt64 = 0
        var flags: UInt32 = 0
        /// Number points: the value (`as_int` converted to Double).
        var value: Double = 0
        /// Histograms and summaries.
        var count: UInt64 = 0
        var sum: Double = 0
        var hasSum = false
        /// Histograms: bucket counts in `counts`, explicit bounds in `doubles`.
        var bucketCounts: Range<Int32> = 0..<0
        var bounds: Range<Int32> = 0..<0
        /// Summaries: (quantile, value) pairs, two doubles each, in `doubles`.
        var quantiles: Range<Int32> = 0..<0

        /// `DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK`: the stream has no value now (a staleness marker).
        var noRecordedValue: Bool { flags & 1 != 0 }
    }

    /// One attribute; `AnyValue` kinds are kept apart because `AsString` renders them differently.
    struct Attribute: Sendable {
        enum Kind: UInt8, Sendable {
            /// No value set: the empty string, so the label is dropped.
            case empty
            /// `value` spans the string.
            case string
            /// `bits` is 0 or 1.
            case bool
            /// `bits` is the Int64 bit pattern.
            case int
            /// `bits` is the Double bit pattern.
            case double
            /// `value` spans the raw bytes; rendered as standard base64.
            case bytes
            /// Arrays and maps: `value` spans their JSON text, already rendered.
            case rendered
        }

        var key: TextSpan
        var kind: Kind
        var value: TextSpan = .empty
        var bits: UInt64 = 0
    }
}
