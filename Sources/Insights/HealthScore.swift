/// One term of a host's health score.
public struct HealthComponent: Sendable {
    /// `up`, `errors`, `latency`, `cpu`, `memory` or `disk`.
    public let name: String
    /// The measure (fraction down, 5xx ratio, p99 / SLO, busy or used fraction); nil when not measured.
    public let value: Double?
    /// Points taken off, 0 ... weight.
    public let penalty: Double
    public let weight: Double
    public let evidence: [Evidence]
}

public struct HostHealth: Sendable {
    public let host: String
    /// 0 ... 100.
    public let score: Double
    public let components: [HealthComponent]
}

public struct HealthReport: Sendable {
    /// The mean of the hosts' scores; nil without hosts.
    public let overall: Double?
    /// Lowest score first.
    public let hosts: [HostHealth]
}

/// A 0-100 health score per host: 100 minus weighted penalties, each growing linearly from 0 at
/// a "fine" level to its full weight at a "bad" one (weights sum to 100):
///
/// | term | weight | 0 at | full at |
/// | --- | --- | --- | --- |
/// | up: fraction of the host's targets with up == 0 | 40 | 0 | 1 |
/// | errors: 5xx / requests | 20 | 0 | 0.05 |
/// | latency: p99 / SLO | 10 | 1 | 2 |
/// | cpu: busy fraction | 10 | 0.70 | 0.95 |
/// | memory: used fraction | 10 | 0.80 | 0.95 |
/// | disk: fullest filesystem's used fraction | 10 | 0.80 | 0.95 |
///
/// A term without data takes nothing off. The overall score is the mean over hosts.
public enum HealthScore {
    struct Term {
        let name: String
        let weight: Double
        let fine: Double
        let bad: Double
    }

    static let terms = [
        Term(name: "up", weight: 40, fine: 0, bad: 1),
        Term(name: "errors", weight: 20, fine: 0, bad: 0.05),
        Term(name: "latency", weight: 10, fine: 1, bad: 2),
        Term(name: "cpu", weight: 10, fine: 0.70, bad: 0.95),
        Term(name: "memory", weight: 10, fine: 0.80, bad: 0.95),
        Term(name: "disk", weight: 10, fine: 0.80, bad: 0.95),
    ]

    public static func score(_ snapshot: SystemSnapshot, slo: Double) throws(InsightsError) -> HealthReport {
        if !(slo > 0 && slo.isFinite) { throw .invalid("slo is \(slo); it must be a positive number of seconds") }
        let hosts = snapshot.hosts.map { h -> HostHealth in
            let measures: [String: (Double, [Evidence])] = [
                "up": h.targets.isEmpty ? nil : (Double(h.down.count) / Double(h.targets.count), h.targets),
                "errors": h.errorRatio.map { ($0, [h.errors?.evidence, h.requests?.evidence].compactMap { $0 }) },
                "latency": h.p99.map { ($0.value / slo, [$0.evidence]) },
                "cpu": h.cpu.map { ($0.value, [$0.evidence]) },
                "memory": h.memory.map { ($0.value, [$0.evidence]) },
                "disk": h.disk.map { ($0.value, [$0.evidence]) },
            ].compactMapValues { $0 }
            let components = terms.map { term -> HealthComponent in
                guard let (value, evidence) = measures[term.name] else {
                    return HealthComponent(name: term.name, value: nil, penalty: 0, weight: term.weight, evidence: [])
                }
                let fraction = min(1, max(0, (value - term.fine) / (term.bad - term.fine)))
                return HealthComponent(name: term.name, value: value, penalty: term.weight * fraction, weight: term.weight,
                                       evidence: evidence)
            }
            let score = max(0, 100 - components.reduce(0) { $0 + $1.penalty })
            return HostHealth(host: h.host, score: score, components: components)
        }.sorted { ($0.score, $0.host) < ($1.score, $1.host) }
        let overall = hosts.isEmpty ? nil : hosts.reduce(0) { $0 + $1.score } / Double(hosts.count)
        return HealthReport(overall: overall, hosts: hosts)
    }
}
