import Dispatch
import Glibc
import Logging
import ServiceLifecycle
import Synchronization
import TSDB

/// Reads this host's /proc and /sys every interval and stores what it finds under node_exporter's
/// metric names (`job="node"`, `instance` = host name), plus Sextant's own process metrics
/// (`job="sextant"`, `instance` = listen address): a dashboard built for node_exporter works on a
/// fresh Sextant with nothing else installed.
///
/// The first collection runs at start, then one every `interval` on a fixed schedule (a slow
/// collection delays the next one, never piles up). Reading happens on a thread of its own, so a
/// hung network file system never blocks the server's tasks. Stops on graceful shutdown.
/// All methods are safe to call concurrently.
public final class HostCollector: Service, Sendable {
    private let db: DB
    private let options: HostCollectorOptions
    private let logger: Logger
    private let state: Mutex<State>
    private let queue = DispatchQueue(label: "sextant.host-collector")

    private struct State {
        var collection: HostCollection
        var writer: HostSeriesWriter
        /// Sources (files) whose problems were already logged at warning level.
        var warned: Set<String> = []
    }

    public init(db: DB, options: HostCollectorOptions, logger: Logger) throws {
        self.db = db
        self.options = options
        self.logger = logger
        let collection = try HostCollection(paths: options.paths, mountTimeout: options.mountTimeout)
        state = Mutex(State(collection: collection,
                            writer: HostSeriesWriter(db: db, nodeInstance: options.nodeInstance, selfInstance: options.selfInstance)))
    }

    public func run() async throws {
        logger.info("host collector started", metadata: ["interval": "\(options.interval)", "instance": "\(options.nodeInstance)"])
        try? await cancelWhenGracefulShutdown { try await self.loop() }
    }

    private func loop() async throws {
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled {
            do {
                _ = try await collectOnce()
            } catch let error as TSDBError where error.code == .closed {
                return
            } catch {
                logger.error("host collection could not be stored: \(error)")
            }
            next = next.advanced(by: options.interval)
            // Behind schedule (a suspended machine, a very slow collection): skip missed ticks.
            while next < clock.now { next = next.advanced(by: options.interval) }
            try await Task.sleep(until: next, clock: clock)
        }
    }

    /// Reads and stores one collection now; returns what was stored.
    @discardableResult
    public func collectOnce() async throws -> StoreOutcome {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<StoreOutcome, any Error>) in
            queue.async {
                c.resume(with: Result { try self.collectAndStore() })
            }
        }
    }

    private func collectAndStore() throws -> StoreOutcome {
        try state.withLock { st in
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            let now = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
            let samples = st.collection.collect(now: now)
            let outcome = try st.writer.write(samples, at: Int64((now * 1000).rounded(.down)))
            for problem in samples.problems + outcome.problems {
                // Problems start with the file they are about: warn once per file.
                let source = String(problem.prefix { $0 != ":" })
                if st.warned.insert(source).inserted {
                    logger.warning("host collector: \(problem) (later problems of this kind are logged at debug level)")
                } else {
                    logger.debug("host collector: \(problem)")
                }
            }
            return outcome
        }
    }
}
