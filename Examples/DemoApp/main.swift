// A small Hummingbird app instrumented for Sextant: HTTP metrics through
// SextantMetricsMiddleware, a timed block through `measure`, usage events through EventTracker,
// and `/metrics` rendered by swift-prometheus for Sextant (or Prometheus) to scrape.
// Walkthrough: Examples/README.md.
//
// Environment: DEMO_LISTEN (127.0.0.1:8080), SEXTANT_URL (http://127.0.0.1:8686),
// DEMO_QUEUE (./demo-analytics-queue).

import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import SextantClient

let environment = ProcessInfo.processInfo.environment
let listen = environment["DEMO_LISTEN"] ?? "127.0.0.1:8080"
let sextantURL = environment["SEXTANT_URL"] ?? "http://127.0.0.1:8686"
let queueDirectory = environment["DEMO_QUEUE"] ?? "./demo-analytics-queue"
let logger = Logger(label: "demo")

// swift-prometheus as the swift-metrics backend. Timers become histograms; their buckets are
// set per metric name (these are Prometheus's defaults, in seconds, spelled out).
let registry = PrometheusCollectorRegistry()
var metricsFactory = PrometheusMetricsFactory(registry: registry)
metricsFactory.durationHistogramBuckets["http_request_duration_seconds"] = [
    .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
    .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
]
metricsFactory.durationHistogramBuckets["recommendation_duration_seconds"] = [
    .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50),
]
MetricsSystem.bootstrap(metricsFactory)

// Usage events: queued on disk in DEMO_QUEUE, sent to Sextant in gzipped batches.
var trackerConfiguration = EventTrackerConfiguration(
    serverURL: sextantURL,
    queueDirectory: queueDirectory,
    device: DeviceInfo(platform: "linux", appVersion: "1.0.0", osVersion: ProcessInfo.processInfo.operatingSystemVersionString),
    // A real app asks the person first; the demo pretends they agreed.
    consent: Consent(canTrack: true, canProfile: true, canShare: false, consentDate: Date(), consentVersion: "2026-01"))
trackerConfiguration.batchSize = 20
trackerConfiguration.flushInterval = .seconds(2)
let tracker = try EventTracker(configuration: trackerConfiguration, logger: logger)

let router = Router()
// Before the routes: router middleware applies to routes added after it.
router.add(middleware: SextantMetricsMiddleware())

router.get("/metrics") { _, _ in
    var headers = HTTPFields()
    headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
    return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
}

router.get("/users/:id/workouts") { request, context -> String in
    let user = try context.parameters.require("id")
    await tracker.track(action: "workouts_viewed", category: "usage", userId: user)
    return "workouts of \(user)\n"
}

router.post("/users/:id/workouts") { request, context -> Response in
    let user = try context.parameters.require("id")
    let minutes = Double(request.uri.queryParameters["minutes"].map(String.init) ?? "") ?? 30
    await tracker.track(action: "workout_completed", category: "usage",
                        properties: ["kind": "run", "source": "demo"], value: minutes, userId: user)
    return Response(status: .created)
}

router.get("/recommendations") { request, _ -> String in
    let user = request.uri.queryParameters["user"].map(String.init)
    // Times the block into recommendation_duration_seconds; a throw would also count
    // recommendation_errors_total.
    let picks = measure("recommendation_duration_seconds", [("model", "rec-v2")]) {
        (0..<200_000).reduce(into: 0) { $0 &+= $1 &* 31 } % 5 + 1
    }
    await tracker.track(action: "recommendation_shown", category: "ai", properties: ["count": .number(Double(picks))],
                        userId: user, eventType: "ai_interaction")
    return "\(picks) recommendations\n"
}

router.get("/checkout") { _, _ -> String in
    // Fails on purpose: counts as status 503 in http_requests_total.
    throw HTTPError(.serviceUnavailable, message: "payments are down in the demo")
}

let (host, portText) = listen.lastIndex(of: ":").map { (String(listen[..<$0]), String(listen[listen.index(after: $0)...])) } ?? (listen, "8080")
guard let port = Int(portText) else {
    logger.critical("DEMO_LISTEN must be HOST:PORT, not \(listen)")
    exit(2)
}
let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "sextant-demo"),
                      services: [tracker], logger: logger)
// SIGINT/SIGTERM shut down gracefully: the server stops first, then the tracker seals and sends
// what is left (or keeps it on disk for the next start).
try await app.runService()
