/// The PromQL behind bottlenecks, suggestions and health: the standard request metrics
/// (`http_request_duration_seconds` histograms and `http_requests_total` counters, by `handler`
/// or `route`, status in `code` or `status`) and node_exporter's resource metrics, by `instance`.
/// `W` is the rate window.
struct SystemQueries: Sendable {
    let window: String

    init(windowMillis: Int64) { window = SystemQueries.duration(windowMillis) }

    /// A PromQL duration: `5m`, `90s`, `1500ms`.
    static func duration(_ ms: Int64) -> String {
        if ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }

    static let endpoint = "job, handler, route"
    static let fiveHundreds = [#"code=~"5..""#, #"status=~"5..""#]

    /// Seconds spent serving per second, per endpoint (the sum of durations).
    var endpointTime: String { "sum by (\(Self.endpoint)) (rate(http_request_duration_seconds_sum[\(window)]))" }
    var endpointCount: String { "sum by (\(Self.endpoint)) (rate(http_request_duration_seconds_count[\(window)]))" }
    func endpointQuantile(_ q: Double) -> String {
        "histogram_quantile(\(q), sum by (\(Self.endpoint), le) (rate(http_request_duration_seconds_bucket[\(window)])))"
    }
    var endpointRequests: String { "sum by (\(Self.endpoint)) (rate(http_requests_total[\(window)]))" }
    var endpointErrors: String { errors(by: Self.endpoint) }
    /// Buckets per endpoint histogram (the `le` values, +Inf included).
    var endpointBuckets: String {
        "count by (\(Self.endpoint)) (count by (\(Self.endpoint), le) (http_request_duration_seconds_bucket))"
    }

    var instanceRequests: String { "sum by (instance) (rate(http_requests_total[\(window)]))" }
    var instanceErrors: String { errors(by: "instance") }
    var instanceP99: String {
        "histogram_quantile(0.99, sum by (instance, le) (rate(http_request_duration_seconds_bucket[\(window)])))"
    }

    func errors(by grouping: String) -> String {
        Self.fiveHundreds.map { "sum by (\(grouping)) (rate(http_requests_total{\($0)}[\(window)]))" }.joined(separator: " or ")
    }

    /// Fraction of CPU time not idle, averaged over an instance's CPUs.
    var cpu: String { #"1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[\#(window)]))"# }
    var memory: String { "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes" }
    /// Fraction used per filesystem (pseudo filesystems left out).
    var disk: String {
        #"1 - node_filesystem_avail_bytes{fstype!~"tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|proc|sysfs|autofs"} / node_filesystem_size_bytes"#
    }
    /// Fraction of time each disk was busy.
    var diskIO: String { "rate(node_disk_io_time_seconds_total[\(window)])" }
    /// Link utilisation per interface and direction, where the link speed is known.
    var networkReceive: String {
        #"rate(node_network_receive_bytes_total{device!="lo"}[\#(window)]) / (node_network_speed_bytes > 0)"#
    }
    var networkTransmit: String {
        #"rate(node_network_transmit_bytes_total{device!="lo"}[\#(window)]) / (node_network_speed_bytes > 0)"#
    }
    /// Receive and transmit errors and drops per second.
    var networkErrors: String {
        #"sum by (instance) (rate({__name__=~"node_network_(receive|transmit)_(errs|drop)_total"}[\#(window)]))"#
    }
    var up: String { "up" }

    var all: [String] {
        [endpointTime, endpointCount, endpointQuantile(0.5), endpointQuantile(0.99), endpointRequests, endpointErrors,
         endpointBuckets, instanceRequests, instanceErrors, instanceP99, cpu, memory, disk, diskIO, networkReceive,
         networkTransmit, networkErrors, up]
    }
}
