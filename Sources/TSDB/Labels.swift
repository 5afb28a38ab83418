/// One label pair of a series.
public struct Label: Hashable, Sendable, Comparable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public static func < (a: Label, b: Label) -> Bool {
        a.name != b.name ? a.name < b.name : a.value < b.value
    }
}

/// The identity of a series: label pairs sorted by name, names unique, values non-empty.
///
/// The metric name is the label `__name__`. Built only through `init(_:)`, which sorts
/// and drops empty values, so two equal label sets always compare equal.
public struct Labels: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let metricName = "__name__"

    /// Sorted by name; no two share a name; no value is empty.
    public private(set) var pairs: [Label]

    public init(_ pairs: [Label]) {
        var p = pairs.filter { !$0.value.isEmpty }
        p.sort()
        self.pairs = p
    }

    public init(_ dict: [String: String]) {
        self.init(dict.map { Label($0.key, $0.value) })
    }

    /// Builds from pairs already sorted by name, unique and non-empty (checked only in debug).
    public init(sorted pairs: [Label]) {
        assert(zip(pairs, pairs.dropFirst()).allSatisfy { $0.name < $1.name })
        self.pairs = pairs
    }

    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    public var metricName: String? { self[Labels.metricName] }
    public var count: Int { pairs.count }
    public var isEmpty: Bool { pairs.isEmpty }

    public var dictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: pairs.map { ($0.name, $0.value) })
    }

    public static func < (a: Labels, b: Labels) -> Bool {
        for (x, y) in zip(a.pairs, b.pairs) where x != y {
            return x < y
        }
        return a.pairs.count < b.pairs.count
    }

    /// `name{a="1", b="2"}`, as Prometheus prints a series.
    public var description: String {
        let rest = pairs.filter { $0.name != Labels.metricName }
            .map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }
            .joined(separator: ", ")
        return (metricName ?? "") + "{" + rest + "}"
    }
}

func escapeLabelValue(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s {
        switch c {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        default: out.append(c)
        }
    }
    return out
}
