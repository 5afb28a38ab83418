import CoreMetrics
import Hummingbird
import Synchronization

/// Hummingbird middleware that records, for every request, Prometheus-style HTTP metrics through
/// swift-metrics, so any backend works (swift-prometheus renders them at `/metrics`):
///
/// - `http_requests_total{route, method, status}`: a counter of finished requests;
/// - `http_request_duration_seconds{route, method, status}`: a timer (a histogram with
///   swift-prometheus, whose buckets are set on `PrometheusMetricsFactory`);
/// - `http_requests_in_flight{route, method}`: a gauge of requests being handled.
///
/// `route` is the matched route pattern as Hummingbird writes it (`/users/:id` is labelled
/// `/users/{id}`), never the raw path, so the number of series is bounded by the application's
/// routes; requests that match no route count under `HTTPMetricNames.unmatchedRoute`. A handler that throws counts with the error's status when it
/// is an `HTTPResponseError`, else 500. Names and label names are set by `HTTPMetricNames`.
///
/// Add it to the `Router` before the routes: Hummingbird applies router middleware to the routes
/// added after it, once the route is matched, which is how the route pattern is known.
///
/// ```swift
/// let router = Router()
/// router.add(middleware: SextantMetricsMiddleware())
/// router.get("/users/:id") { ... }
/// ```
///
/// Safe to use from any number of concurrent requests.
public struct SextantMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: HTTPMetricsCache

    /// - Parameters:
    ///   - names: metric and label names.
    ///   - factory: where the metrics go; nil uses `MetricsSystem.factory` (bootstrap it first).
    ///     Pass one to record into a registry of your own, as tests do, without a global bootstrap.
    public init(names: HTTPMetricNames = HTTPMetricNames(), factory: (any MetricsFactory)? = nil) {
        self.metrics = HTTPMetricsCache(names: names, factory: factory ?? MetricsSystem.factory)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let method = HTTPMetricsCache.methodLabel(request.method)
        let startRoute = metrics.routeLabel(context.endpointPath)
        let inFlight = metrics.inFlight(route: startRoute, method: method)
        inFlight.increment()
        do {
            var response = try await next(request, context)
            // Read again after the handler: with routers that match after middleware runs, the
            // pattern is only known now.
            let route = metrics.routeLabel(context.endpointPath)
            let endpoint = metrics.endpoint(route: route, method: method, status: response.status.code)
            let completion = RequestCompletion {
                endpoint.requests.increment()
                endpoint.duration.record(start.duration(to: .now))
                inFlight.decrement()
            }
            let body = response.body
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                defer { completion.finish() }
                try await body.write(writer)
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            let route = metrics.routeLabel(context.endpointPath)
            let endpoint = metrics.endpoint(route: route, method: method, status: status)
            endpoint.requests.increment()
            endpoint.duration.record(start.duration(to: .now))
            inFlight.decrement()
            throw error
        }
    }
}

/// Records a finished request exactly once: when its body has been written, or, if the server
/// drops the response without writing it (the client went away), when the response is freed.
/// Without the second path the in-flight gauge would drift upward.
final class RequestCompletion: Sendable {
    private let pending = Mutex(true)
    private let record: @Sendable () -> Void

    init(_ record: @escaping @Sendable () -> Void) {
        self.record = record
    }

    func finish() {
        let first = pending.withLock { pending in
            defer { pending = false }
            return pending
        }
        if first { record() }
    }

    deinit { finish() }
}
