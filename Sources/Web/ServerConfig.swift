import Foundation
import Ingest
import PromQL
import TSDB
import Yams

/// Everything `sextant serve` can be told, from flags or a YAML file (flags win).
///
/// YAML keys mirror the flags: `data`, `listen`, `retention`, `retention_size`, `collect_host`,
/// `collect_self`, `collect_interval`; the same file holds Prometheus's `global` and
/// `scrape_configs` (see docs/scrape.md).
public struct ServerConfig: Sendable {
    public var dataDirectory = "./sextant-data"
    public var host = "127.0.0.1"
    public var port = 8686
    public var db = DBOptions()
    public var limits = IngestLimits()
    public var query = EngineOptions()
    /// Most queries evaluated at once (Prometheus's `--query.max-concurrency`); others wait.
    public var maxConcurrentQueries = 20
    /// Usage-event ingestion: limits, privacy rules, PostHog API keys.
    public var analytics = AnalyticsConfig()
    /// How often the head is checked for cutting, blocks compacted and retention applied.
    public var maintenanceInterval: Duration = .seconds(30)
    /// How often the WAL is fsynced (acknowledged writes already survive a process crash).
    public var walSyncInterval: Duration = .seconds(1)
    /// Prometheus's `global` and `scrape_configs`.
    public var scrape = ScrapeSettings()
    /// Whether this host's /proc and /sys are collected as node_exporter would report them.
    public var collectHost = true
    /// Whether the server scrapes its own `/metrics` as `job="sextant"`.
    public var collectSelf = true
    /// Time between host collections and between self-scrapes.
    public var collectInterval: Duration = .seconds(15)

    public init() {}

    /// Sets `host` and `port` from `HOST:PORT`, `[V6]:PORT` or `:PORT`.
    public mutating func setListen(_ s: String) throws {
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (0...65535).contains(port) else {
            throw ConfigError("--listen must be HOST:PORT, got \"\(s)\"")
        }
        var host = String(s[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    /// The listen address as HOST:PORT (`[V6]:PORT`), the `instance` of Sextant's own series.
    public var listenAddress: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Sets `collectInterval` (host collections and self-scrapes) from a duration such as `15s`;
    /// it must be positive.
    public mutating func setCollectInterval(_ s: String) throws {
        let ms = try parseDuration(s)
        guard ms > 0 else { throw ConfigError("the collection interval must be positive, got \"\(s)\"") }
        collectInterval = .milliseconds(ms)
    }

    /// Applies the settings in a YAML file.
    public mutating func load(yamlFile path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError("cannot read config file \(path): \(error.localizedDescription)")
        }
        let node: Any?
        do {
            node = try Yams.load(yaml: text)
        } catch {
            throw ConfigError("config file \(path) is not valid YAML: \(error)")
        }
        guard let root = node as? [String: Any] else {
            if node == nil { return }
            throw ConfigError("config file \(path) must hold a mapping of settings")
        }
        let known = Set(["data", "listen", "retention", "retention_size", "collect_host", "collect_self", "collect_interval"]
                        + ScrapeSettings.topLevelKeys)
        if let unknown = root.keys.first(where: { !known.contains($0) }) {
            throw ConfigError("config file \(path): unknown setting \"\(unknown)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
        if let v = root["data"] { dataDirectory = "\(v)" }
        if let v = root["listen"] { try setListen("\(v)") }
        if let v = root["retention"] { db.retention = try parseDuration("\(v)") }
        if let v = root["retention_size"] { db.retentionBytes = try parseBytes("\(v)") }
        func flag(_ key: String) throws -> Bool? {
            guard let v = root[key] else { return nil }
            guard let on = v as? Bool else { throw ConfigError("config file \(path): \(key) must be true or false, got \"\(v)\"") }
            return on
        }
        if let on = try flag("collect_host") { collectHost = on }
        if let on = try flag("collect_self") { collectSelf = on }
        if let v = root["collect_interval"] { try setCollectInterval("\(v)") }
        do {
            scrape = try ScrapeSettings.parse(yaml: text, file: path)
        } catch {
            throw ConfigError(error.message)
        }
    }
}

public struct ConfigError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Milliseconds in a Prometheus duration such as `15d`, `1h30m`, `90s`, `500ms`, `2w`, `1y`.
public func parseDuration(_ s: String) throws -> Int64 {
    do {
        return try PrometheusDuration.parse(s)
    } catch {
        throw ConfigError(error.message)
    }
}

/// Bytes in a size such as `512MB`, `10GiB`, `1TB` or a plain number.
public func parseBytes(_ s: String) throws -> Int64 {
    let units: [(String, Int64)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
                                    ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
                                    ("B", 1)]
    let trimmed = s.trimmingCharacters(in: .whitespaces)
    for (u, m) in units where trimmed.hasSuffix(u) {
        if let n = Double(trimmed.dropLast(u.count).trimmingCharacters(in: .whitespaces)), n >= 0, n * Double(m) < 9e18 {
            return Int64(n * Double(m))
        }
        throw ConfigError("invalid size \"\(s)\"")
    }
    guard let n = Int64(trimmed), n >= 0 else { throw ConfigError("invalid size \"\(s)\" (use e.g. 512MB or 10GiB)") }
    return n
}
