import Hummingbird
import Ingest
import Logging
import Metrics
import Prometheus
import PromQL
import ServiceLifecycle
import TSDB

/// Builds the whole server: storage, routes, background services. `sextant serve` runs what this
/// returns; tests call it directly.
public func buildApplication(_ config: ServerConfig, logger: Logger = Logger(label: "sextant")) async throws -> some ApplicationProtocol {
    let registry = SelfMetrics.registry
    let db = try DB(directory: config.dataDirectory, options: config.db, logger: logger)
    let router = Router()
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(LogRequestsMiddleware(.debug))
    AdminRoutes(db: db, registry: registry).register(on: router)
    ReadRoutes(db: db).register(on: router)
    QueryRoutes(db: db, engine: Engine(options: config.query)).register(on: router)
    let write = RemoteWriteHandler(db: db, limits: config.limits, logger: logger)
    router.post("/api/v1/write") { req, ctx in try await write.handle(req, context: ctx) }
    let service = TSDBService(db: db, maintenanceInterval: config.maintenanceInterval,
                              syncInterval: config.walSyncInterval, logger: logger)
    let scrape = ScrapeManager(settings: config.scrape, db: db, logger: logger)
    TargetsRoutes(manager: scrape).register(on: router)
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Sextant"),
        // Shut down in reverse: the scrape manager stops before the TSDB closes.
        services: [service, scrape],
        // The self-scrape target needs the bound port (tests listen on port 0).
        onServerRunning: { channel in scrape.setSelfTarget(host: config.host, port: channel.localAddress?.port ?? config.port) },
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
