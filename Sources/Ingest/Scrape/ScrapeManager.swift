import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TSDB

/// Runs every job's scrape loops: builds targets from static configs, file discovery and the
/// server's own address, starts a loop per target, stops loops whose targets go away (with
/// staleness markers), and answers the targets API.
///
/// A `Service`: `run()` returns on graceful shutdown after every loop has stopped. One target's
/// failure or slowness never delays another's: each loop is its own task. All methods are safe
/// to call concurrently.
public final class ScrapeManager: Service, Sendable {
    /// Name of the built-in job that scrapes the server itself.
    public static let selfJobName = "sextant"

    /// Where scrapes record what targets say about their metrics.
    public let metadata: MetadataStore
    let db: DB
    let fetcher: any ScrapeFetcher
    let logger: Logger
    let offsetSeed: UInt64
    private let fileSDs: [(job: String, index: Int, config: FileSDConfig)]
    private let state: Mutex<State>

    struct Running {
        let loop: ScrapeLoop
        let task: Task<Void, Never>
    }

    struct Pool {
        var config: ScrapeConfig
        /// Groups by provider (`static`, `self`, `file/N`).
        var groups: [String: [TargetGroup]] = [:]
        var active: [UInt64: Running] = [:]
        var dropped: [Labels] = []
        var droppedCount = 0
    }

    private struct State {
        var pools: [String: Pool] = [:]
        var order: [String] = []
        var running = false
        var stopped = false
        /// Loops whose target went away, still writing their staleness markers.
        var retiring: [ObjectIdentifier: Task<Void, Never>] = [:]
    }

    /// - Parameters:
    ///   - settings: the jobs.
    ///   - selfScrapeInterval: milliseconds between scrapes of the server's own `/metrics`; when
    ///     set, a job `sextant` is added (unless the settings have one), whose target comes from
    ///     `setSelfTarget(host:port:instance:)`. Nil: no self-scrape.
    ///   - metadata: the store scrapes record metric metadata in (the one `/api/v1/metadata`
    ///     reads).
    ///   - fetcher: how bodies are fetched (HTTP by default).
    public init(settings: ScrapeSettings, db: DB, metadata: MetadataStore = MetadataStore(),
                selfScrapeInterval: Int64? = nil, fetcher: (any ScrapeFetcher)? = nil,
                logger: Logger = Logger(label: "sextant.scrape")) {
        self.db = db
        self.metadata = metadata
        self.fetcher = fetcher ?? HTTPScrapeFetcher()
        self.logger = logger
        var seedLabels = settings.global.externalLabels
        seedLabels.append(Label("__host__", ProcessInfo.processInfo.hostName))
        offsetSeed = LabelHash.hash(seedLabels)
        var st = State()
        var sds: [(String, Int, FileSDConfig)] = []
        for job in settings.scrapeConfigs {
            var pool = Pool(config: job)
            pool.groups["static"] = job.staticConfigs
            st.pools[job.jobName] = pool
            st.order.append(job.jobName)
            for (i, sd) in job.fileSDConfigs.enumerated() { sds.append((job.jobName, i, sd)) }
        }
        if let interval = selfScrapeInterval, interval > 0, st.pools[ScrapeManager.selfJobName] == nil {
            let g = settings.global
            var job = ScrapeConfig(jobName: ScrapeManager.selfJobName, scrapeInterval: interval,
                                   scrapeTimeout: min(g.scrapeTimeout, interval))
            job.scrapeProtocols = g.scrapeProtocols
            st.pools[job.jobName] = Pool(config: job)
            st.order.append(job.jobName)
        }
        fileSDs = sds
        state = Mutex(st)
    }

    /// The jobs, in configuration order.
    public var jobNames: [String] { state.withLock { $0.order } }

    /// Points the built-in `sextant` job at the server's own address, once it is bound (with
    /// port 0 the real port is known only then). An unspecified host (`0.0.0.0`, `::`) is scraped
    /// over loopback; `instance` labels the series (the listen address, as the host collector
    /// labels Sextant's process metrics, so both are one target).
    public func setSelfTarget(host: String, port: Int, instance: String) {
        var h = host
        if h.isEmpty || h == "0.0.0.0" { h = "127.0.0.1" }
        if h == "::" { h = "::1" }
        let address = h.contains(":") ? "[\(h)]:\(port)" : "\(h):\(port)"
        let group = TargetGroup(targets: [address], labels: ["instance": instance], source: "self")
        update(job: ScrapeManager.selfJobName, provider: "self", groups: [group])
    }

