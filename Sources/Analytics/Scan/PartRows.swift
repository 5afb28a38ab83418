/// The rows of one scan part that an analysis visits: every row in range, or the ones its
/// filters selected. Iterates ascending row indexes.
struct PartRows: Sequence {
    let range: Range<Int>
    /// nil: all of `range`.
    let selected: [Int32]?

    struct Iterator: IteratorProtocol {
        var i: Int
        let end: Int
        let selected: [Int32]?

        @inline(__always)
        mutating func next() -> Int? {
            guard i < end else { return nil }
            defer { i += 1 }
            if let selected { return Int(selected[i]) }
            return i
        }
    }

    func makeIterator() -> Iterator {
        selected.map { Iterator(i: 0, end: $0.count, selected: $0) } ?? Iterator(i: range.lowerBound, end: range.upperBound, selected: nil)
    }

    var isEmpty: Bool { selected?.isEmpty ?? range.isEmpty }
}

extension FilterSet {
    /// The rows of `part` that match, nil when none can.
    func rows(_ part: EventScan.Part) -> PartRows? {
        guard let bound = bind(part.block) else { return nil }
        let rows = PartRows(range: part.rows, selected: bound.select(part.rows))
        return rows.isEmpty ? nil : rows
    }
}
