/// A fixed-size, zero-or-value-initialised buffer of plain values that analyses mutate once per
/// event (per-user state, counters).
///
/// A class, so writes through it need no copy-on-write uniqueness check (a Swift array in a
/// struct pays a runtime call per write in loops the optimiser cannot prove simple); every
/// access is still bounds-checked. Not thread-safe: one analysis owns it.
final class StateArray<Element: BitwiseCopyable> {
    private(set) var count: Int
    private var capacity: Int
    private var base: UnsafeMutablePointer<Element>

    init(repeating value: Element, count: Int) {
        self.count = count
        capacity = max(count, 1)
        base = .allocate(capacity: capacity)
        base.initialize(repeating: value, count: count)
    }

    /// Adds an element at the end, doubling the storage when full.
    func append(_ value: Element) {
        if count == capacity {
            capacity *= 2
            let grown = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
        }
        (base + count).initialize(to: value)
        count += 1
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
