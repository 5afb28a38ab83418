import EventStore

/// Breakdown values to dense output slots. A dynamic map gives slots in order of appearance up
/// to `limit` and notes when more values turn up; a ranked map (built by `ranked`, one pass
/// over the field) keeps only the `limit` values with the most matching events. Events lacking
/// the field have the value `null` (term id 0). The per-event cost is one array load.
struct SlotMap {
    /// By term id: the slot, `unseen`, or `dropped`.
    private var slotOf: [Int32]
    /// The term id of each slot.
    private(set) var terms: [UInt32] = []
    let limit: Int
    private let fallback: Int32
    /// Set when a dynamic map met more than `limit` values; its answer is then incomplete.
    private(set) var overflowed = false

    private static let unseen: Int32 = -1, dropped: Int32 = -2

    static let defaultLimit = 25
    static let maxLimit = 1000

    /// A map that gives slots as values appear.
    init(limit: Int) {
        self.limit = limit
        slotOf = []
        fallback = SlotMap.unseen
    }

    /// A map of exactly `terms`, in that order; other values are dropped.
    init(fixed terms: [UInt32]) {
        limit = terms.count
        slotOf = [Int32](repeating: SlotMap.dropped, count: Int(terms.max() ?? 0) + 1)
        for (i, t) in terms.enumerated() { slotOf[Int(t)] = Int32(i) }
        self.terms = terms
        fallback = SlotMap.dropped
    }

    var count: Int { terms.count }

    /// The slot of term `id`, or -1 when the value is not counted.
    @inline(__always)
    mutating func slot(_ id: UInt32) -> Int {
        let i = Int(id)
        let s = i < slotOf.count ? slotOf[i] : fallback
        if s >= 0 { return Int(s) }
        if s == SlotMap.dropped { return -1 }
        guard terms.count < limit else {
            overflowed = true
            return -1
        }
        if i >= slotOf.count {
            slotOf.append(contentsOf: repeatElement(SlotMap.unseen, count: max(i + 1, slotOf.count * 2, 64) - slotOf.count))
        }
        slotOf[i] = Int32(terms.count)
        terms.append(id)
        return terms.count - 1
    }

    /// The `limit` values of `field` with the most events matching `filters` (ties by value),
    /// as a fixed map, and a warning saying how many were left out.
    static func ranked(_ field: ResolvedField, _ scan: EventScan, _ filters: FilterSet, limit: Int) -> (SlotMap, String) {
        var all = SlotMap(limit: .max)
        var counts: [Int] = []
        for part in scan.parts {
            guard let rows = filters.rows(part) else { continue }
            let column = field.column(part.block)
            for i in rows {
                let s = all.slot(column?[i] ?? 0)
                if s == counts.count { counts.append(0) }
                counts[s] += 1
            }
        }
        let order = all.ordered(by: counts, scan)
        let warning = "breakdown \(field.field) has \(order.count) values; showing the \(limit) with the most events (raise breakdown_limit, at most \(maxLimit))"
        return (SlotMap(fixed: order.prefix(limit).map { all.terms[$0] }), warning)
    }

    /// Slots by `weight` descending, ties by value.
    func ordered(by weight: [Int], _ scan: EventScan) -> [Int] {
        let values = terms.map { ScalarValue(term: $0, scan.terms).description }
        return terms.indices.sorted { (weight[$1], values[$0]) < (weight[$0], values[$1]) }
    }

    func value(_ slot: Int, _ scan: EventScan) -> ScalarValue { ScalarValue(term: terms[slot], scan.terms) }
}