    /// Replaces one provider's target groups of a job and starts or stops loops to match.
    func update(job: String, provider: String, groups: [TargetGroup]) {
        state.withLock { st in
            guard st.pools[job] != nil, !st.stopped else { return }
            st.pools[job]?.groups[provider] = groups
            if st.running { sync(job, &st) }
        }
    }

    public func run() async throws {
        state.withLock { st in
            st.running = true
            for job in st.order { sync(job, &st) }
        }
        let discoveries = fileSDs.map { ($0.job, $0.index, FileDiscovery(config: $0.config, logger: logger)) }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for (job, index, discovery) in discoveries {
                    group.addTask {
                        await discovery.run { groups in self.update(job: job, provider: "file/\(index)", groups: groups) }
                    }
                }
            }
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        }
        await stop()
    }

    /// Cancels every loop (no staleness markers: the server is stopping, not the targets) and
    /// waits for all of them, then closes the HTTP connections.
    private func stop() async {
        let tasks = state.withLock { st -> [Task<Void, Never>] in
            st.stopped = true
            var tasks = Array(st.retiring.values)
            for name in st.order {
                tasks.append(contentsOf: st.pools[name]?.active.values.map(\.task) ?? [])
                st.pools[name]?.active = [:]
            }
            st.retiring = [:]
            return tasks
        }
        for t in tasks { t.cancel() }
        for t in tasks { await t.value }
        await fetcher.shutdown()
        logger.info("scrape manager stopped")
    }

    /// Rebuilds one pool's targets from its groups: new targets get loops, vanished ones are
    /// retired. Caller holds the state lock.
    private func sync(_ job: String, _ st: inout State) {
        guard var pool = st.pools[job] else { return }
        var wanted: [UInt64: ScrapeTarget] = [:]
        var dropped: [Labels] = []
        var droppedCount = 0
        for provider in pool.groups.keys.sorted() {
            for group in pool.groups[provider] ?? [] {
                for address in group.targets {
                    switch ScrapeTarget.make(address: address, groupLabels: group.labels, config: pool.config) {
                    case .active(let t): wanted[t.hash] = t
                    case .dropped(let labels):
                        droppedCount += 1
                        if pool.config.keepDroppedTargets == 0 || dropped.count < pool.config.keepDroppedTargets { dropped.append(labels) }
                    case .invalid(let why):
                        logger.warning("target dropped: \(why)", metadata: ["job": "\(job)", "address": "\(address)"])
                    }
                }
            }
        }
        for (hash, running) in pool.active where wanted[hash] == nil {
            running.loop.retire()
            running.task.cancel()
            let id = ObjectIdentifier(running.loop)
            st.retiring[id] = running.task
            pool.active[hash] = nil
            Task { [weak self] in
                await running.task.value
                self?.state.withLock { _ = $0.retiring.removeValue(forKey: id) }
            }
        }
        for (hash, target) in wanted where pool.active[hash] == nil {
            let loop = ScrapeLoop(target: target, config: pool.config, db: db, fetcher: fetcher,
                                  metadataStore: metadata, logger: logger)
            let seed = offsetSeed
            pool.active[hash] = Running(loop: loop, task: Task { await loop.run(offsetSeed: seed) })
        }
        pool.dropped = dropped
        pool.droppedCount = droppedCount
        st.pools[job] = pool
    }

    /// Active targets (by pool, then labels), dropped targets and dropped counts per pool.
    public func targets() -> (active: [TargetStatus], dropped: [(pool: String, labels: Labels)], droppedCounts: [(String, Int)]) {
        let (loops, dropped, counts) = state.withLock { st in
            var loops: [ScrapeLoop] = []
            var dropped: [(pool: String, labels: Labels)] = []
            var counts: [(String, Int)] = []
            for name in st.order {
                guard let pool = st.pools[name] else { continue }
                loops.append(contentsOf: pool.active.values.map(\.loop))
                dropped.append(contentsOf: pool.dropped.map { (name, $0) })
                counts.append((name, pool.droppedCount))
            }
            return (loops, dropped, counts)
        }
        let active = loops.map(\.status).sorted { (a: TargetStatus, b: TargetStatus) -> Bool in
            if a.target.scrapePool != b.target.scrapePool { return a.target.scrapePool < b.target.scrapePool }
            return a.target.labels < b.target.labels
        }
        return (active, dropped, counts)
    }
}
