import Foundation
import TSDB
import Yams

extension ScrapeSettings {
    /// The top-level keys of a configuration file that this type reads; the server reads the rest.
    public static let topLevelKeys = ["global", "scrape_configs"]

    /// Reads `global` and `scrape_configs` from a configuration file's text,
    /// checking them as Prometheus does (unknown keys, durations, duplicate job names, timeouts
    /// longer than intervals, relabel rules, auth and TLS combinations). Other top-level keys are
    /// ignored here. Relative file names are resolved against `file`'s directory.
    public static func parse(yaml text: String, file: String) throws(IngestError) -> ScrapeSettings {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw IngestError(.invalidConfig, "\(file) is not valid YAML: \(error)")
        }
        var settings = ScrapeSettings()
        guard let root, !ScrapeConfigReader.isNull(root) else { return settings }
        guard case .mapping(let top) = root else { throw IngestError(.invalidConfig, "\(file) must hold a mapping of settings") }
        let r = ScrapeConfigReader(file: file)
        let directory = (file as NSString).deletingLastPathComponent
        if let g = top["global"], !ScrapeConfigReader.isNull(g) { settings.global = try parseGlobal(g, r) }
        if let list = top["scrape_configs"], !ScrapeConfigReader.isNull(list) {
            var names: Set<String> = []
            for (i, node) in try r.sequence(list, "scrape_configs").enumerated() {
                let job = try parseJob(node, path: "scrape_configs[\(i)]", global: settings.global, directory: directory, r)
                guard names.insert(job.jobName).inserted else {
                    throw r.fail(node, "scrape_configs[\(i)]", "found multiple scrape configs with job name \"\(job.jobName)\"")
                }
                settings.scrapeConfigs.append(job)
            }
        }
        return settings
    }

    static func parseGlobal(_ node: Node, _ r: ScrapeConfigReader) throws(IngestError) -> GlobalScrapeConfig {
        let known = ["scrape_interval", "scrape_timeout", "external_labels", "scrape_protocols", "body_size_limit",
                     "sample_limit", "label_limit", "label_name_length_limit", "label_value_length_limit",
                     "evaluation_interval", "rule_query_offset", "query_log_file"]
        let m = try r.mapping(node, "global", known: known)
        var g = GlobalScrapeConfig()
        if let v = m["scrape_interval"] {
            g.scrapeInterval = try r.positiveDuration(v, "global.scrape_interval")
        }
        if let v = m["scrape_timeout"] {
            g.scrapeTimeout = try r.positiveDuration(v, "global.scrape_timeout")
        } else if g.scrapeTimeout > g.scrapeInterval {
            g.scrapeTimeout = g.scrapeInterval
        }
        if g.scrapeTimeout > g.scrapeInterval {
            throw r.fail(m["scrape_timeout"], "global", "global scrape timeout greater than scrape interval")
        }
        if let v = m["evaluation_interval"] { g.evaluationInterval = try r.duration(v, "global.evaluation_interval") }
        if let v = m["external_labels"] {
            let labels = try r.stringMap(v, "global.external_labels")
            for name in labels.keys { try r.labelName(name, v, "global.external_labels") }
            g.externalLabels = labels.filter { !$0.value.isEmpty }.map { Label($0.key, $0.value) }.sorted()
        }
        if let v = m["scrape_protocols"] { g.scrapeProtocols = try parseProtocols(v, "global.scrape_protocols", r) }
        if let v = m["body_size_limit"] { g.bodySizeLimit = try r.size(v, "global.body_size_limit") }
        if let v = m["sample_limit"] { g.sampleLimit = try r.count(v, "global.sample_limit") }
        if let v = m["label_limit"] { g.labelLimit = try r.count(v, "global.label_limit") }
        if let v = m["label_name_length_limit"] { g.labelNameLengthLimit = try r.count(v, "global.label_name_length_limit") }
        if let v = m["label_value_length_limit"] { g.labelValueLengthLimit = try r.count(v, "global.label_value_length_limit") }
        return g
    }

    static func parseProtocols(_ node: Node, _ path: String, _ r: ScrapeConfigReader) throws(IngestError) -> [ScrapeProtocol] {
        var out: [ScrapeProtocol] = []
        for (i, name) in try r.strings(node, path).enumerated() {
            guard let p = ScrapeProtocol(rawValue: name) else {
                let supported = ScrapeProtocol.allCases.map(\.rawValue).joined(separator: ", ")
                throw r.fail(node, "\(path)[\(i)]", "unsupported scrape protocol \"\(name)\" (supported: \(supported))")
            }
            if out.contains(p) { throw r.fail(node, path, "duplicated protocol in scrape_protocols: \(name)") }
            out.append(p)
        }
        if out.isEmpty { throw r.fail(node, path, "scrape_protocols cannot be empty") }
        return out
    }

    static let jobKeys = [
        "job_name", "scrape_interval", "scrape_timeout", "metrics_path", "scheme", "params", "honor_labels",
        "honor_timestamps", "track_timestamps_staleness", "scrape_protocols", "fallback_scrape_protocol",
        "enable_compression", "basic_auth", "authorization", "bearer_token", "bearer_token_file", "tls_config",
        "follow_redirects", "static_configs", "file_sd_configs", "relabel_configs", "metric_relabel_configs",
        "sample_limit", "label_limit", "label_name_length_limit", "label_value_length_limit", "body_size_limit",
        "keep_dropped_targets",
    ]

    static func parseJob(_ node: Node, path: String, global: GlobalScrapeConfig, directory: String,
                         _ r: ScrapeConfigReader) throws(IngestError) -> ScrapeConfig {
        let m = try r.mapping(node, path, known: jobKeys)
        guard let nameNode = m["job_name"] else { throw r.fail(node, path, "job_name is empty") }
        let name = try r.string(nameNode, "\(path).job_name")
        if name.isEmpty { throw r.fail(nameNode, path, "job_name is empty") }
        let p = "\(path) (job \"\(name)\")"
        var job = ScrapeConfig(jobName: name, scrapeInterval: global.scrapeInterval, scrapeTimeout: global.scrapeTimeout)
        if let v = m["scrape_interval"] {
            job.scrapeInterval = try r.positiveDuration(v, "\(p).scrape_interval")
        }
        if let v = m["scrape_timeout"] {
            job.scrapeTimeout = try r.positiveDuration(v, "\(p).scrape_timeout")
            if job.scrapeTimeout > job.scrapeInterval {
                throw r.fail(v, p, "scrape timeout greater than scrape interval for scrape config with job name \"\(name)\"")
            }
        } else {
            // Prometheus: the global timeout, cut down to the job's interval when that is shorter.
            job.scrapeTimeout = min(global.scrapeTimeout, job.scrapeInterval)
        }
        if let v = m["metrics_path"] {
            job.metricsPath = try r.string(v, "\(p).metrics_path")
            if !job.metricsPath.hasPrefix("/") { throw r.fail(v, "\(p).metrics_path", "must start with \"/\"") }
        }
        if let v = m["scheme"] {
            job.scheme = try r.string(v, "\(p).scheme")
            guard job.scheme == "http" || job.scheme == "https" else {
                throw r.fail(v, "\(p).scheme", "unsupported scheme \"\(job.scheme)\" (use http or https)")
            }
        }
        if let v = m["params"] {
            guard case .mapping(let params) = v else { throw r.fail(v, "\(p).params", "expected a mapping of names to lists of values") }
            for (k, values) in params {
                let key = try r.string(k, "\(p).params")
                job.params[key] = try r.strings(values, "\(p).params.\(key)")
            }
        }
        if let v = m["honor_labels"] { job.honorLabels = try r.bool(v, "\(p).honor_labels") }
        if let v = m["honor_timestamps"] { job.honorTimestamps = try r.bool(v, "\(p).honor_timestamps") }
        if let v = m["track_timestamps_staleness"] { job.trackTimestampsStaleness = try r.bool(v, "\(p).track_timestamps_staleness") }
        if let v = m["enable_compression"] { job.enableCompression = try r.bool(v, "\(p).enable_compression") }
        job.scrapeProtocols = global.scrapeProtocols
        if let v = m["scrape_protocols"] { job.scrapeProtocols = try parseProtocols(v, "\(p).scrape_protocols", r) }
        if let v = m["fallback_scrape_protocol"] {
            let text = try r.string(v, "\(p).fallback_scrape_protocol")
            guard let proto = ScrapeProtocol(rawValue: text) else {
                throw r.fail(v, "\(p).fallback_scrape_protocol", "unsupported scrape protocol \"\(text)\"")
            }
            job.fallbackFormat = proto.format
        }
        job.http = try parseHTTP(m, p, directory: directory, r)
        if let v = m["static_configs"] {
            for (i, g) in try r.sequence(v, "\(p).static_configs").enumerated() {
                job.staticConfigs.append(try parseStaticGroup(g, "\(p).static_configs[\(i)]", source: "static/\(i)", r))
            }
        }
        if let v = m["file_sd_configs"] {
            for (i, g) in try r.sequence(v, "\(p).file_sd_configs").enumerated() {
                job.fileSDConfigs.append(try parseFileSD(g, "\(p).file_sd_configs[\(i)]", directory: directory, r))
            }
        }
        if let v = m["relabel_configs"] { job.relabelConfigs = try parseRelabel(v, "\(p).relabel_configs", r) }
        if let v = m["metric_relabel_configs"] { job.metricRelabelConfigs = try parseRelabel(v, "\(p).metric_relabel_configs", r) }
        job.sampleLimit = try m["sample_limit"].map { v throws(IngestError) in try r.count(v, "\(p).sample_limit") } ?? global.sampleLimit
        job.labelLimit = try m["label_limit"].map { v throws(IngestError) in try r.count(v, "\(p).label_limit") } ?? global.labelLimit
        job.labelNameLengthLimit = try m["label_name_length_limit"].map { v throws(IngestError) in
            try r.count(v, "\(p).label_name_length_limit")
        } ?? global.labelNameLengthLimit
        job.labelValueLengthLimit = try m["label_value_length_limit"].map { v throws(IngestError) in
            try r.count(v, "\(p).label_value_length_limit")
        } ?? global.labelValueLengthLimit
        job.bodySizeLimit = try m["body_size_limit"].map { v throws(IngestError) in try r.size(v, "\(p).body_size_limit") } ?? global.bodySizeLimit
        if let v = m["keep_dropped_targets"] { job.keepDroppedTargets = try r.count(v, "\(p).keep_dropped_targets") }
        return job
    }

    static func parseStaticGroup(_ node: Node, _ path: String, source: String, _ r: ScrapeConfigReader) throws(IngestError) -> TargetGroup {
        let m = try r.mapping(node, path, known: ["targets", "labels"])
        var group = TargetGroup(targets: [], source: source)
        if let v = m["targets"] {
            group.targets = try r.strings(v, "\(path).targets")
            for t in group.targets {
                if let problem = TargetGroup.addressProblem(t) { throw r.fail(v, "\(path).targets", problem) }
            }
        }
        if let v = m["labels"] {
            group.labels = try r.stringMap(v, "\(path).labels")
            for name in group.labels.keys { try r.labelName(name, v, "\(path).labels") }
        }
        return group
    }

    static func parseFileSD(_ node: Node, _ path: String, directory: String, _ r: ScrapeConfigReader) throws(IngestError) -> FileSDConfig {
        let m = try r.mapping(node, path, known: ["files", "refresh_interval"])
        guard let filesNode = m["files"] else { throw r.fail(node, path, "file service discovery config must contain at least one path name") }
        var files = try r.strings(filesNode, "\(path).files")
        if files.isEmpty { throw r.fail(filesNode, path, "file service discovery config must contain at least one path name") }
        for (i, f) in files.enumerated() {
            guard f.hasSuffix(".json") || f.hasSuffix(".yml") || f.hasSuffix(".yaml") else {
                throw r.fail(filesNode, "\(path).files[\(i)]", "path name \"\(f)\" is not valid for file discovery (it must end in .json, .yml or .yaml)")
            }
            if (f as NSString).deletingLastPathComponent.contains(where: { "*?[".contains($0) }) {
                throw r.fail(filesNode, "\(path).files[\(i)]", "path name \"\(f)\": wildcards are only allowed in the last path element")
            }
            if !f.hasPrefix("/") { files[i] = directory.isEmpty ? f : directory + "/" + f }
        }
        var config = FileSDConfig(files: files)
        if let v = m["refresh_interval"] {
            config.refreshInterval = try r.positiveDuration(v, "\(path).refresh_interval")
        }
        return config
    }

    static func parseRelabel(_ node: Node, _ path: String, _ r: ScrapeConfigReader) throws(IngestError) -> [RelabelConfig] {
        let known = ["source_labels", "separator", "regex", "modulus", "target_label", "replacement", "action"]
        var out: [RelabelConfig] = []
        for (i, item) in try r.sequence(node, path).enumerated() {
            let p = "\(path)[\(i)]"
            let m = try r.mapping(item, p, known: known)
            var c = RelabelConfig()
            if let v = m["source_labels"] {
                c.sourceLabels = try r.strings(v, "\(p).source_labels")
                for name in c.sourceLabels { try r.labelName(name, v, "\(p).source_labels") }
            }
            if let v = m["separator"] { c.separator = try r.string(v, "\(p).separator") }
            if let v = m["regex"] {
                let pattern = try r.string(v, "\(p).regex")
                do {
                    c.regex = try AnchoredRegex(pattern)
                } catch {
                    // RE2Syntax says what is wrong: `(` unbalanced, or a construct RE2 lacks.
                    throw r.fail(v, "\(p).regex", error.message)
                }
            }
            if let v = m["modulus"] {
                guard case .scalar(let s) = v, let n = UInt64(s.string) else { throw r.fail(v, "\(p).modulus", "expected a positive integer") }
                c.modulus = n
            }
            if let v = m["target_label"] { c.targetLabel = try r.string(v, "\(p).target_label") }
            if let v = m["replacement"] { c.replacement = try r.string(v, "\(p).replacement") }
            if let v = m["action"] {
                let text = try r.string(v, "\(p).action")
                guard let a = RelabelConfig.Action(rawValue: text.lowercased()) else {
                    let all = RelabelConfig.Action.allCases.map(\.rawValue).joined(separator: ", ")
                    throw r.fail(v, "\(p).action", "unknown relabel action \"\(text)\" (known: \(all))")
                }
                c.action = a
            }
            if let problem = c.validate() { throw r.fail(item, p, problem) }
            out.append(c)
        }
        return out
    }
}

extension TargetGroup {
    /// Why `address` cannot be a target (`host:port`), or nil when it can.
    static func addressProblem(_ address: String) -> String? {
        if address.isEmpty { return "target address is empty" }
        if address.contains("/") { return "\"\(address)\" is not a valid hostname (write host:port; put the path in metrics_path)" }
        if address.contains(where: { $0.isWhitespace }) { return "\"\(address)\" is not a valid hostname" }
        return nil
    }
}
