import Foundation
import Logging
import Synchronization
import TSDB

/// The state of a target as the targets API shows it.
public struct TargetStatus: Sendable {
    public enum Health: String, Sendable { case up, down, unknown }

    public var target: ScrapeTarget
    public var health: Health
    /// Empty after a successful scrape.
    public var lastError: String
    /// When the last scrape started; nil before the first.
    public var lastScrape: Date?
    /// Seconds the last scrape's HTTP request took.
    public var lastScrapeDuration: Double
}

/// Scrapes one target every interval, at a fixed offset within the interval, until its task is
/// cancelled; then, if it was retired (the target went away), writes staleness markers for all
/// its series.
///
/// All methods are safe to call concurrently; scrapes of one loop never overlap.
final class ScrapeLoop: Sendable {
    /// Largest body read when the job sets no `body_size_limit`.
    static let defaultBodyLimit = 256 << 20

    let target: ScrapeTarget
    let config: ScrapeConfig
    let context: ScrapeContext
    let db: DB
    let fetcher: any ScrapeFetcher
    let metadataStore: MetadataStore
    let logger: Logger
    private let acceptHeader: String
    private let state: Mutex<State>

    private struct State {
        var cache = ScrapeCache()
        var health = TargetStatus.Health.unknown
        var lastError = ""
        var lastScrape: Date?
        var lastDuration = 0.0
        var metadata: [String: MetricMetadata] = [:]
        var retired = false
    }

    init(target: ScrapeTarget, config: ScrapeConfig, db: DB, fetcher: any ScrapeFetcher,
         metadataStore: MetadataStore, logger: Logger) {
        self.target = target
        self.config = config
        self.context = ScrapeContext(target: target, config: config)
        self.db = db
        self.fetcher = fetcher
        self.metadataStore = metadataStore
        self.logger = logger
        self.acceptHeader = ScrapeProtocol.acceptHeader(config.scrapeProtocols)
        self.state = Mutex(State())
    }

    var status: TargetStatus {
        state.withLock { st in
            TargetStatus(target: target, health: st.health, lastError: st.lastError, lastScrape: st.lastScrape,
                         lastScrapeDuration: st.lastDuration)
        }
    }

    /// Marks the loop as ending because its target went away: staleness markers follow when
    /// its task ends.
    func retire() { state.withLock { $0.retired = true } }

    /// Sleeps until the target's slot, then scrapes every interval until cancelled.
    func run(offsetSeed: UInt64) async {
        let nowNanos = UInt64(max(0, Date().timeIntervalSince1970 * 1e9))
        let offset = target.offset(nowNanos: nowNanos, seed: offsetSeed)
        let interval = Duration.milliseconds(target.interval)
        do {
            try await Task.sleep(for: .nanoseconds(Int64(offset)))
            var next = ContinuousClock.now
            while !Task.isCancelled {
                await scrapeOnce()
                next += interval
                let now = ContinuousClock.now
                // A scrape never runs late twice: missed slots are skipped.
                while next <= now { next += interval }
                try await Task.sleep(until: next, clock: .continuous)
            }
        } catch {
            // Cancelled: the manager stops or the target went away.
        }
        if state.withLock({ $0.retired }) { endOfTarget() }
    }

    /// One scrape: fetch, parse, store the samples, staleness markers and the report series.
    func scrapeOnce() async {
        let started = Date()
        let now = Int64(started.timeIntervalSince1970 * 1000)
        let clockStart = ContinuousClock.now
        var failure: IngestError?
        var response: ScrapeResponse?
        do {
            response = try await fetcher.fetch(try request())
        } catch {
            failure = error
        }
        // Stopping: record nothing half-done.
        if Task.isCancelled { return }
        let elapsed = ContinuousClock.now - clockStart
        let duration = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let (metadata, changed) = state.withLock { st -> ([String: MetricMetadata], Bool) in
            var counts = ScrapeCounts()
            var metadata = st.metadata
            if let response, failure == nil {
                if let format = ExpositionFormat(contentType: response.contentType) ?? config.fallbackFormat {
                    do {
                        try st.cache.appendScrape(response.body, format: format, at: now, duration: duration, context: context,
                                                  db: db, counts: &counts, metadata: &metadata)
                    } catch {
                        failure = error as? IngestError ?? IngestError(.scrapeFailed, "\(error)")
                    }
                } else if let type = response.contentType, !type.isEmpty {
                    failure = IngestError(.scrapeFailed, "received unsupported Content-Type \"\(type)\" and no fallback_scrape_protocol specified for target")
                } else {
                    failure = IngestError(.scrapeFailed, "non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target")
                }
            }
            if let failure {
                do {
                    try st.cache.appendFailure(at: now, duration: duration, counts: counts, context: context, db: db)
                } catch {
                    logger.warning("storing the failed scrape's report failed", metadata: ["target": "\(target.url)", "error": "\(error)"])
                }
                st.health = .down
                st.lastError = failure.message
            } else {
                st.health = .up
                st.lastError = ""
            }
            st.lastScrape = started
            st.lastDuration = duration
            let changed = failure == nil && metadata != st.metadata
            if failure == nil { st.metadata = metadata }
            return (metadata, changed)
        }
        if changed { metadataStore.setTarget(target.hash, target: target.labels, families: metadata) }
        if let failure {
            logger.debug("scrape failed", metadata: ["target": "\(target.url)", "error": "\(failure.message)"])
        }
    }

    /// Staleness markers for every series of the target, and its metadata forgotten.
    func endOfTarget() {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        state.withLock { st in
            do {
                try st.cache.appendEndOfTarget(at: now, context: context, db: db)
            } catch {
                logger.warning("writing staleness markers failed", metadata: ["target": "\(target.url)", "error": "\(error)"])
            }
        }
        metadataStore.removeTarget(target.hash)
    }

    /// The HTTP request, with credentials read now so rotated files take effect.
    func request() throws(IngestError) -> ScrapeRequest {
        let timeoutSeconds = Double(target.timeout) / 1000
        var headers: [(String, String)] = [
            ("Accept", acceptHeader),
            ("Accept-Encoding", config.enableCompression ? "gzip" : "identity"),
            ("User-Agent", "Sextant/0.1.0"),
            ("X-Prometheus-Scrape-Timeout-Seconds", timeoutSeconds == timeoutSeconds.rounded() ? String(Int64(timeoutSeconds)) : String(timeoutSeconds)),
        ]
        if let auth = config.http.basicAuth {
            var password = auth.password ?? ""
            if let file = auth.passwordFile { password = try ScrapeLoop.readSecret(file, what: "password") }
            let token = Data((auth.username + ":" + password).utf8).base64EncodedString()
            headers.append(("Authorization", "Basic " + token))
        }
        if let auth = config.http.authorization {
            var credentials = auth.credentials ?? ""
            if let file = auth.credentialsFile { credentials = try ScrapeLoop.readSecret(file, what: "credentials") }
            headers.append(("Authorization", auth.type + " " + credentials))
        }
        return ScrapeRequest(url: target.url, headers: headers, timeout: target.timeout,
                             bodyLimit: config.bodySizeLimit > 0 ? config.bodySizeLimit : ScrapeLoop.defaultBodyLimit,
                             tls: config.http.tls, followRedirects: config.http.followRedirects)
    }

    /// A secret file's contents without surrounding whitespace, as Prometheus reads them.
    static func readSecret(_ path: String, what: String) throws(IngestError) -> String {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20,
              let text = String(data: data, encoding: .utf8) else {
            throw IngestError(.scrapeFailed, "unable to read \(what) file \(path)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
