import Foundation
import TSDB

/// One target of a job after relabeling: where to scrape it and the labels its series get.
public struct ScrapeTarget: Sendable, Hashable {
    /// The labels service discovery gave, before `relabel_configs` (meta labels included).
    public let discoveredLabels: Labels
    /// All labels after relabeling, `__address__`, `__scheme__` and the like included.
    public let allLabels: Labels
    /// The labels every series of this target gets: `allLabels` without those starting `__`.
    public let labels: Labels
    public let scrapePool: String
    /// `scheme://address/path?params`.
    public let url: String
    /// Milliseconds, from the `__scrape_interval__` / `__scrape_timeout__` labels.
    public let interval: Int64
    public let timeout: Int64
    /// Identity of the target within its pool (labels and URL), also the seed of its offset.
    public let hash: UInt64

    /// What became of one discovered target.
    public enum Outcome: Sendable {
        case active(ScrapeTarget)
        /// Dropped by relabeling; kept with its discovered labels for the targets API.
        case dropped(Labels)
        /// Relabeling left it unusable; the message says why.
        case invalid(String)
    }

    /// Builds a target as Prometheus's `PopulateLabels` does: discovered labels (the address,
    /// the group's labels, `__meta_*`), then defaults for `job`, `__scheme__`, `__metrics_path__`,
    /// `__scrape_interval__`, `__scrape_timeout__` and `__param_*` where not set, then
    /// `relabel_configs`; then `__meta_*` labels go and `instance` defaults to `__address__`.
    public static func make(address: String, groupLabels: [String: String], config: ScrapeConfig) -> Outcome {
        var lb = LabelBuilder([Label("__address__", address)])
        for (k, v) in groupLabels where lb.get(k).isEmpty { lb.set(k, v) }
        let defaults = [("job", config.jobName), ("__scrape_interval__", PrometheusDuration.format(config.scrapeInterval)),
                        ("__scrape_timeout__", PrometheusDuration.format(config.scrapeTimeout)),
                        ("__metrics_path__", config.metricsPath), ("__scheme__", config.scheme)]
        for (k, v) in defaults where lb.get(k).isEmpty { lb.set(k, v) }
        for (k, values) in config.params.sorted(by: { $0.key < $1.key }) {
            if let first = values.first, lb.get("__param_" + k).isEmpty { lb.set("__param_" + k, first) }
        }
        let discovered = Labels(lb.labels)
        guard RelabelConfig.apply(config.relabelConfigs, to: &lb) else { return .dropped(discovered) }
        let addr = lb.get("__address__")
        if addr.isEmpty { return .invalid("no address") }
        if let problem = TargetGroup.addressProblem(addr) { return .invalid(problem) }
        let interval: Int64, timeout: Int64
        do {
            interval = try PrometheusDuration.parse(lb.get("__scrape_interval__"))
        } catch {
            return .invalid("error parsing scrape interval: \(error.message)")
        }
        if interval == 0 { return .invalid("scrape interval cannot be 0") }
        do {
            timeout = try PrometheusDuration.parse(lb.get("__scrape_timeout__"))
        } catch {
            return .invalid("error parsing scrape timeout: \(error.message)")
        }
        if timeout == 0 { return .invalid("scrape timeout cannot be 0") }
        if timeout > interval {
            return .invalid("scrape timeout cannot be greater than scrape interval (\"\(lb.get("__scrape_timeout__"))\" > \"\(lb.get("__scrape_interval__"))\")")
        }
        for l in lb.labels where l.name.hasPrefix("__meta_") { lb.delete(l.name) }
        if lb.get("instance").isEmpty { lb.set("instance", addr) }
        let all = Labels(lb.labels)
        let url = ScrapeTarget.url(all, params: config.params)
        let visible = Labels(sorted: all.pairs.filter { !$0.name.hasPrefix("__") })
        let hash = LabelHash.hash(all.pairs + [Label("__url__", url)])
        return .active(ScrapeTarget(discoveredLabels: discovered, allLabels: all, labels: visible, scrapePool: config.jobName,
                                    url: url, interval: interval, timeout: timeout, hash: hash))
    }

    /// `scheme://address/path?query`, where `__param_NAME` labels replace the first value of
    /// NAME in the configured params; the query is sorted by name and form-encoded, as Go's
    /// `url.Values.Encode` writes it.
    static func url(_ labels: Labels, params: [String: [String]]) -> String {
        var query = params
        for l in labels.pairs where l.name.hasPrefix("__param_") {
            let key = String(l.name.dropFirst("__param_".count))
            if var values = query[key], !values.isEmpty {
                values[0] = l.value
                query[key] = values
            } else {
                query[key] = [l.value]
            }
        }
        var path = labels["__metrics_path__"] ?? "/metrics"
        if !path.hasPrefix("/") { path = "/" + path }
        var out = (labels["__scheme__"] ?? "http") + "://" + (labels["__address__"] ?? "") + escapePath(path)
        if !query.isEmpty {
            let parts = query.sorted { $0.key < $1.key }.flatMap { kv in kv.value.map { formEscape(kv.key) + "=" + formEscape($0) } }
            out += "?" + parts.joined(separator: "&")
        }
        return out
    }

    /// Go's `url.QueryEscape`: unreserved bytes stay, space becomes `+`, the rest `%XX`.
    static func formEscape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if isUnreserved(b) {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else if b == 0x20 {
                out += "+"
            } else {
                out += "%" + hex(b)
            }
        }
        return out
    }

    static func escapePath(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if isUnreserved(b) || "/:@!$&'()*+,;=".utf8.contains(b) {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "%" + hex(b)
            }
        }
        return out
    }

    private static func isUnreserved(_ b: UInt8) -> Bool {
        let lower: UInt8 = b | 0x20
        if b >= 0x30 && b <= 0x39 { return true }
        if lower >= 0x61 && lower <= 0x7a { return true }
        return b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
    }

    /// The scrape URL with a loopback host replaced by this machine's name, as Prometheus's
    /// `globalUrl` is.
    public var globalURL: String {
        guard let address = allLabels["__address__"] else { return url }
        var host = address
        var port = ""
        if let colon = address.lastIndex(of: ":"), !address.hasSuffix("]") {
            host = String(address[..<colon])
            port = String(address[colon...])
        }
        let loopback = ["localhost", "127.0.0.1", "[::1]", "::1"].contains(host) || host.hasPrefix("127.")
        guard loopback else { return url }
        let name = ProcessInfo.processInfo.hostName
        guard !name.isEmpty, let range = url.range(of: "://" + address) else { return url }
        return url.replacingCharacters(in: range, with: "://" + name + port)
    }

    /// Nanoseconds from `now` (ns since the epoch) to this target's first scrape: its hash picks
    /// a fixed slot in the interval, so targets spread evenly and keep their slot across restarts.
    func offset(nowNanos: UInt64, seed: UInt64) -> UInt64 {
        let interval = UInt64(interval) * 1_000_000
        let base = interval - nowNanos % interval
        var next = base + (hash ^ seed) % interval
        if next > interval { next -= interval }
        return next
    }
}
