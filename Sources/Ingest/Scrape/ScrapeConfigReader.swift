import Foundation
import TSDB
import Yams

/// Reads typed values out of a YAML node tree, throwing `IngestError(.invalidConfig)` messages
/// that name the file, the line and the setting's path (`scrape_configs[1].scrape_timeout`).
struct ScrapeConfigReader {
    let file: String

    func fail(_ node: Node?, _ path: String, _ message: String) -> IngestError {
        let line = node?.mark.map { ", line \($0.line)" } ?? ""
        return IngestError(.invalidConfig, "\(file)\(line): \(path): \(message)")
    }

    /// `key:`, `key: ~` or `key: null` (unquoted): the setting is left at its default.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain else { return false }
        return NSNull.construct(from: s) != nil
    }

    /// A mapping's entries by key; unknown and repeated keys are errors, null values are left out.
    func mapping(_ node: Node, _ path: String, known: [String]) throws(IngestError) -> [String: Node] {
        guard case .mapping(let m) = node else { throw fail(node, path, "expected a mapping of settings") }
        var out: [String: Node] = [:]
        var seen: Set<String> = []
        for (k, v) in m {
            guard case .scalar(let key) = k else { throw fail(k, path, "setting names must be plain strings") }
            guard known.contains(key.string) else {
                throw fail(k, path, "unknown setting \"\(key.string)\" (known: \(known.joined(separator: ", ")))")
            }
            guard seen.insert(key.string).inserted else { throw fail(k, path, "setting \"\(key.string)\" appears twice") }
            if !ScrapeConfigReader.isNull(v) { out[key.string] = v }
        }
        return out
    }

    func string(_ node: Node, _ path: String) throws(IngestError) -> String {
        guard case .scalar(let s) = node else { throw fail(node, path, "expected a string") }
        return s.string
    }

    func bool(_ node: Node, _ path: String) throws(IngestError) -> Bool {
        guard case .scalar(let s) = node else { throw fail(node, path, "expected true or false") }
        switch s.string.lowercased() {
        case "true": return true
        case "false": return false
        default: throw fail(node, path, "expected true or false, got \"\(s.string)\"")
        }
    }

    /// A non-negative integer.
    func count(_ node: Node, _ path: String) throws(IngestError) -> Int {
        guard case .scalar(let s) = node, let n = Int(s.string), n >= 0 else {
            throw fail(node, path, "expected a non-negative integer, got \"\(node.string ?? "a non-scalar")\"")
        }
        return n
    }

    /// Milliseconds in a Prometheus duration.
    func duration(_ node: Node, _ path: String) throws(IngestError) -> Int64 {
        let text = try string(node, path)
        do {
            return try PrometheusDuration.parse(text)
        } catch {
            throw fail(node, path, error.message)
        }
    }

    /// Milliseconds in a Prometheus duration that must be more than 0.
    func positiveDuration(_ node: Node, _ path: String) throws(IngestError) -> Int64 {
        let ms = try duration(node, path)
        if ms == 0 { throw fail(node, path, "must be greater than 0") }
        return ms
    }

    /// Bytes in a size as Prometheus writes `body_size_limit`: a number with an optional unit,
    /// B, KB, MB, GB, TB (powers of 1024, as Prometheus reads them) or KiB, MiB, GiB, TiB.
    func size(_ node: Node, _ path: String) throws(IngestError) -> Int {
        let text = try string(node, path).trimmingCharacters(in: .whitespaces)
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
                                      ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("TB", 1 << 40), ("B", 1)]
        var number = Substring(text)
        var multiplier = 1
        for (unit, m) in units where text.hasSuffix(unit) {
            number = text.dropLast(unit.count)
            multiplier = m
            break
        }
        guard let n = Int(number.trimmingCharacters(in: .whitespaces)), n >= 0 else {
            throw fail(node, path, "invalid size \"\(text)\" (use e.g. 10MB, 512KB or a number of bytes)")
        }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: multiplier)
        if overflow { throw fail(node, path, "size \"\(text)\" is too large") }
        return bytes
    }

    func sequence(_ node: Node, _ path: String) throws(IngestError) -> [Node] {
        guard case .sequence(let s) = node else { throw fail(node, path, "expected a list") }
        return Array(s)
    }

    func strings(_ node: Node, _ path: String) throws(IngestError) -> [String] {
        var out: [String] = []
        for (i, n) in try sequence(node, path).enumerated() { out.append(try string(n, "\(path)[\(i)]")) }
        return out
    }

    /// A mapping of strings to strings (labels, for instance).
    func stringMap(_ node: Node, _ path: String) throws(IngestError) -> [String: String] {
        guard case .mapping(let m) = node else { throw fail(node, path, "expected a mapping of names to values") }
        var out: [String: String] = [:]
        for (k, v) in m {
            guard case .scalar(let key) = k else { throw fail(k, path, "names must be strings") }
            if out[key.string] != nil { throw fail(k, path, "\"\(key.string)\" appears twice") }
            out[key.string] = ScrapeConfigReader.isNull(v) ? "" : try string(v, "\(path).\(key.string)")
        }
        return out
    }

    /// Label names as Prometheus 3 accepts them: any non-empty valid UTF-8 (a Swift String always is).
    func labelName(_ name: String, _ node: Node, _ path: String) throws(IngestError) {
        if name.isEmpty { throw fail(node, path, "label names must not be empty") }
    }
}
