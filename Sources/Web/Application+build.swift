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
    let metadata = MetadataStore()
    ReadRoutes(db: db).register(on: router)
    StatusRoutes(db: db, metadata: metadata).register(on: router)
    QueryRoutes(db: db, options: config.query, maxConcurrency: config.maxConcurrentQueries).register(on: router)
    let write = RemoteWriteHandler(db: db, metadata: metadata, limits: config.limits, logger: logger)
    router.post("/api/v1/write") { req, ctx in try await write.handle(req, context: ctx) }
    let service = TSDBService(db: db, maintenanceInterval: config.maintenanceInterval,
                              syncInterval: config.walSyncInterval, logger: logger)
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Sextant"),
        services: [service],
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
