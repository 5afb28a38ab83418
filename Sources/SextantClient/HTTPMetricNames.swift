/// The names of the HTTP metrics `SextantMetricsMiddleware` records, and of their labels.
///
/// The defaults follow Prometheus's naming conventions (base unit seconds, `_total` on counters)
/// and are what Sextant's bottleneck analysis reads: it ranks endpoints by their share of
/// `http_request_duration_seconds_sum` and by the error share of `http_requests_total{status=~"5.."}`,
/// grouped by the route label. Prometheus's own server and many exporters call that label
/// `handler`; set `route = "handler"` to match dashboards written for them.
public struct HTTPMetricNames: Sendable, Hashable {
    /// Counter of finished requests, labelled by route, method and status.
    public var requestsTotal: String
    /// Timer of request durations in seconds (a histogram with swift-prometheus), labelled by
    /// route, method and status. The duration runs until the response body has been written.
    public var requestDuration: String
    /// Gauge (a swift-metrics `Meter`) of requests being handled now, labelled by route and method.
    public var requestsInFlight: String
    /// The label holding the matched route pattern, e.g. `/users/{id}`.
    public var route: String
    /// The label holding the request method; methods outside RFC 9110's set are `_OTHER`.
    public var method: String
    /// The label holding the response status code, e.g. `200`.
    public var status: String
    /// The route label of requests that matched no route, so that scanners probing random paths
    /// add one series, not one per path.
    public var unmatchedRoute: String

    public init(
        requestsTotal: String = "http_requests_total",
        requestDuration: String = "http_request_duration_seconds",
        requestsInFlight: String = "http_requests_in_flight",
        route: String = "route",
        method: String = "method",
        status: String = "status",
        unmatchedRoute: String = "NotFound"
    ) {
        self.requestsTotal = requestsTotal
        self.requestDuration = requestDuration
        self.requestsInFlight = requestsInFlight
        self.route = route
        self.method = method
        self.status = status
        self.unmatchedRoute = unmatchedRoute
    }
}
