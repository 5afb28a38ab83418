import AppState
import EventStore
import Hummingbird
import Ingest
import Logging
import Metrics
import Prometheus
import PromQL
import ServiceLifecycle
import TSDB

/// Builds the whole server: storage, routes, background services. `sextant serve` runs what this
/// returns; tests call it directly. Usage events go to the event store in `<data>/events`,
/// unless a test passes its own `eventWriter`.
public func buildApplication(_ config: ServerConfig, logger: Logger = Logger(label: "sextant"),
                             eventWriter: (any EventWriter)? = nil) async throws -> some ApplicationProtocol {
    let registry = SelfMetrics.registry
    let db = try DB(directory: config.dataDirectory, options: config.db, logger: logger)
    let router = Router(context: SextantRequestContext.self)
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(LogRequestsMiddleware(.debug))
    AdminRoutes(db: db, registry: registry).register(on: router)
    let metadata = MetadataStore()
    ReadRoutes(db: db).register(on: router)
    StatusRoutes(db: db, metadata: metadata).register(on: router)
    let queries = QueryRoutes(db: db, options: config.query, maxConcurrency: config.maxConcurrentQueries)
    queries.register(on: router)
    InsightsRoutes(queries: queries, retention: config.db.retention, dataDirectory: config.dataDirectory).register(on: router)
    let write = RemoteWriteHandler(db: db, metadata: metadata, limits: config.limits, logger: logger)
    router.post("/api/v1/write") { req, ctx in try await write.handle(req, context: ctx) }
    var storeOptions = EventStoreOptions()
    storeOptions.logger = logger
    let events = try EventStore(directory: config.dataDirectory + "/events", options: storeOptions)
    let sink = EventSink(writer: eventWriter ?? events, config: config.analytics)
    EventRoutes(sink: sink).register(on: router)
    PostHogRoutes(sink: sink).register(on: router)
    UserDataRoutes(store: events, privacy: sink.privacy).register(on: router)
    let state = try AppState(path: config.dataDirectory + "/" + AppState.fileName)
    let analyses = AnalyticsRoutes(reader: events, state: state, evaluation: EvaluationQueue(maxConcurrency: config.maxConcurrentQueries),
                                   timeout: config.query.timeout)
    analyses.register(on: router)
    CohortRoutes(analyses: analyses).register(on: router)
    OTLPHandler(db: db, limits: config.limits, lookbackDelta: config.query.lookbackDelta, logger: logger).register(on: router)
    InfluxHandler(db: db, limits: config.limits, logger: logger).register(on: router)
    let tsdbUpkeep = StoreUpkeepService(name: "TSDB", syncInterval: config.walSyncInterval,
                                        maintenanceInterval: config.maintenanceInterval,
                                        sync: { try db.syncWAL() }, maintain: { try db.maintain() },
                                        close: { try db.close() }, logger: logger)
    let eventUpkeep = StoreUpkeepService(name: "event store", syncInterval: config.walSyncInterval,
                                         maintenanceInterval: config.maintenanceInterval,
                                         sync: { try events.syncWAL() }, maintain: { _ = try events.maintain() },
                                         close: { try events.close() }, logger: logger)
    var services: [any Service] = [tsdbUpkeep, eventUpkeep]
    if config.collectHost {
        var host = HostCollectorOptions(selfInstance: config.listenAddress)
        host.interval = config.collectInterval
        // After the TSDB's upkeep, so it stops first on shutdown (services stop in reverse order).
        services.append(try HostCollector(db: db, options: host, logger: logger))
    }
    let (seconds, attoseconds) = config.collectInterval.components
    let selfInterval = config.collectSelf ? seconds * 1000 + attoseconds / 1_000_000_000_000_000 : nil
    let scrape = ScrapeManager(settings: config.scrape, db: db, metadata: metadata,
                               selfScrapeInterval: selfInterval, logger: logger)
    TargetsRoutes(manager: scrape).register(on: router)
    // Last, so it stops first: no scrape is stored into a closed TSDB.
    services.append(scrape)
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Sextant"),
        services: services,
        // The self-scrape target needs the bound port (tests listen on port 0).
        onServerRunning: { channel in
            var bound = config
            bound.port = channel.localAddress?.port ?? config.port
            scrape.setSelfTarget(host: config.host, port: bound.port, instance: bound.listenAddress)
        },
        logger: logger
    )
}

/// The process-wide metrics registry: swift-metrics can be bootstrapped only once per process.
enum SelfMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
