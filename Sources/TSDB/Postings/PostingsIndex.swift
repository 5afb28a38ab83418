/// A label index that can answer matcher queries: the head's and a block's.
protocol PostingsIndex {
    associatedtype ID: FixedWidthInteger & Sendable
    /// Sorted ids of the series with label `name="value"`.
    func postings(name: String, value: String) -> [ID]
    /// Sorted ids of the series whose value of `name` satisfies `predicate` (a union over values;
    /// series without the label are never included).
    func postings(name: String, where predicate: (String) throws -> Bool) rethrows -> [ID]
    /// Sorted ids of every series.
    func allPostings() -> [ID]
}

extension PostingsIndex {
    /// Sorted ids of the series that satisfy every matcher.
    ///
    /// A missing label counts as the empty value, as in Prometheus. Matchers that reject the empty
    /// value (`a="x"`, `a=~"x.+"`) each select a union of value lists, and those are intersected;
    /// matchers that accept it (`a!="x"`, `a=""`) subtract the series whose value they reject.
    /// No matchers select every series.
    func select(_ matchers: [Matcher]) -> [ID] {
        var include: [[ID]] = []
        var exclude: [[ID]] = []
        for m in matchers {
            if m.matchesEmpty {
                exclude.append(m.kind == .notEqual
                    ? postings(name: m.name, value: m.value)
                    : postings(name: m.name) { !m.matches($0) })
            } else if m.kind == .equal {
                include.append(postings(name: m.name, value: m.value))
            } else if m.kind == .regexMatch, let set = m.setValues {
                include.append(PostingsMath.union(set.map { postings(name: m.name, value: $0) }))
            } else {
                include.append(postings(name: m.name, where: m.matches))
            }
            if include.last?.isEmpty == true { return [] }
        }
        var result = include.isEmpty ? allPostings() : PostingsMath.intersect(include)
        for e in exclude where !e.isEmpty && !result.isEmpty {
            result = PostingsMath.subtract(result, e)
        }
        return result
    }
}
