import Foundation
import PromQL
import TSDB
import Yams

/// Everything `sextant serve` can be told, from flags or a YAML file (flags win).
///
/// YAML keys mirror the flags: `data`, `listen`, `retention`, `retention_size`, `collect_host`,
/// `collect_interval`.
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
    /// Whether this host's /proc and /sys are collected as node_exporter would report them.
    public var collectHost = true
    /// Time between host collections.
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

    /// Sets `collectInterval` from a duration such as `15s`; it must be positive.
    public mutating func setCollectInterval(_ s: String) throws {
        let ms = try parseDuration(s)
        guard ms > 0 else { throw ConfigError("the host collection interval must be positive, got \"\(s)\"") }
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
        let known: Set = ["data", "listen", "retention", "retention_size", "collect_host", "collect_interval"]
        if let unknown = root.keys.first(where: { !known.contains($0) }) {
            throw ConfigError("config file \(path): unknown setting \"\(unknown)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
        if let v = root["data"] { dataDirectory = "\(v)" }
        if let v = root["listen"] { try setListen("\(v)") }
        if let v = root["retention"] { db.retention = try parseDuration("\(v)") }
        if let v = root["retention_size"] { db.retentionBytes = try parseBytes("\(v)") }
        if let v = root["collect_host"] {
            guard let on = v as? Bool else { throw ConfigError("config file \(path): collect_host must be true or false, got \"\(v)\"") }
            collectHost = on
        }
        if let v = root["collect_interval"] { try setCollectInterval("\(v)") }
    }
}

public struct ConfigError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Milliseconds in a Prometheus duration such as `15d`, `1h30m`, `90s`, `500ms`, `2w`, `1y`.
public func parseDuration(_ s: String) throws -> Int64 {
    let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000),
                                    ("d", 86_400_000), ("w", 604_800_000), ("y", 31_536_000_000)]
    var rest = Substring(s)
    var total: Int64 = 0
    if rest.isEmpty { throw ConfigError("empty duration") }
    while !rest.isEmpty {
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let n = Int64(digits), !digits.isEmpty else { throw ConfigError("invalid duration \"\(s)\"") }
        rest = rest.dropFirst(digits.count)
        guard let (unit, mult) = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count }) else {
            throw ConfigError("invalid duration \"\(s)\": missing or unknown unit")
        }
        rest = rest.dropFirst(unit.count)
        let (p, o1) = n.multipliedReportingOverflow(by: mult)
        let (t, o2) = total.addingReportingOverflow(p)
        if o1 || o2 { throw ConfigError("duration \"\(s)\" is too long") }
        total = t
    }
    return total
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
