/// The type a `# TYPE` line gives a metric family, by the names Prometheus's metadata API uses
/// (the text format's `untyped` is `unknown` there, as in Prometheus).
public enum MetricType: String, Sendable, Hashable, CaseIterable {
    case counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown

    /// The type named on a `# TYPE` line of the given format, or nil when the format has no such
    /// type.
    init?(typeLine name: String, format: ExpositionFormat) {
        switch (name, format) {
        case ("untyped", .prometheusText): self = .unknown
        case ("counter", _), ("gauge", _), ("histogram", _), ("summary", _): self.init(rawValue: name)
        case ("gaugehistogram", .openMetrics), ("info", .openMetrics), ("stateset", .openMetrics),
             ("unknown", .openMetrics):
            self.init(rawValue: name)
        default: return nil
        }
    }

    /// Whether OpenMetrics gives this type a `_created` series (which Prometheus drops by default).
    var hasCreatedSeries: Bool {
        switch self {
        case .counter, .histogram, .summary, .gaugehistogram: true
        default: false
        }
    }
}
