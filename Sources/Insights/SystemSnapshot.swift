import TSDB

/// A measured value and the evidence for it.
public struct Measured: Sendable, Equatable {
    public let value: Double
    public let evidence: Evidence
}

/// One endpoint (a `job` plus its `handler` or `route` label) at the snapshot's time.
public struct EndpointStats: Sendable {
    /// The grouping labels the queries returned (`job`, `handler`, `route`; whichever exist).
    public let labels: Labels
    /// The `handler` label, else `route`, else "(no handler label)".
    public let name: String
    /// Seconds spent serving it per second (rate of the duration sum).
    public internal(set) var time: Measured?
    /// Requests per second from the histogram's count.
    public internal(set) var count: Measured?
    /// Requests per second from `http_requests_total`.
    public internal(set) var requests: Measured?
    /// 5xx responses per second.
    public internal(set) var errors: Measured?
    public internal(set) var p50: Measured?
    public internal(set) var p99: Measured?
    /// Number of histogram buckets (`le` values, +Inf included).
    public internal(set) var buckets: Int?

    init(labels: Labels) {
        self.labels = labels
        name = labels["handler"] ?? labels["route"] ?? "(no handler label)"
    }

    public var requestRate: Double? { requests?.value ?? count?.value }
    /// 5xx per request; 0 when requests are counted and no 5xx series exists.
    public var errorRatio: Double? {
        guard let total = requests?.value, total > 0 else { return nil }
        return (errors?.value ?? 0) / total
    }
    public var meanLatency: Double? {
        guard let t = time?.value, let c = count?.value, c > 0 else { return nil }
        return t / c
    }
}

/// One host: every `instance` label with the same host part (`web-1:9100` and `web-1:8080` are
/// host `web-1`), so node_exporter's and the application's metrics meet.
public struct HostStats: Sendable {
    public let host: String
    public internal(set) var instances: [String] = []
    public internal(set) var cpu: Measured?
    public internal(set) var memory: Measured?
    /// The fullest filesystem.
    public internal(set) var disk: Measured?
    /// The busiest disk.
    public internal(set) var diskIO: Measured?
    /// The most utilised link direction.
    public internal(set) var network: Measured?
    public internal(set) var networkErrors: Measured?
    public internal(set) var requests: Measured?
    public internal(set) var errors: Measured?
    public internal(set) var p99: Measured?
    /// Every `up` series of the host's instances.
    public internal(set) var targets: [Evidence] = []

    init(host: String) { self.host = host }

    public var down: [Evidence] { targets.filter { $0.value == 0 } }
    public var errorRatio: Double? {
        guard let total = requests?.value, total > 0 else { return nil }
        return (errors?.value ?? 0) / total
    }
}

/// Request and resource measurements at one instant, the input of `Bottlenecks`,
/// `Suggestions` and `HealthScore`. Collected with 18 instant queries (`SystemQueries`).
public struct SystemSnapshot: Sendable {
    public let time: Int64
    /// Rate window, ms.
    public let window: Int64
    /// Sorted by labels.
    public let endpoints: [EndpointStats]
    /// Sorted by host.
    public let hosts: [HostStats]

    public init(time: Int64, window: Int64, endpoints: [EndpointStats], hosts: [HostStats]) {
        self.time = time
        self.window = window
        self.endpoints = endpoints
        self.hosts = hosts
    }

    /// Most series one snapshot query may return, unless the caller says otherwise.
    public static let defaultMaxSeries = 10_000

    /// Runs the queries at `time` (ms) with rate window `window` (ms, ≥ 1 s). Each query may
    /// return at most `maxSeries` series (1...100 000).
    public static func collect(query: RangeQuery, at time: Int64, window: Int64,
                               maxSeries: Int = defaultMaxSeries) throws -> SystemSnapshot {
        if window < 1000 { throw InsightsError.invalid("window must be at least 1s") }
        if maxSeries < 1 || maxSeries > 100_000 { throw InsightsError.invalid("maxSeries is \(maxSeries); it must be in 1...100000") }
        let q = SystemQueries(windowMillis: window)
        func run(_ text: String) throws -> [Evidence] {
            let series = try query(text, time, time, 1)
            if series.count > maxSeries {
                throw InsightsError(.tooLarge, "\(text) returned \(series.count) series; at most \(maxSeries) are analysed "
                    + "(raise maxSeries up to 100000)")
            }
            return series.compactMap { s in
                guard let v = s.samples.last?.v, v.isFinite else { return nil }
                return Evidence(query: text, labels: s.labels, value: v)
            }
        }
        var endpoints: [Labels: EndpointStats] = [:]
        func endpoint(_ text: String, _ set: (inout EndpointStats, Evidence) -> Void) throws {
            for e in try run(text) {
                set(&endpoints[e.labels, default: EndpointStats(labels: e.labels)], e)
            }
        }
        func m(_ e: Evidence) -> Measured { Measured(value: e.value, evidence: e) }
        try endpoint(q.endpointTime) { $0.time = m($1) }
        try endpoint(q.endpointCount) { $0.count = m($1) }
        try endpoint(q.endpointQuantile(0.5)) { $0.p50 = m($1) }
        try endpoint(q.endpointQuantile(0.99)) { $0.p99 = m($1) }
        try endpoint(q.endpointRequests) { $0.requests = m($1) }
        try endpoint(q.endpointErrors) { $0.errors = m($1) }
        try endpoint(q.endpointBuckets) { $0.buckets = Int($1.value) }

        var hosts: [String: HostStats] = [:]
        /// Files `e` under its instance's host and applies `change` to that host.
        func file(_ e: Evidence, _ change: (inout HostStats) -> Void) {
            let instance = e.labels["instance"] ?? ""
            let name = hostName(instance)
            var h = hosts[name, default: HostStats(host: name)]
            if !h.instances.contains(instance) { h.instances.append(instance) }
            change(&h)
            hosts[name] = h
        }
        /// Keeps, per host, the highest value of the query's series (the fullest disk, the busiest link).
        func host(_ text: String, _ path: WritableKeyPath<HostStats, Measured?>) throws {
            for e in try run(text) {
                file(e) { h in if (h[keyPath: path]?.value ?? -.infinity) < e.value { h[keyPath: path] = m(e) } }
            }
        }
        try host(q.instanceRequests, \.requests)
        try host(q.instanceErrors, \.errors)
        try host(q.instanceP99, \.p99)
        try host(q.cpu, \.cpu)
        try host(q.memory, \.memory)
        try host(q.disk, \.disk)
        try host(q.diskIO, \.diskIO)
        try host(q.networkReceive, \.network)
        try host(q.networkTransmit, \.network)
        try host(q.networkErrors, \.networkErrors)
        for e in try run(q.up) { file(e) { $0.targets.append(e) } }
        return SystemSnapshot(time: time, window: window,
                              endpoints: endpoints.values.sorted { $0.labels < $1.labels },
                              hosts: hosts.values.map { var h = $0; h.instances.sort(); return h }.sorted { $0.host < $1.host })
    }

    /// `web-1:9100` → `web-1`, `[::1]:9100` → `[::1]`; a label without a port is the host.
    static func hostName(_ instance: String) -> String {
        guard let colon = instance.lastIndex(of: ":") else { return instance }
        let port = instance[instance.index(after: colon)...]
        let head = instance[..<colon]
        guard !port.isEmpty, port.allSatisfy(\.isNumber) else { return instance }
        // A bare IPv6 address has colons but no brackets: keep it whole.
        if head.contains(":") && !head.hasPrefix("[") { return instance }
        return String(head)
    }
}
