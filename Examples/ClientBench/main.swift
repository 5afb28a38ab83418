// Micro-benchmarks of SextantClient's per-call costs, in a release build:
//
//   swift run -c release sextant-client-bench
//
// - a request through a Hummingbird router with no metrics, with SextantMetricsMiddleware,
//   and with Hummingbird's own MetricsMiddleware (all into swift-prometheus);
// - `measure` and a `Measure` made once, around an empty block;
// - `EventTracker.track`, including sealing a batch file (fsync) every 100 events.
// Prints the median of 7 runs after a warm-up. Figures go to BENCHMARKS.md; nothing gates CI.
// Arguments pick benchmarks (`requests`, `measure`, `track`, `encode`; all by default); `--quick` runs a
// twentieth of the work (for profiling under perf).

import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import SextantClient

struct BenchSource: RequestContextSource {
    var logger: Logger
}

struct BenchContext: RequestContext {
    typealias Source = BenchSource
    var coreContext: CoreRequestContextStorage
    init(source: BenchSource) { coreContext = CoreRequestContextStorage(source: source) }
}

struct DiscardingWriter: ResponseBodyWriter {
    mutating func write(_ buffer: ByteBuffer) async throws {}
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// Runs `body` once to warm up, then `runs` times, and prints the median per item.
func time(_ name: String, items: Int, runs: Int = 7, _ body: () async throws -> Void) async rethrows {
    try await body()
    var seconds: [Double] = []
    for _ in 0..<runs {
        let start = ContinuousClock.now
        try await body()
        let elapsed = start.duration(to: .now)
        seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    seconds.sort()
    let median = seconds[seconds.count / 2]
    print(String(format: "%-44@ %8.1f ns/item  %7.2fM items/s  (median of %d runs of %d)",
                 name as NSString, median / Double(items) * 1e9, Double(items) / median / 1e6, runs, items))
}

let arguments = CommandLine.arguments.dropFirst()
let scale = arguments.contains("--quick") ? 20 : 1
let chosen = Set(arguments.filter { !$0.hasPrefix("--") })
func selected(_ name: String) -> Bool { chosen.isEmpty || chosen.contains(name) }

let registry = PrometheusCollectorRegistry()
let factory = PrometheusMetricsFactory(registry: registry)
MetricsSystem.bootstrap(factory)  // for Hummingbird's MetricsMiddleware, which has no factory parameter
let logger = Logger(label: "bench")

func requests(_ name: String, _ middleware: (any MiddlewareProtocol<Request, Response, BenchContext>)?) async throws {
    let router = Router(context: BenchContext.self)
    if let middleware { router.add(middleware: middleware) }
    router.get("/users/:id") { _, _ in "ok" }
    router.post("/users/:id/workouts") { _, _ in HTTPResponse.Status.created }
    let responder = router.buildResponder()
    let paths = ["/users/1", "/users/2", "/missing"]
    let count = 200_000 / scale
    try await time(name, items: count) {
        for i in 0..<count {
            let request = Request(head: HTTPRequest(method: i % 4 == 3 ? .post : .get, scheme: nil, authority: nil,
                                                    path: i % 4 == 3 ? "/users/1/workouts" : paths[i % 3]),
                                  body: RequestBody(buffer: ByteBuffer()))
            let response = try await responder.respond(to: request, context: BenchContext(source: BenchSource(logger: logger)))
            try await response.body.write(DiscardingWriter())
        }
    }
}

if selected("requests") {
    try await requests("request, no metrics middleware", nil)
    try await requests("request, SextantMetricsMiddleware", SextantMetricsMiddleware(factory: factory))
    try await requests("request, Hummingbird MetricsMiddleware", MetricsMiddleware())
}

let calls = 1_000_000 / scale
if selected("measure") {
    await time("measure(name) { } (sync)", items: calls) {
        for i in 0..<calls { blackHole(measure("bench_block_duration_seconds", factory: factory) { i }) }
    }
    await time("measure(name) { } (async)", items: calls) {
        for i in 0..<calls { blackHole(await measure("bench_async_duration_seconds", factory: factory) { () async in i }) }
    }
    let held = Measure("bench_held_duration_seconds", factory: factory)
    await time("Measure made once, called { } (sync)", items: calls) {
        for i in 0..<calls { blackHole(held { i }) }
    }
}

func trackerConfiguration(_ queue: String) -> EventTrackerConfiguration {
    var configuration = EventTrackerConfiguration(
        serverURL: "http://127.0.0.1:9", queueDirectory: queue,
        device: DeviceInfo(platform: "linux", appVersion: "1.0.0", osVersion: "12"),
        consent: Consent(canTrack: true, canProfile: true, canShare: false, consentDate: Date(), consentVersion: "2026-01"))
    configuration.maxQueueBatches = 1_000_000
    configuration.maxQueueBytes = 1 << 34
    return configuration
}

func trackEvents(_ tracker: EventTracker, _ count: Int) async {
    for i in 0..<count {
        await tracker.track(action: "workout_completed", category: "usage",
                            properties: ["kind": "run", "n": .number(Double(i))], value: 30, userId: "u-\(i % 1000)")
    }
}

if selected("track") {
    let queue = NSTemporaryDirectory() + "sextant-client-bench-" + UUID().uuidString
    let tracker = try EventTracker(configuration: trackerConfiguration(queue), logger: logger, metricsFactory: factory)
    let events = 100_000 / scale
    await time("track (a batch file + fsync per 100 events)", items: events, runs: 3) { await trackEvents(tracker, events) }
    await tracker.discardQueued()
    try? FileManager.default.removeItem(atPath: queue)
}

if selected("encode") {
    // The same events without sealing: what `track` costs the caller between batches.
    let queue = NSTemporaryDirectory() + "sextant-client-bench-" + UUID().uuidString
    var configuration = trackerConfiguration(queue)
    configuration.batchSize = 5000
    configuration.maxBatchBytes = 8 << 20
    let tracker = try EventTracker(configuration: configuration, logger: logger, metricsFactory: factory)
    await time("track (encode + append, no seal)", items: 4999) {
        await trackEvents(tracker, 4999)
        await tracker.discardQueued()
    }
    try? FileManager.default.removeItem(atPath: queue)
}

@inline(never) func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
