/// A label index that can answer matcher queries: the head's `MemPostings` and a block's index.
protocol PostingsIndex {
    associatedtype ID: FixedWidthInteger & Sendable
    /// Sorted ids of the series with label `name="value"`.
    func postings(_ name: String, _ value: String) -> [ID]
    /// Every value the label `name` takes.
    func labelValues(_ name: String) -> [String]
    /// Sorted ids of every series.
    func allPostings() -> [ID]
}

extension PostingsIndex {
    /// Sorted ids of the series that satisfy every matcher.
    ///
    /// Matchers that reject a missing label (`a="x"`, `a=~"x.+"`) each select a union of value
    /// lists, and those are intersected; matchers that accept a missing label (`a!="x"`, `a=""`)
    /// are applied by subtracting the values they reject, as Prometheus's index does.
    func select(_ matchers: [Matcher]) -> [ID] {
        var result: [ID]?
        var subtract: [[ID]] = []
        for m in matchers {
            if !m.matchesEmpty {
                let ids: [ID]
                switch m.kind {
                case .equal:
                    ids = postings(m.name, m.value)
                default:
                    let values = m.setValues.map { $0.filter { !$0.isEmpty } } ?? labelValues(m.name).filter(m.matches)
                    ids = PostingsMath.union(values.map { postings(m.name, $0) })
                }
                result = result.map { PostingsMath.intersect($0, ids) } ?? ids
                if result!.isEmpty { return [] }
            } else {
                let rejected = labelValues(m.name).filter { !m.matches($0) }
                if !rejected.isEmpty {
                    subtract.append(PostingsMath.union(rejected.map { postings(m.name, $0) }))
                }
            }
        }
        var ids = result ?? allPostings()
        for s in subtract where !ids.isEmpty {
            ids = PostingsMath.subtract(ids, s)
        }
        return ids
    }
}
