import TSDB

/// One element of an instant vector: a series' labels and its value at the evaluation time.
public struct VectorElement: Sendable, Equatable {
    public var labels: Labels
    /// Milliseconds since the epoch.
    public var t: Int64
    public var v: Double

    public init(labels: Labels, t: Int64, v: Double) {
        self.labels = labels
        self.t = t
        self.v = v
    }
}

/// The result of evaluating a PromQL expression, as Prometheus's API types it.
public enum Value: Sendable {
    case scalar(t: Int64, v: Double)
    case string(t: Int64, s: String)
    case vector([VectorElement])
    /// Series with their points, sorted by labels (range queries, range selectors).
    case matrix([SeriesSamples])

    /// Prometheus's name for the type: "scalar", "string", "vector" or "matrix".
    public var typeName: String {
        switch self {
        case .scalar: return "scalar"
        case .string: return "string"
        case .vector: return "vector"
        case .matrix: return "matrix"
        }
    }
}

/// Warnings and infos that come back with a result as data, never as errors
/// (e.g. "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket").
public struct Annotations: Sendable, Equatable {
    public var warnings: [String] = []
    public var infos: [String] = []

    public init() {}

    public mutating func merge(_ other: Annotations) {
        for w in other.warnings where !warnings.contains(w) { warnings.append(w) }
        for i in other.infos where !infos.contains(i) { infos.append(i) }
    }
}

/// A query's answer: the value and the annotations gathered while computing it.
public struct QueryResult: Sendable {
    public var value: Value
    public var annotations: Annotations

    public init(value: Value, annotations: Annotations = Annotations()) {
        self.value = value
        self.annotations = annotations
    }
}
