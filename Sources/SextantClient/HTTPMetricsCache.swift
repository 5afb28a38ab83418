import CoreMetrics
import HTTPTypes
import Synchronization

/// The metric handles of `SextantMetricsMiddleware`, made once per label set: asking the factory
/// on every request would cost a registry lookup under its lock each time.
///
/// Its size is bounded by routes x methods x statuses: routes are the application's patterns and
/// methods outside the standard set share one label. Safe to use concurrently.
final class HTTPMetricsCache: Sendable {
    struct Endpoint: Sendable {
        let requests: Counter
        let duration: CoreMetrics.Timer
    }

    private struct EndpointKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private struct RouteKey: Hashable {
        let route: String
        let method: String
    }

    let names: HTTPMetricNames
    private let factory: any MetricsFactory
    private let endpoints = Mutex<[EndpointKey: Endpoint]>([:])
    private let inFlightMeters = Mutex<[RouteKey: Meter]>([:])

    init(names: HTTPMetricNames, factory: any MetricsFactory) {
        self.names = names
        self.factory = factory
    }

    func endpoint(route: String, method: String, status: Int) -> Endpoint {
        let key = EndpointKey(route: route, method: method, status: status)
        return endpoints.withLock { cache in
            if let hit = cache[key] { return hit }
            let dimensions = [(names.route, route), (names.method, method), (names.status, String(status))]
            let made = Endpoint(
                requests: Counter(label: names.requestsTotal, dimensions: dimensions, factory: factory),
                duration: CoreMetrics.Timer(label: names.requestDuration, dimensions: dimensions,
                                            preferredDisplayUnit: .seconds, factory: factory))
            cache[key] = made
            return made
        }
    }

    func inFlight(route: String, method: String) -> Meter {
        let key = RouteKey(route: route, method: method)
        return inFlightMeters.withLock { cache in
            if let hit = cache[key] { return hit }
            let made = Meter(label: names.requestsInFlight, dimensions: [(names.route, route), (names.method, method)],
                             factory: factory)
            cache[key] = made
            return made
        }
    }

    /// The route label for Hummingbird's matched endpoint path: nil (not matched yet, or never)
    /// and Hummingbird's own "NotFound" marker both become `names.unmatchedRoute`. A real route
    /// pattern always starts with "/", so it cannot collide with the marker.
    func routeLabel(_ endpointPath: String?) -> String {
        guard let endpointPath, endpointPath != "NotFound" else { return names.unmatchedRoute }
        return endpointPath
    }

    /// The method label: one of RFC 9110's methods or PATCH, else `_OTHER`, so that a client
    /// sending made-up methods cannot create series without bound.
    static func methodLabel(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .delete, .connect, .options, .trace, .patch: method.rawValue
        default: "_OTHER"
        }
    }
}
