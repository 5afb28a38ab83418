/// Dense slots 0, 1, 2, ... for the term ids met in a scan (breakdown values, model versions,
/// sessions), in order of first appearance. A flat array indexed by term id does the mapping, so
/// the per-event cost is one load, with no hashing.
struct TermSlots {
    /// `slotOf[id]` is the slot of term `id`, or -1.
    private var slotOf: [Int32] = []
    /// The term id of each slot.
    private(set) var terms: [UInt32] = []

    var count: Int { terms.count }

    /// The slot of `id`, giving it the next slot when it has none.
    @inline(__always)
    mutating func slot(_ id: UInt32) -> Int {
        let i = Int(id)
        if i < slotOf.count {
            let s = slotOf[i]
            if s >= 0 { return Int(s) }
        } else {
            grow(i)
        }
        slotOf[i] = Int32(terms.count)
        terms.append(id)
        return terms.count - 1
    }

    /// The slot of `id` if it has one.
    @inline(__always)
    func existing(_ id: UInt32) -> Int? {
        let i = Int(id)
        guard i < slotOf.count, slotOf[i] >= 0 else { return nil }
        return Int(slotOf[i])
    }

    private mutating func grow(_ i: Int) {
        slotOf.append(contentsOf: repeatElement(-1, count: max(i + 1, slotOf.count * 2, 64) - slotOf.count))
    }
}
