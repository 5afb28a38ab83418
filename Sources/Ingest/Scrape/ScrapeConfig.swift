import TSDB

/// The `global` section of a Prometheus configuration, as far as scraping uses it.
public struct GlobalScrapeConfig: Sendable {
    /// Milliseconds between scrapes of a target (Prometheus's default: 1m).
    public var scrapeInterval: Int64 = 60_000
    /// Milliseconds a scrape may take (Prometheus's default: 10s).
    public var scrapeTimeout: Int64 = 10_000
    /// Labels for the outside world (remote write, alerts, federation). As in Prometheus they are
    /// not added to stored series; they seed the spreading of scrape offsets.
    public var externalLabels: [Label] = []
    public var scrapeProtocols: [ScrapeProtocol] = ScrapeProtocol.defaults
    public var bodySizeLimit = 0
    public var sampleLimit = 0
    public var labelLimit = 0
    public var labelNameLengthLimit = 0
    public var labelValueLengthLimit = 0
    /// `evaluation_interval`, accepted for the rule engine; scraping does not use it.
    public var evaluationInterval: Int64 = 60_000

    public init() {}
}

/// One `scrape_configs` entry: a job, its targets and how to scrape them. Durations are
/// milliseconds; limits of 0 mean no limit, as in Prometheus.
public struct ScrapeConfig: Sendable {
    public var jobName: String
    public var scrapeInterval: Int64
    public var scrapeTimeout: Int64
    public var metricsPath = "/metrics"
    /// `http` or `https`.
    public var scheme = "http"
    /// URL query parameters; a `__param_NAME` label replaces the first value of NAME.
    public var params: [String: [String]] = [:]
    public var honorLabels = false
    public var honorTimestamps = true
    /// Whether series that carry their own timestamps also get staleness markers.
    public var trackTimestampsStaleness = false
    public var scrapeProtocols: [ScrapeProtocol] = ScrapeProtocol.defaults
    /// The format assumed when a target sends no usable `Content-Type`; nil fails such scrapes,
    /// as Prometheus 3 does.
    public var fallbackFormat: ExpositionFormat?
    /// Whether to ask for gzip.
    public var enableCompression = true
    public var http = HTTPSettings()
    public var staticConfigs: [TargetGroup] = []
    public var fileSDConfigs: [FileSDConfig] = []
    public var relabelConfigs: [RelabelConfig] = []
    public var metricRelabelConfigs: [RelabelConfig] = []
    /// Most samples one scrape may store after metric relabeling; past it the scrape fails.
    public var sampleLimit = 0
    /// Most labels one series may have after metric relabeling; past it the scrape fails.
    public var labelLimit = 0
    public var labelNameLengthLimit = 0
    public var labelValueLengthLimit = 0
    /// Most uncompressed bytes one scrape may read; past it the scrape fails.
    public var bodySizeLimit = 0
    /// Most dropped targets listed by the targets API (0: all).
    public var keepDroppedTargets = 0

    public init(jobName: String, scrapeInterval: Int64 = 60_000, scrapeTimeout: Int64 = 10_000) {
        self.jobName = jobName
        self.scrapeInterval = scrapeInterval
        self.scrapeTimeout = scrapeTimeout
    }
}

/// How requests to a job's targets authenticate and set up TLS.
public struct HTTPSettings: Sendable {
    public struct BasicAuth: Sendable {
        public var username: String
        public var password: String?
        public var passwordFile: String?
    }

    /// `authorization` (or the older `bearer_token` / `bearer_token_file`).
    public struct Authorization: Sendable {
        public var type = "Bearer"
        public var credentials: String?
        public var credentialsFile: String?
    }

    public struct TLS: Sendable {
        public var insecureSkipVerify = false
        public var caFile: String?
        public var certFile: String?
        public var keyFile: String?
        public var serverName: String?
    }

    public var basicAuth: BasicAuth?
    public var authorization: Authorization?
    public var tls = TLS()
    public var followRedirects = true

    public init() {}
}

/// Targets sharing labels, from `static_configs` or a file SD file. Each target is an address
/// (`host:port`); `labels` apply to all of them.
public struct TargetGroup: Sendable, Equatable {
    public var targets: [String]
    public var labels: [String: String]
    /// Where the group came from (`static/0`, or the file name and index), for ordering.
    public var source: String

    public init(targets: [String], labels: [String: String] = [:], source: String) {
        self.targets = targets
        self.labels = labels
        self.source = source
    }
}

/// `file_sd_configs` entry: files (globs allowed in the last path element) of JSON or YAML
/// target groups, re-read every `refreshInterval` ms and when they change.
public struct FileSDConfig: Sendable {
    public var files: [String]
    public var refreshInterval: Int64 = 300_000

    public init(files: [String], refreshInterval: Int64 = 300_000) {
        self.files = files
        self.refreshInterval = refreshInterval
    }
}

/// Everything about scraping in one configuration file: `global` and `scrape_configs`.
public struct ScrapeSettings: Sendable {
    public var global = GlobalScrapeConfig()
    public var scrapeConfigs: [ScrapeConfig] = []

    public init() {}
}
