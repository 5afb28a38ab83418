import TSDB

/// One bottleneck finding: what, where, how bad, and why.
public struct Finding: Sendable {
    public enum Kind: String, Sendable, Equatable {
        case latency, errors, saturation
    }

    public let kind: Kind
    /// The endpoint's name or the host.
    public let subject: String
    /// For saturation: `cpu`, `memory`, `disk`, `disk_io`, `network`, `network_errors`.
    public let resource: String?
    /// The measure the severity was judged on (p99 or mean latency / SLO, the 5xx ratio, the
    /// busy or used fraction, errors per second).
    public let value: Double
    /// The endpoint's share of all serving time (latency) or of all 5xx (errors).
    public let share: Double?
    public let severity: Severity
    public let evidence: [Evidence]
    public let rule: String
}

/// An endpoint with its shares of the total.
public struct EndpointRank: Sendable {
    public let stats: EndpointStats
    /// Its fraction of the seconds spent serving all endpoints.
    public let latencyShare: Double?
    /// Its fraction of all 5xx responses.
    public let errorShare: Double?
}

/// A host with its highest saturation.
public struct HostRank: Sendable {
    public let stats: HostStats
    /// The largest of CPU, memory, disk, disk-IO and link utilisation (fractions).
    public let saturation: Double?
}

public struct BottleneckReport: Sendable {
    public let time: Int64
    /// Latency SLO the latency findings were judged against, seconds.
    public let slo: Double
    /// By latency share, largest first.
    public let endpoints: [EndpointRank]
    /// By saturation, highest first.
    public let hosts: [HostRank]
    /// Most severe first; within a severity, by share then value.
    public let findings: [Finding]
}

/// Ranks endpoints by their share of latency and errors and hosts by saturation; every finding
/// carries a severity from the documented `SeverityScale` thresholds.
public enum Bottlenecks {
    public static func analyse(_ snapshot: SystemSnapshot, slo: Double) throws(InsightsError) -> BottleneckReport {
        if !(slo > 0 && slo.isFinite) { throw .invalid("slo is \(slo); it must be a positive number of seconds") }
        let totalTime = snapshot.endpoints.compactMap { $0.time?.value }.reduce(0, +)
        let totalErrors = snapshot.endpoints.compactMap { $0.errors?.value }.reduce(0, +)
        var findings: [Finding] = []
        var ranked: [EndpointRank] = []
        for e in snapshot.endpoints {
            let latencyShare = totalTime > 0 ? e.time.map { $0.value / totalTime } : nil
            let errorShare = totalErrors > 0 ? (e.errors?.value ?? 0) / totalErrors : nil
            ranked.append(EndpointRank(stats: e, latencyShare: latencyShare, errorShare: e.requests == nil ? nil : errorShare))
            if let f = latencyFinding(e, share: latencyShare, slo: slo) { findings.append(f) }
            if let ratio = e.errorRatio, ratio > 0, let errors = e.errors, let requests = e.requests {
                let scale = SeverityScale.errorRatio
                findings.append(Finding(kind: .errors, subject: e.name, resource: nil, value: ratio, share: errorShare,
                                        severity: scale.severity(ratio), evidence: [errors.evidence, requests.evidence],
                                        rule: scale.rule(ratio)))
            }
        }
        var hosts: [HostRank] = []
        for h in snapshot.hosts {
            let resources: [(String, Measured?, SeverityScale)] = [
                ("cpu", h.cpu, .cpu), ("memory", h.memory, .memory), ("disk", h.disk, .disk), ("disk_io", h.diskIO, .diskIO),
                ("network", h.network, .network), ("network_errors", h.networkErrors, .networkErrors),
            ]
            for (name, measured, scale) in resources {
                guard let measured else { continue }
                findings.append(Finding(kind: .saturation, subject: h.host, resource: name, value: measured.value, share: nil,
                                        severity: scale.severity(measured.value), evidence: [measured.evidence],
                                        rule: scale.rule(measured.value)))
            }
            let fractions = [h.cpu, h.memory, h.disk, h.diskIO, h.network].compactMap { $0?.value }
            hosts.append(HostRank(stats: h, saturation: fractions.max()))
        }
        ranked.sort { ($0.latencyShare ?? -1, $0.stats.requestRate ?? -1) > ($1.latencyShare ?? -1, $1.stats.requestRate ?? -1) }
        hosts.sort { ($0.saturation ?? -1) > ($1.saturation ?? -1) }
        findings.sort { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if (a.share ?? -1) != (b.share ?? -1) { return (a.share ?? -1) > (b.share ?? -1) }
            return a.value > b.value
        }
        return BottleneckReport(time: snapshot.time, slo: slo, endpoints: ranked, hosts: hosts, findings: findings)
    }

    /// Latency is judged by p99 / SLO, or mean latency / SLO for endpoints without a histogram
    /// quantile.
    static func latencyFinding(_ e: EndpointStats, share: Double?, slo: Double) -> Finding? {
        let scale = SeverityScale.latency
        if let p99 = e.p99 {
            let ratio = p99.value / slo
            var evidence = [p99.evidence]
            if let t = e.time { evidence.append(t.evidence) }
            return Finding(kind: .latency, subject: e.name, resource: nil, value: ratio, share: share,
                           severity: scale.severity(ratio), evidence: evidence,
                           rule: "p99 \(short(p99.value))s / SLO \(short(slo))s = \(short(ratio)); " + scale.rule(ratio))
        }
        if let mean = e.meanLatency, let t = e.time, let c = e.count {
            let ratio = mean / slo
            return Finding(kind: .latency, subject: e.name, resource: nil, value: ratio, share: share,
                           severity: scale.severity(ratio), evidence: [t.evidence, c.evidence],
                           rule: "mean \(short(mean))s / SLO \(short(slo))s = \(short(ratio)) (no histogram quantile); " + scale.rule(ratio))
        }
        return nil
    }
}
