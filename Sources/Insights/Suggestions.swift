import TSDB

/// One optimisation suggestion.
public struct Suggestion: Sendable {
    public enum Category: String, Sendable, Equatable, CaseIterable {
        case database, caching, memory, cpu, io, network, configuration
    }

    public let category: Category
    public let title: String
    /// What the evidence shows and what to do about it.
    public let detail: String
    /// The endpoint, host, job or "sextant" it is about.
    public let subject: String
    public let evidence: [Evidence]
    /// Expected impact and effort, 1 (least) ... 5 (most).
    public let impact: Int
    public let effort: Int
    /// The name of the rule that fired (see docs/insights.md).
    public let rule: String

    /// impact / effort: what to do first.
    public var priority: Double { Double(impact) / Double(effort) }
}

/// Facts about Sextant itself that configuration rules look at (the server fills them in).
public struct ServerFacts: Sendable {
    /// `--retention`, ms.
    public var retention: Int64
    public var dataDirectory: String
    /// Fraction of the data directory's filesystem in use, if known.
    public var dataDiskUsed: Double?

    public init(retention: Int64, dataDirectory: String, dataDiskUsed: Double?) {
        self.retention = retention
        self.dataDirectory = dataDirectory
        self.dataDiskUsed = dataDiskUsed
    }
}

/// Rule-based suggestions from a `SystemSnapshot`; each rule is listed in docs/insights.md
/// with its thresholds, impact and effort. Sorted by priority, then impact.
public enum Suggestions {
    /// Path tokens that mark a handler as database-bound by name.
    static let databaseTokens: Set<String> = ["db", "sql", "database", "query", "queries", "report", "reports"]

    public static func suggest(_ snapshot: SystemSnapshot, slo: Double, facts: ServerFacts? = nil) throws(InsightsError) -> [Suggestion] {
        if !(slo > 0 && slo.isFinite) { throw .invalid("slo is \(slo); it must be a positive number of seconds") }
        var out: [Suggestion] = []
        let totalTime = snapshot.endpoints.compactMap { $0.time?.value }.reduce(0, +)
        for e in snapshot.endpoints {
            let share = totalTime > 0 ? (e.time?.value ?? 0) / totalTime : 0
            let shareBonus = share >= 0.2 ? 2 : share >= 0.05 ? 1 : 0
            if let s = caching(e, slo: slo, shareBonus: shareBonus) { out.append(s) }
            if let s = database(e, snapshot: snapshot, slo: slo, shareBonus: shareBonus) { out.append(s) }
            if let buckets = e.buckets, buckets <= 4 {
                out.append(Suggestion(category: .configuration, title: "Give \(e.name)'s latency histogram more buckets",
                    detail: "It has \(buckets) buckets (+Inf included), so p99 is interpolated between far-apart bounds; use "
                        + "buckets around the SLO (\(short(slo))s), e.g. the client libraries' defaults.",
                    subject: e.name, evidence: [], impact: 1, effort: 1, rule: "histogram-buckets"))
            }
        }
        for h in snapshot.hosts { out += resources(h) }
        out += configuration(snapshot, facts: facts)
        return out.sorted { ($0.priority, $0.impact) > ($1.priority, $1.impact) }
    }

    /// A long tail over a fast median is the mark of cache misses or a cold dependency.
    static func caching(_ e: EndpointStats, slo: Double, shareBonus: Int) -> Suggestion? {
        guard let p50 = e.p50, let p99 = e.p99, p50.value > 0, (e.requestRate ?? 0) >= 0.1 else { return nil }
        let ratio = p99.value / p50.value
        guard ratio >= 5, p99.value >= slo / 2 else { return nil }
        return Suggestion(category: .caching, title: "Cache the slow path of \(e.name)",
            detail: "p99 \(short(p99.value))s is \(short(ratio))x p50 \(short(p50.value))s: most requests are fast and a few "
                + "are slow, the pattern of cache misses or a cold dependency. Cache its results (or the slow dependency's "
                + "answers) and warm the cache after deploys.",
            subject: e.name, evidence: [p50.evidence, p99.evidence], impact: min(5, 2 + shareBonus + (p99.value > slo ? 1 : 0)),
            effort: 2, rule: "tail-ratio")
    }

    /// Slow while its hosts' CPUs idle: the time goes to waiting, usually on a database.
    static func database(_ e: EndpointStats, snapshot: SystemSnapshot, slo: Double, shareBonus: Int) -> Suggestion? {
        let latency = e.p99 ?? e.time.flatMap { t in e.meanLatency.map { Measured(value: $0, evidence: t.evidence) } }
        guard let latency, latency.value > slo else { return nil }
        let tokens = e.name.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let named = tokens.contains { databaseTokens.contains($0) }
        // The hosts running the endpoint's job, known from `up`.
        let job = e.labels["job"]
        let cpus = snapshot.hosts.filter { h in h.targets.contains { $0.labels["job"] == job } }.compactMap(\.cpu)
        let idle = !cpus.isEmpty && cpus.allSatisfy { $0.value < 0.5 }
        guard named || idle else { return nil }
        var why = "p99 \(short(latency.value))s is over the \(short(slo))s SLO"
        if idle { why += " while CPU on its hosts is at most \(short(100 * (cpus.map(\.value).max() ?? 0)))%" }
        if named { why += "; its name says it queries a database" }
        return Suggestion(category: .database, title: "Find what \(e.name) waits on",
            detail: why + ". The time goes to waiting (database, locks, downstream calls), not computing: look at its "
                + "queries (EXPLAIN, missing indexes, N+1 patterns) and at connection-pool waits.",
            subject: e.name, evidence: [latency.evidence] + cpus.map(\.evidence), impact: min(5, 2 + shareBonus + 1), effort: 3,
            rule: idle ? "slow-and-idle" : "database-handler")
    }

