/// How bad a finding is.
public enum Severity: String, Sendable, Equatable, Comparable, CaseIterable {
    case low, medium, high, critical

    var rank: Int {
        switch self {
        case .low: return 0
        case .medium: return 1
        case .high: return 2
        case .critical: return 3
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// The values at which a measure becomes medium, high and critical (each inclusive).
struct SeverityScale: Sendable {
    let medium: Double
    let high: Double
    let critical: Double
    /// How the value is described in rules ("CPU busy", "p99 / SLO").
    let measure: String

    func severity(_ value: Double) -> Severity {
        if value >= critical { return .critical }
        if value >= high { return .high }
        if value >= medium { return .medium }
        return .low
    }

    /// The rule that gave `value` its severity, e.g. "CPU busy 0.91 >= 0.85: high".
    func rule(_ value: Double) -> String {
        let s = severity(value)
        switch s {
        case .critical: return "\(measure) \(short(value)) >= \(short(critical)): critical"
        case .high: return "\(measure) \(short(value)) >= \(short(high)): high"
        case .medium: return "\(measure) \(short(value)) >= \(short(medium)): medium"
        case .low: return "\(measure) \(short(value)) < \(short(medium)): low"
        }
    }

    // The thresholds, documented in docs/insights.md.
    static let cpu = SeverityScale(medium: 0.70, high: 0.85, critical: 0.95, measure: "CPU busy")
    static let memory = SeverityScale(medium: 0.80, high: 0.90, critical: 0.95, measure: "memory used")
    static let disk = SeverityScale(medium: 0.80, high: 0.90, critical: 0.95, measure: "filesystem used")
    static let diskIO = SeverityScale(medium: 0.60, high: 0.80, critical: 0.95, measure: "disk busy")
    static let network = SeverityScale(medium: 0.60, high: 0.80, critical: 0.95, measure: "link utilisation")
    static let networkErrors = SeverityScale(medium: 0.1, high: 1, critical: 10, measure: "network errors and drops per second")
    static let errorRatio = SeverityScale(medium: 0.01, high: 0.05, critical: 0.10, measure: "5xx ratio")
    static let latency = SeverityScale(medium: 1, high: 2, critical: 4, measure: "latency / SLO")
}
