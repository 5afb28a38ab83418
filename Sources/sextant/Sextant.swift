import ArgumentParser
import Glibc
import Hummingbird
import Logging
import Web

@main
struct Sextant: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Performance monitoring and usage analytics in one server.",
        subcommands: [Serve.self, PromQLTestCommand.self, CompareCommand.self]
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server.")

    @Option(help: "Data directory.") var data: String?
    @Option(help: "Address to listen on, HOST:PORT.") var listen: String?
    @Option(help: "YAML file with the same settings as these flags.") var config: String?
    @Option(help: "How long to keep samples, e.g. 15d, 12h, 1y.") var retention: String?
    @Option(name: .customLong("retention-size"), help: "Most bytes of blocks to keep, e.g. 50GB.") var retentionSize: String?
    @Option(name: .customLong("query.lookback-delta"), help: "How far back an instant selector looks for a sample, e.g. 5m.") var lookbackDelta: String?
    @Option(name: .customLong("query.timeout"), help: "Longest a query may run, e.g. 2m.") var queryTimeout: String?
    @Option(name: .customLong("query.max-samples"), help: "Most samples a query may hold in memory at once.") var maxSamples: Int?
    @Option(name: .customLong("query.max-concurrency"), help: "Most queries evaluated at once; the rest wait in line.") var maxConcurrency: Int?
    @Option(name: .customLong("analytics.pseudonymize-key"), help: "Replace user and session ids by their HMAC-SHA256 under this key.")
    var pseudonymizeKey: String?
    @Flag(name: .customLong("analytics.store-ip"), help: "Keep IP addresses of events ($ip, or the sender's address).")
    var storeIP = false
    @Option(name: .customLong("analytics.scrub-keys"), help: "Comma-separated property keys never stored, any case, any depth (empty: none).")
    var scrubKeys: String?
    @Option(name: .customLong("analytics.posthog-api-key"), help: "A PostHog project API key the capture endpoints accept (repeatable; none: any).")
    var postHogAPIKeys: [String] = []
    @Option(name: .customLong("analytics.future-tolerance"), help: "How far ahead of the server's clock an event may be, e.g. 1d.")
    var futureTolerance: String?
    @Option(name: .customLong("analytics.max-batch-events"), help: "Most events in one request.")
    var maxBatchEvents: Int?
    @Option(name: .customLong("collect.host"), help: "Collect this host's metrics as node_exporter names them: true or false.") var collectHost: Bool?
    @Option(name: .customLong("collect.self"), help: "Scrape this server's own /metrics as job=\"sextant\": true or false.") var collectSelf: Bool?
    @Option(name: .customLong("collect.interval"), help: "Time between host collections and self-scrapes, e.g. 15s.") var collectInterval: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel: String = "info"

    func run() async throws {
        var cfg = ServerConfig()
        do {
            if let config { try cfg.load(yamlFile: config) }
            if let data { cfg.dataDirectory = data }
            if let listen { try cfg.setListen(listen) }
            if let retention { cfg.db.retention = try parseDuration(retention) }
            if let retentionSize { cfg.db.retentionBytes = try parseBytes(retentionSize) }
            if let lookbackDelta { cfg.query.lookbackDelta = try parseDuration(lookbackDelta) }
            if let queryTimeout { cfg.query.timeout = .milliseconds(try parseDuration(queryTimeout)) }
            if let collectHost { cfg.collectHost = collectHost }
            if let collectSelf { cfg.collectSelf = collectSelf }
            if let collectInterval { try cfg.setCollectInterval(collectInterval) }
            if let maxSamples {
                guard maxSamples > 0 else { throw ConfigError("--query.max-samples must be positive") }
                cfg.query.maxSamples = maxSamples
            }
            if let maxConcurrency {
                guard maxConcurrency > 0 else { throw ConfigError("--query.max-concurrency must be positive") }
                cfg.maxConcurrentQueries = maxConcurrency
            }
            if let pseudonymizeKey {
                guard !pseudonymizeKey.isEmpty else { throw ConfigError("--analytics.pseudonymize-key must not be empty") }
                cfg.analytics.pseudonymizeKey = pseudonymizeKey
            }
            cfg.analytics.storeIP = storeIP
            if let scrubKeys { cfg.analytics.scrubKeys = AnalyticsConfig.parseKeyList(scrubKeys) }
            cfg.analytics.postHogAPIKeys = postHogAPIKeys.flatMap(AnalyticsConfig.parseKeyList)
            if let futureTolerance { cfg.analytics.limits.futureToleranceMillis = try parseDuration(futureTolerance) }
            if let maxBatchEvents {
                guard maxBatchEvents > 0 else { throw ConfigError("--analytics.max-batch-events must be positive") }
                cfg.analytics.limits.maxEventsPerBatch = maxBatchEvents
            }
        } catch let e as ConfigError {
            throw ValidationError(e.description)
        }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "sextant")
        // Past a file-size limit, fail the write (and answer 5xx) instead of dying.
        signal(SIGXFSZ, SIG_IGN)
        let app = try await buildApplication(cfg, logger: logger)
        try await app.runService()
    }
}