    static func resources(_ h: HostStats) -> [Suggestion] {
        var out: [Suggestion] = []
        func pct(_ v: Double) -> String { "\(short(100 * v))%" }
        if let m = h.memory, m.value >= 0.9 {
            out.append(Suggestion(category: .memory, title: "Memory on \(h.host) is nearly full",
                detail: "\(pct(m.value)) of memory is in use: find what grows (heap profiles, unbounded caches) or add memory "
                    + "before the kernel's OOM killer chooses a process.",
                subject: h.host, evidence: [m.evidence], impact: m.value >= 0.95 ? 5 : 4, effort: 2, rule: "memory-used"))
        }
        if let c = h.cpu, c.value >= 0.85 {
            out.append(Suggestion(category: .cpu, title: "CPU on \(h.host) is saturated",
                detail: "CPUs are \(pct(c.value)) busy: requests queue for CPU. Profile the hottest code path (perf, pprof) or "
                    + "spread the load over more instances or cores.",
                subject: h.host, evidence: [c.evidence], impact: c.value >= 0.95 ? 5 : 4, effort: 3, rule: "cpu-busy"))
        }
        if let d = h.disk, d.value >= 0.85 {
            let mount = d.evidence.labels["mountpoint"] ?? "a filesystem"
            out.append(Suggestion(category: .io, title: "\(mount) on \(h.host) is filling up",
                detail: "\(pct(d.value)) used: free space (old logs, data past its retention) or grow the filesystem before "
                    + "writes fail.",
                subject: h.host, evidence: [d.evidence], impact: d.value >= 0.95 ? 5 : 4, effort: 1, rule: "disk-full"))
        }
        if let io = h.diskIO, io.value >= 0.8 {
            let device = io.evidence.labels["device"] ?? "a disk"
            out.append(Suggestion(category: .io, title: "\(device) on \(h.host) is busy most of the time",
                detail: "The disk is busy \(pct(io.value)) of the time, so reads and writes wait: batch or buffer writes, add "
                    + "caching in front of hot reads, or move hot files to faster storage.",
                subject: h.host, evidence: [io.evidence], impact: io.value >= 0.95 ? 4 : 3, effort: 3, rule: "disk-busy"))
        }
        if let n = h.network, n.value >= 0.8 {
            out.append(Suggestion(category: .network, title: "A link on \(h.host) is near its capacity",
                detail: "\(n.evidence.labels["device"] ?? "An interface") carries \(pct(n.value)) of its speed: compress "
                    + "responses, move bulk transfers off peak, or use a faster link.",
                subject: h.host, evidence: [n.evidence], impact: 4, effort: 3, rule: "link-utilisation"))
        }
        if let e = h.networkErrors, e.value >= 1 {
            out.append(Suggestion(category: .network, title: "\(h.host) is dropping or corrupting packets",
                detail: "\(short(e.value)) receive/transmit errors and drops per second: check ring buffers (ethtool -g), "
                    + "MTU mismatches and cabling; retransmits add latency everywhere.",
                subject: h.host, evidence: [e.evidence], impact: 3, effort: 2, rule: "network-errors"))
        }
        return out
    }

    static func configuration(_ snapshot: SystemSnapshot, facts: ServerFacts?) -> [Suggestion] {
        var out: [Suggestion] = []
        var downByJob: [String: [Evidence]] = [:]
        for h in snapshot.hosts { for t in h.down { downByJob[t.labels["job"] ?? "", default: []].append(t) } }
        for (job, targets) in downByJob.sorted(by: { $0.key < $1.key }) {
            let names = targets.compactMap { $0.labels["instance"] }.sorted()
            out.append(Suggestion(category: .configuration, title: "\(targets.count) target(s) of job \(job) are down",
                detail: "up == 0 for \(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", ..." : ""): their metrics "
                    + "are missing, so their problems are invisible. Check that they run and that the scrape address is right.",
                subject: job, evidence: targets, impact: 4, effort: 1, rule: "target-down"))
        }
        if snapshot.endpoints.isEmpty {
            out.append(Suggestion(category: .configuration, title: "Instrument request latency",
                detail: "No http_request_duration_seconds histograms or http_requests_total counters were found: instrument "
                    + "services with them (by handler and code) so latency and errors can be ranked.",
                subject: "metrics", evidence: [], impact: 2, effort: 2, rule: "no-request-metrics"))
        }
        if !snapshot.hosts.contains(where: { $0.cpu != nil || $0.memory != nil }) {
            out.append(Suggestion(category: .configuration, title: "Collect host metrics",
                detail: "No node_exporter metrics (node_cpu_seconds_total, node_memory_*) were found: run node_exporter on each "
                    + "host (or Sextant's host collector) so saturation can be seen.",
                subject: "metrics", evidence: [], impact: 2, effort: 1, rule: "no-host-metrics"))
        }
        if let facts, let used = facts.dataDiskUsed, used >= 0.85 {
            let days = Double(facts.retention) / 86_400_000
            out.append(Suggestion(category: .configuration, title: "Sextant's data disk is filling up",
                detail: "The filesystem holding \(facts.dataDirectory) is \(short(100 * used))% used with --retention "
                    + "\(short(days))d: shorten --retention or set --retention-size so Sextant stays within the disk.",
                subject: "sextant", evidence: [Evidence(query: "statfs(\(facts.dataDirectory))", labels: Labels([Label]()), value: used)],
                impact: used >= 0.95 ? 5 : 4, effort: 1, rule: "sextant-disk"))
        }
        return out
    }
}
