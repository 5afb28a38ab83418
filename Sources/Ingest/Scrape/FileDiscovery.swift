import Foundation
import Glibc
import Logging
import Yams

/// `file_sd_configs`: target groups read from JSON or YAML files matched by glob patterns.
///
/// Each file holds a list of `{targets: [...], labels: {...}}`; every target also gets
/// `__meta_filepath`. Files are re-read when their list, size or modification time changes
/// (checked every second) and every `refresh_interval` regardless. A file that fails to read or
/// parse keeps the targets it had and the error is logged, as Prometheus does.
struct FileDiscovery: Sendable {
    let config: FileSDConfig
    let logger: Logger
    /// How often file lists and modification times are compared.
    var pollInterval: Duration = .seconds(1)

    /// Largest target file read.
    static let maxFileBytes = 16 << 20

    /// A file's identity for change detection.
    struct Stamp: Equatable {
        var size: Int64
        var modified: Int64
    }

    /// Calls `update` with all groups (sources `PATH:INDEX`) at start and after every change,
    /// until cancelled.
    func run(_ update: @Sendable ([TargetGroup]) -> Void) async {
        var stamps: [String: Stamp] = [:]
        var groups: [String: [TargetGroup]] = [:]
        var lastFull = ContinuousClock.now
        var first = true
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let full = now - lastFull >= .milliseconds(config.refreshInterval)
            if full { lastFull = now }
            let paths = matchingFiles()
            var current: [String: Stamp] = [:]
            for p in paths { current[p] = FileDiscovery.stamp(p) }
            if first || full || current != stamps {
                var changed = first || Set(current.keys) != Set(stamps.keys)
                for p in paths where first || full || current[p] != stamps[p] {
                    do {
                        let read = try FileDiscovery.read(p)
                        if groups[p] != read { changed = true }
                        groups[p] = read
                    } catch {
                        logger.error("file service discovery: \(error.message)")
                    }
                }
                for p in groups.keys where current[p] == nil {
                    groups[p] = nil
                    changed = true
                }
                stamps = current
                if changed { update(groups.keys.sorted().flatMap { groups[$0] ?? [] }) }
                first = false
            }
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// The files the patterns match now, sorted.
    func matchingFiles() -> [String] {
        var out: Set<String> = []
        for pattern in config.files {
            var g = glob_t()
            defer { globfree(&g) }
            guard glob(pattern, 0, nil, &g) == 0 else { continue }
            for i in 0..<Int(g.gl_pathc) {
                if let p = g.gl_pathv[i] { out.insert(String(cString: p)) }
            }
        }
        return out.sorted()
    }

    static func stamp(_ path: String) -> Stamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Stamp(size: Int64(st.st_size), modified: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }

    /// The target groups in one file.
    static func read(_ path: String) throws(IngestError) -> [TargetGroup] {
        // Checked before reading too, so a huge file is never loaded.
        if let size = stamp(path)?.size, size > maxFileBytes {
            throw IngestError(.invalidConfig, "\(path) is larger than \(maxFileBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestError(.invalidConfig, "cannot read \(path)")
        }
        if data.count > maxFileBytes { throw IngestError(.invalidConfig, "\(path) is larger than \(maxFileBytes) bytes") }
        guard let text = String(data: data, encoding: .utf8) else { throw IngestError(.invalidConfig, "\(path) is not UTF-8 text") }
        let root: Node?
        do {
            // JSON is YAML too; one reader gives line numbers for both.
            root = try Yams.compose(yaml: text)
        } catch {
            throw IngestError(.invalidConfig, "\(path) is not valid \(path.hasSuffix(".json") ? "JSON" : "YAML"): \(error)")
        }
        guard let root, !ScrapeConfigReader.isNull(root) else { return [] }
        let r = ScrapeConfigReader(file: path)
        var out: [TargetGroup] = []
        for (i, node) in try r.sequence(root, "target groups").enumerated() {
            var group = try ScrapeSettings.parseStaticGroup(node, "[\(i)]", source: "\(path):\(i)", r)
            group.labels["__meta_filepath"] = path
            out.append(group)
        }
        return out
    }
}
