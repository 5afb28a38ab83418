/// Warnings and infos gathered during one evaluation, with the query position each refers to.
///
/// Like Prometheus, annotations are deduplicated by their text without the position; a later
/// annotation with the same text replaces the earlier one's position. `render(query:)` produces the
/// strings the API returns: `PromQL warning: ... (1:5)` (line:column of the position's start).
struct AnnotationSet {
    struct Entry {
        var isWarning: Bool
        var text: String
        var position: PositionRange?
        /// For histogram_quantile's monotonicity info, which merges its details across samples.
        var monotonicity: MonotonicityInfo?
    }

    private(set) var order: [String] = []
    private(set) var entries: [String: Entry] = [:]

    mutating func add(_ a: FunctionAnnotation, at position: PositionRange?) {
        add(Entry(isWarning: a.isWarning, text: a.text, position: position))
    }

    mutating func addMonotonicity(_ info: MonotonicityInfo, at position: PositionRange?) {
        let a = FunctionAnnotation.histogramQuantileForcedMonotonicity(metricName: info.metricName)
        add(Entry(isWarning: false, text: a.text, position: position, monotonicity: info))
    }

    mutating func add(_ e: Entry) {
        if let old = entries[e.text] {
            var merged = e
            if var m = old.monotonicity, let n = e.monotonicity {
                m.merge(n)
                merged.monotonicity = m
            }
            entries[e.text] = merged
            return
        }
        order.append(e.text)
        entries[e.text] = e
    }

    mutating func merge(_ other: AnnotationSet) {
        for k in other.order {
            if let e = other.entries[k] { add(e) }
        }
    }

    /// The strings for the API, positions rendered against `query`.
    func render(query: String) -> Annotations {
        var out = Annotations()
        for k in order {
            guard let e = entries[k] else { continue }
            let pos = e.position.map { FunctionAnnotation.position(ofScalarOffset: $0.start, in: query) }
            let text: String
            if let m = e.monotonicity {
                text = m.text(position: pos ?? "unknown position")
            } else if let pos {
                text = e.text + " (" + pos + ")"
            } else {
                text = e.text
            }
            if e.isWarning {
                if !out.warnings.contains(text) { out.warnings.append(text) }
            } else if !out.infos.contains(text) {
                out.infos.append(text)
            }
        }
        return out
    }
}
