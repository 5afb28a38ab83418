/// The head's label index: for each label name and value, the sorted refs of series carrying it.
///
/// Refs are handed out in increasing order, so appending keeps every list sorted.
/// Not thread-safe; the head guards it with a lock.
struct MemPostings {
    private(set) var index: [String: [String: [UInt64]]] = [:]
    private(set) var all: [UInt64] = []

    mutating func add(_ ref: UInt64, _ labels: Labels) {
        all.append(ref)
        for l in labels.pairs {
            index[l.name, default: [:]][l.value, default: []].append(ref)
        }
    }

    func postings(_ name: String, _ value: String) -> [UInt64] {
        index[name]?[value] ?? []
    }

    func values(_ name: String) -> [String: [UInt64]] {
        index[name] ?? [:]
    }

    var names: [String] { Array(index.keys) }
}
