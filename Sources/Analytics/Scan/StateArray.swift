/// A fixed-size, zero-or-value-initialised buffer of plain values that analyses mutate once per
/// event (per-user state, counters).
///
/// A class, so writes through it need no copy-on-write uniqueness check (a Swift array in a
/// struct pays a runtime call per write in loops the optimiser cannot prove simple); every
/// access is still bounds-checked. Not thread-safe: one analysis owns it.
final class StateArray<Element: BitwiseCopyable> {
    let count: Int
    private let base: UnsafeMutablePointer<Element>

    init(repeating value: Element, count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: value, count: count)
    }

    deinit { base.deallocate() }

    @inline(__always)
    subscript(i: Int) -> Element {
        get {
            precondition(UInt(bitPattern: i) < UInt(bitPattern: count), "state index out of range")
            return base[i]
        }
        set {
            precondition(UInt(bitPattern: i) < UInt(bitPattern: count), "state index out of range")
            base[i] = newValue
        }
    }

    /// Sets elements `range` to `value`.
    func fill(_ range: Range<Int>, with value: Element) {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "state range out of range")
        (base + range.lowerBound).update(repeating: value, count: range.count)
    }

    /// A copy as an array.
    var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
