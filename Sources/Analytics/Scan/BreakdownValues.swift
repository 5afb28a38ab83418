import EventStore

/// The values of a breakdown field that an answer keeps: those of the events matching the
/// filters, at most `limit`, the ones with the most events first (ties by value). Events lacking
/// the field form the `null` value. One pass over the field's column finds them.
struct BreakdownValues {
    let field: ResolvedField
    /// The kept values, in output order.
    let values: [ScalarValue]
    /// Output index by term id (-1: dropped); ids past the end are dropped.
    private let outputOf: [Int32]
    /// Set when values were dropped, saying how many.
    let warning: String?

    init(_ field: EventField, _ scan: EventScan, _ filters: FilterSet, limit: Int) {
        let resolved = ResolvedField(field, scan)
        var slots = TermSlots()
        var counts: [Int] = []
        for part in scan.parts {
            guard let bound = filters.bind(part.block) else { continue }
            let column = resolved.column(part.block)
            for i in part.rows where bound.matches(i) {
                let s = slots.slot(column?[i] ?? 0)
                if s == counts.count { counts.append(0) }
                counts[s] += 1
            }
        }
        let all = (0..<slots.count).map { s in (term: slots.terms[s], count: counts[s], value: ScalarValue(term: slots.terms[s], scan.terms)) }
            .sorted { ($1.count, $0.value.description) < ($0.count, $1.value.description) }
        let kept = all.prefix(limit)
        var outputOf = [Int32](repeating: -1, count: Int(kept.map(\.term).max() ?? 0) + 1)
        for (i, k) in kept.enumerated() { outputOf[Int(k.term)] = Int32(i) }
        self.field = resolved
        self.outputOf = outputOf
        values = kept.map(\.value)
        warning = all.count > limit
            ? "breakdown \(field) has \(all.count) values; showing the \(limit) with the most events (raise breakdown_limit, at most \(BreakdownValues.maxLimit))"
            : nil
    }

    /// Trends.Request.breakdownLimit and the others default to this.
    static let defaultLimit = 25
    static let maxLimit = 1000

    /// The output index of the value with term id `id`, or -1 when it was dropped.
    @inline(__always)
    func output(_ id: UInt32) -> Int {
        Int(id) < outputOf.count ? Int(outputOf[Int(id)]) : -1
    }
}
