import TSDB

/// What one collection read, before the `job` and `instance` labels and the timestamp are added.
public struct HostSamples: Sendable {
    /// Which scrape target a sample belongs to: the host (`job="node"`, as node_exporter's) or
    /// Sextant's own process (`job="sextant"`, as its self-scrape).
    public enum Target: Sendable, Hashable {
        case node, sextant
    }

    public struct Entry: Sendable {
        public var target: Target
        public var name: String
        /// Without `job` and `instance`; empty values are dropped when stored, as a scrape does.
        public var labels: [Label]
        public var value: Double
    }

    public private(set) var entries: [Entry] = []
    /// Malformed lines and unreadable files met so far, each described with the file it is in.
    public private(set) var problems: [String] = []

    public init() {}

    mutating func add(_ name: String, _ value: Double, _ labels: [Label] = [], target: Target = .node) {
        entries.append(Entry(target: target, name: name, labels: labels, value: value))
    }

    /// Notes a line or file that could not be used; the reader skips it and goes on.
    mutating func malformed(_ what: String) {
        problems.append(what)
    }

    mutating func append(contentsOf other: HostSamples) {
        entries += other.entries
        problems += other.problems
    }

    /// The value of the sample with this name and labels (in any order), for tests and tools.
    public func value(_ name: String, _ labels: [String: String] = [:], target: Target = .node) -> Double? {
        entries.first { e in
            e.target == target && e.name == name && e.labels.count == labels.count
                && e.labels.allSatisfy { labels[$0.name] == $0.value }
        }?.value
    }
}
