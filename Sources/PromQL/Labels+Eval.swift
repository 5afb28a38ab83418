import TSDB

/// Label-set edits the evaluator needs, all keeping `Labels`' sorted, unique, non-empty invariant.
extension Labels {
    /// Names Prometheus treats as series metadata and drops together with the metric name.
    static let metadataNames: Set<String> = [Labels.metricName, "__type__", "__unit__"]

    /// Without `__name__`, `__type__` and `__unit__` (Prometheus's `DropReserved(IsMetadataLabel)`).
    var droppingMetadata: Labels {
        if !pairs.contains(where: { $0.name.hasPrefix("__") && Labels.metadataNames.contains($0.name) }) { return self }
        return Labels(sorted: pairs.filter { !Labels.metadataNames.contains($0.name) })
    }

    /// Without the metric name only.
    var droppingMetricName: Labels {
        guard let i = pairs.firstIndex(where: { $0.name == Labels.metricName }) else { return self }
        var p = pairs
        p.remove(at: i)
        return Labels(sorted: p)
    }

    func removing(_ names: some Sequence<String>) -> Labels {
        let set = Set(names)
        if set.isEmpty { return self }
        return Labels(sorted: pairs.filter { !set.contains($0.name) })
    }

    func keeping(_ names: some Sequence<String>) -> Labels {
        let set = Set(names)
        return Labels(sorted: pairs.filter { set.contains($0.name) })
    }

    /// Sets `name` to `value`; an empty value deletes the label.
    func setting(_ name: String, _ value: String) -> Labels {
        var p = pairs
        var lo = 0, hi = p.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if p[mid].name < name { lo = mid + 1 } else { hi = mid }
        }
        if lo < p.count && p[lo].name == name {
            if value.isEmpty { p.remove(at: lo) } else { p[lo].value = value }
        } else if !value.isEmpty {
            p.insert(Label(name, value), at: lo)
        } else {
            return self
        }
        return Labels(sorted: p)
    }

    /// Prometheus's `MatchLabels(on, names...)`: with `on` only `names`; otherwise everything except
    /// `names` and the metric name.
    func matching(on: Bool, _ names: [String]) -> Labels {
        if on { return keeping(names) }
        return removing(names + [Labels.metricName])
    }

    /// `{__name__="a", b="c"}`: Prometheus's `Labels.String()` (used in error messages).
    var promString: String {
        var s = "{"
        for (i, p) in pairs.enumerated() {
            if i > 0 { s += ", " }
            s += p.name
            s += "="
            s += goQuote(p.value)
        }
        return s + "}"
    }

    /// The bytes Prometheus hashes for a label set: name 0xff value 0xff, for each label.
    var hashBytes: [UInt8] {
        var b: [UInt8] = []
        for p in pairs {
            b.append(contentsOf: p.name.utf8)
            b.append(0xff)
            b.append(contentsOf: p.value.utf8)
            b.append(0xff)
        }
        return b
    }

    /// Prometheus's `Labels.Hash()` (xxHash64 of `hashBytes`), which `limit_ratio` samples by.
    var promHash: UInt64 { XXHash64.hash(hashBytes) }
}
