import Hummingbird
import HummingbirdTesting
import MetricsTestKit
import Prometheus
import SextantClient
import Testing

/// The middleware records into a `TestMetrics` (or a private Prometheus registry) passed to it,
/// so no test bootstraps the process-wide metrics system.
@Suite struct SextantMetricsMiddlewareTests {
    struct Failure: Error {}

    func app(_ metrics: TestMetrics, names: HTTPMetricNames = HTTPMetricNames()) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: SextantMetricsMiddleware(names: names, factory: metrics))
        router.get("/users/:id") { _, context in "user \(try context.parameters.require("id"))" }
        router.get("/in-flight") { _, _ -> String in
            let meter = try metrics.expectMeter("http_requests_in_flight", [("route", "/in-flight"), ("method", "GET")])
            return "\(meter.lastValue ?? -1)"
        }
        router.post("/teapot") { _, _ -> String in throw HTTPError(.init(code: 418)) }
        router.get("/crash") { _, _ -> String in throw Failure() }
        return Application(router: router)
    }

    @Test func countsRequestsByRoutePatternMethodAndStatus() async throws {
        let metrics = TestMetrics()
        try await app(metrics).test(.router) { client in
            for id in ["1", "2", "3"] {
                try await client.execute(uri: "/users/\(id)", method: .get) { #expect($0.status == .ok) }
            }
        }
        let labels = [("route", "/users/{id}"), ("method", "GET"), ("status", "200")]
        #expect(try metrics.expectCounter("http_requests_total", labels).totalValue == 3)
        #expect(try metrics.expectTimer("http_request_duration_seconds", labels).values.count == 3)
        #expect(try metrics.expectTimer("http_request_duration_seconds", labels).displayUnit == .seconds)
        // The raw paths never become labels.
        #expect(metrics.counters.allSatisfy { !$0.dimensions.contains { $0.1.hasPrefix("/users/1") } })
    }

    @Test func inFlightIsOneDuringTheRequestAndZeroAfter() async throws {
        let metrics = TestMetrics()
        try await app(metrics).test(.router) { client in
            try await client.execute(uri: "/in-flight", method: .get) { response in
                #expect(String(buffer: response.body) == "1.0")
            }
        }
        let meter = try metrics.expectMeter("http_requests_in_flight", [("route", "/in-flight"), ("method", "GET")])
        #expect(meter.lastValue == 0)
    }

    @Test func unmatchedPathsShareOneRouteLabel() async throws {
        let metrics = TestMetrics()
        try await app(metrics).test(.router) { client in
            for path in ["/nope", "/wp-admin.php", "/users"] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .notFound) }
            }
        }
        let labels = [("route", "NotFound"), ("method", "GET"), ("status", "404")]
        #expect(try metrics.expectCounter("http_requests_total", labels).totalValue == 3)
        #expect(metrics.counters(label: "http_requests_total").count == 1)
        #expect(try metrics.expectMeter("http_requests_in_flight", [("route", "NotFound"), ("method", "GET")]).lastValue == 0)
    }

    @Test func thrownErrorsCountWithTheirStatusOr500() async throws {
        let metrics = TestMetrics()
        try await app(metrics).test(.router) { client in
            try await client.execute(uri: "/teapot", method: .post) { #expect($0.status.code == 418) }
            try await client.execute(uri: "/crash", method: .get) { #expect($0.status == .internalServerError) }
        }
        #expect(try metrics.expectCounter("http_requests_total", [("route", "/teapot"), ("method", "POST"), ("status", "418")]).totalValue == 1)
        #expect(try metrics.expectCounter("http_requests_total", [("route", "/crash"), ("method", "GET"), ("status", "500")]).totalValue == 1)
        #expect(try metrics.expectTimer("http_request_duration_seconds", [("route", "/crash"), ("method", "GET"), ("status", "500")]).values.count == 1)
        #expect(try metrics.expectMeter("http_requests_in_flight", [("route", "/crash"), ("method", "GET")]).lastValue == 0)
    }

    @Test func namesAndLabelNamesAreConfigurable() async throws {
        let metrics = TestMetrics()
        let names = HTTPMetricNames(requestsTotal: "api_requests_total", requestDuration: "api_request_seconds",
                                    requestsInFlight: "api_in_flight", route: "handler", method: "verb", status: "code",
                                    unmatchedRoute: "unmatched")
        try await app(metrics, names: names).test(.router) { client in
            try await client.execute(uri: "/users/7", method: .get) { _ in }
            try await client.execute(uri: "/missing", method: .get) { _ in }
        }
        #expect(try metrics.expectCounter("api_requests_total", [("handler", "/users/{id}"), ("verb", "GET"), ("code", "200")]).totalValue == 1)
        #expect(try metrics.expectCounter("api_requests_total", [("handler", "unmatched"), ("verb", "GET"), ("code", "404")]).totalValue == 1)
        #expect(try metrics.expectTimer("api_request_seconds", [("handler", "/users/{id}"), ("verb", "GET"), ("code", "200")]).values.count == 1)
        #expect(try metrics.expectMeter("api_in_flight", [("handler", "/users/{id}"), ("verb", "GET")]).lastValue == 0)
    }

    @Test func madeUpMethodsShareOneLabel() async throws {
        let metrics = TestMetrics()
        try await app(metrics).test(.router) { client in
            try await client.execute(uri: "/users/1", method: .init("BREW")!) { _ in }
            try await client.execute(uri: "/users/1", method: .init("PROPFIND")!) { _ in }
        }
        let other = metrics.counters(label: "http_requests_total").filter { $0.dimensions.contains { $0 == ("method", "_OTHER") } }
        #expect(other.reduce(0) { $0 + $1.totalValue } == 2)
    }

    /// Through swift-prometheus, the exposition has the names Sextant's bottleneck analysis
    /// queries: `http_requests_total`, `http_request_duration_seconds_bucket/_sum/_count`.
    @Test func prometheusExpositionHasConventionalNames() async throws {
        let registry = PrometheusCollectorRegistry()
        let router = Router()
        router.add(middleware: SextantMetricsMiddleware(factory: PrometheusMetricsFactory(registry: registry)))
        router.get("/users/:id") { _, _ in "ok" }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/users/1", method: .get) { _ in }
            try await client.execute(uri: "/users/2", method: .get) { _ in }
        }
        let text = registry.emitToString()
        #expect(text.contains("# TYPE http_requests_total counter"))
        #expect(text.contains(#"http_requests_total{route="/users/{id}",method="GET",status="200"} 2"#))
        #expect(text.contains("# TYPE http_request_duration_seconds histogram"))
        #expect(text.contains(#"http_request_duration_seconds_bucket{route="/users/{id}",method="GET",status="200",le="+Inf"} 2"#))
        #expect(text.contains(#"http_request_duration_seconds_count{route="/users/{id}",method="GET",status="200"} 2"#))
        #expect(text.contains(#"http_request_duration_seconds_sum{route="/users/{id}",method="GET",status="200"}"#))
        #expect(text.contains(#"http_requests_in_flight{route="/users/{id}",method="GET"} 0"#))
    }
}
