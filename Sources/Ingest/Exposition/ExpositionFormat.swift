/// The text formats a scrape target may answer in, and how they are asked for.
///
/// Both Prometheus text versions (0.0.4 and 1.0.0, which only adds quoted UTF-8 names) share one
/// parser mode; OpenMetrics 0.0.1 and 1.0.0 share the other.
public enum ExpositionFormat: Sendable, Equatable, CustomStringConvertible {
    /// `text/plain; version=0.0.4` (and 1.0.0).
    case prometheusText
    /// `application/openmetrics-text; version=1.0.0` (and 0.0.1).
    case openMetrics

    /// The format a response's `Content-Type` names, or nil when it names neither text format
    /// (or is missing).
    public init?(contentType: String?) {
        guard let contentType else { return nil }
        let media = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        switch media {
        case "text/plain": self = .prometheusText
        case "application/openmetrics-text": self = .openMetrics
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .prometheusText: "Prometheus text"
        case .openMetrics: "OpenMetrics"
        }
    }
}

/// One of the scrape protocols a scrape config may list in `scrape_protocols`, by Prometheus's
/// names. The protobuf protocol is not offered: Sextant stores no native histograms.
public enum ScrapeProtocol: String, Sendable, CaseIterable {
    case openMetrics1 = "OpenMetricsText1.0.0"
    case openMetrics0 = "OpenMetricsText0.0.1"
    case prometheusText1 = "PrometheusText1.0.0"
    case prometheusText0 = "PrometheusText0.0.4"

    /// Prometheus 3's default preference order.
    public static let defaults: [ScrapeProtocol] = [.openMetrics1, .openMetrics0, .prometheusText1, .prometheusText0]

    var mediaRange: String {
        switch self {
        case .openMetrics1: "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8"
        case .openMetrics0: "application/openmetrics-text;version=0.0.1"
        case .prometheusText1: "text/plain;version=1.0.0;escaping=allow-utf-8"
        case .prometheusText0: "text/plain;version=0.0.4"
        }
    }

    public var format: ExpositionFormat {
        switch self {
        case .openMetrics1, .openMetrics0: .openMetrics
        case .prometheusText1, .prometheusText0: .prometheusText
        }
    }

    /// The `Accept` header for a preference list, weighted as Prometheus 3 weighs it (the first
    /// protocol gets q=0.6 when all four are listed, then one tenth less each, then `*/*`).
    /// Prometheus counts its protobuf protocol among the weights, so the numbers line up.
    public static func acceptHeader(_ protocols: [ScrapeProtocol]) -> String {
        var weight = ScrapeProtocol.allCases.count + 2
        var parts: [String] = []
        for p in protocols {
            parts.append("\(p.mediaRange);q=0.\(weight)")
            weight -= 1
        }
        parts.append("*/*;q=0.\(weight)")
        return parts.joined(separator: ",")
    }
}
