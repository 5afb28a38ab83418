import Statistics

/// A mean as Prometheus computes it for `avg` and `avg_over_time`: a Kahan-compensated sum
/// divided by the count for as long as the sum stays finite, then (once adding a value would
/// overflow) an incremental mean with Kahan compensation.
public struct RunningMean: Sendable, Equatable {
    @usableFromInline var sum: Double
    @usableFromInline var compensation: Double = 0
    @usableFromInline var mean: Double = 0
    @usableFromInline var count: Double = 1
    @usableFromInline var incremental = false

    /// Starts with the group's (or window's) first value.
    @inlinable
    public init(_ first: Double) {
        sum = first
    }

    @inlinable
    public mutating func add(_ v: Double) {
        count += 1
        if !incremental {
            let next = KahanSum.increment(v, sum: sum, compensation: compensation)
            if !next.sum.isInfinite {
                (sum, compensation) = next
                return
            }
            // The sum would overflow: continue from the mean of what we have.
            incremental = true
            mean = sum / (count - 1)
            compensation /= count - 1
        }
        let q = (count - 1) / count
        (mean, compensation) = KahanSum.increment(v / count, sum: q * mean, compensation: q * compensation)
    }

    /// The mean of the values added so far.
    @inlinable
    public var value: Double {
        incremental ? mean + compensation : sum / count + compensation / count
    }
}

/// The aggregation operators that reduce a group to one float.
public enum AggregationOperator: String, Sendable, CaseIterable {
    case sum, avg, count, group, min, max, stddev, stdvar, quantile
}

/// Accumulates one output group of `sum`, `avg`, `count`, `group`, `min`, `max`, `stddev`,
/// `stdvar` or `quantile` over float values, in input order, exactly as Prometheus does.
///
/// Create it with the group's first value, `add` the rest, then read `result(parameter:)`.
/// Histogram samples never reach it: Prometheus skips them for min/max/stddev/stdvar/quantile
/// with `FunctionAnnotation.histogramIgnoredInAggregation(op)` and cannot mix them into a float
/// sum/avg (`.mixedFloatsHistogramsAggregation`).
public struct FloatAggregator: Sendable {
    public let op: AggregationOperator
    @usableFromInline var value: Double
    @usableFromInline var compensation: Double = 0
    @usableFromInline var mean: Double
    @usableFromInline var count: Double = 1
    @usableFromInline var running: RunningMean
    @usableFromInline var values: [Double] = []

    @inlinable
    public init(_ op: AggregationOperator, first: Double) {
        self.op = op
        value = first
        mean = first
        running = RunningMean(first)
        switch op {
        case .stddev, .stdvar:
            // Welford's sum of squares; an infinite or NaN start makes it NaN for good.
            value = first.isNaN || first.isInfinite ? .nan : 0
        case .group:
            value = 1
        case .quantile:
            values = [first]
        default:
            break
        }
    }

    @inlinable
    public mutating func add(_ v: Double) {
        switch op {
        case .sum:
            (value, compensation) = KahanSum.increment(v, sum: value, compensation: compensation)
        case .avg:
            running.add(v)
        case .count:
            count += 1
        case .group:
            break
        case .max:
            if value < v || value.isNaN { value = v }
        case .min:
            if value > v || value.isNaN { value = v }
        case .stddev, .stdvar:
            count += 1
            let delta = v - mean
            mean += delta / count
            value += delta * (v - mean)
        case .quantile:
            values.append(v)
        }
    }

    /// The group's value. `parameter` is φ for `quantile` (see `PrometheusQuantile.quantile` for φ outside
    /// [0, 1]; the evaluator adds `FunctionAnnotation.invalidQuantile` once) and ignored otherwise.
    @inlinable
    public mutating func result(parameter: Double = .nan) -> Double {
        switch op {
        case .sum: return value + compensation
        case .avg: return running.value
        case .count: return count
        case .group: return 1
        case .min, .max: return value
        case .stdvar: return value / count
        case .stddev: return (value / count).squareRoot()
        case .quantile: return PrometheusQuantile.quantile(parameter, sorting: &values)
        }
    }

    /// Aggregates a whole group at once; nil for an empty group (which has no output).
    @inlinable
    public static func aggregate<S: Sequence>(_ op: AggregationOperator, _ values: S, parameter: Double = .nan) -> Double?
    where S.Element == Double {
        var iterator = values.makeIterator()
        guard let first = iterator.next() else { return nil }
        var aggregator = FloatAggregator(op, first: first)
        while let v = iterator.next() { aggregator.add(v) }
        return aggregator.result(parameter: parameter)
    }
}

/// Selection and ordering kernels: topk/bottomk, sort/sort_desc, and the count_values label.
public enum AggregationKernels {
    /// The k Prometheus uses for topk/bottomk/limitk: Go's int64(parameter) capped at the number
    /// of input series (all groups together). A result below 1 means no output at this step.
    /// (A NaN parameter is an error the evaluator reports before: "Parameter value is NaN".)
    public static func kLimit(parameter: Double, inputSeriesCount: Int) -> Int {
        let k = Swift.min(DateFunctions.goInt64(parameter), Int64(inputSeriesCount))
        return k < 1 ? 0 : Int(k)
    }

    /// topk (or bottomk) over ONE group's values given in input-series order; returns the
    /// indices of the chosen values in Prometheus's output order (largest first for topk,
    /// smallest first for bottomk, NaNs last).
    ///
    /// It replays Prometheus's bounded heap, so which of several equal values are kept, and
    /// their order, match Prometheus. (The final ordering is Go's insertion sort up to 12
    /// elements, as in Go; beyond that a stable sort, which can order equal values differently
    /// than Go's pdqsort.)
    public static func topK(_ values: [Double], k: Int, bottom: Bool = false) -> [Int] {
        guard k >= 1, !values.isEmpty else { return [] }
        // Heap order of Prometheus's heaps: NaN sorts to the root, which is the element
        // replaced first.
        let heapLess: (Double, Double) -> Bool = bottom
            ? { a, b in a.isNaN || a > b }
            : { a, b in a.isNaN || a < b }
        var heap: [Int] = []
        heap.reserveCapacity(Swift.min(k, values.count))
        for i in values.indices {
            let v = values[i]
            if heap.count < k {
                heap.append(i)
                siftUp(&heap, heap.count - 1, values, heapLess)
                continue
            }
            let root = values[heap[0]]
            let replace = bottom ? (root > v || (root.isNaN && !v.isNaN)) : (root < v || (root.isNaN && !v.isNaN))
            if replace {
                heap[0] = i
                if k > 1 { fix(&heap, 0, values, heapLess) }
            }
        }
        if heap.count > 1 {
            // sort.Reverse of the heap's order.
            sortLikeGo(&heap) { a, b in heapLess(values[b], values[a]) }
        }
        return heap
    }

    /// `sort` (ascending) or `sort_desc`: the order of `values` Prometheus outputs, NaNs last
    /// in both cases. Histogram samples are filtered out by the evaluator first.
    public static func sortOrder(_ values: [Double], descending: Bool) -> [Int] {
        var order = Array(values.indices)
        if descending {
            sortLikeGo(&order) { a, b in values[b].isNaN || values[b] < values[a] }
        } else {
            sortLikeGo(&order) { a, b in values[b].isNaN || values[b] > values[a] }
        }
        return order
    }

    /// The `count_values` label value for a float sample (Go's FormatFloat(v, 'f', -1, 64)).
    @inlinable
    public static func countValuesLabel(_ v: Double) -> String { formatPromValue(v) }

    // MARK: - Go's container/heap and sort.Sort, on index arrays

    private static func siftUp(_ h: inout [Int], _ index: Int, _ values: [Double], _ less: (Double, Double) -> Bool) {
        var j = index
        while j > 0 {
            let parent = (j - 1) / 2
            if !less(values[h[j]], values[h[parent]]) { break }
            h.swapAt(parent, j)
            j = parent
        }
    }

    /// Go's heap.Fix: sift down, and up if it did not move down.
    private static func fix(_ h: inout [Int], _ index: Int, _ values: [Double], _ less: (Double, Double) -> Bool) {
        let n = h.count
        var i = index
        while true {
            let left = 2 * i + 1
            if left >= n { break }
            var child = left
            if left + 1 < n && less(values[h[left + 1]], values[h[left]]) { child = left + 1 }
            if !less(values[h[child]], values[h[i]]) { break }
            h.swapAt(i, child)
            i = child
        }
        if i == index { siftUp(&h, index, values, less) }
    }

    /// Go's sort.Sort for up to 12 elements is a plain insertion sort with the given "less"
    /// (which need not be a strict order: NaN-vs-NaN answers true in Prometheus's comparators).
    /// Longer inputs use a stable sort with the same order, treating NaNs as equal.
    private static func sortLikeGo(_ a: inout [Int], _ less: (Int, Int) -> Bool) {
        if a.count <= 12 {
            for i in 1..<a.count {
                var j = i
                while j > 0 && less(a[j], a[j - 1]) {
                    a.swapAt(j, j - 1)
                    j -= 1
                }
            }
            return
        }
        a = stableSorted(a, less)
    }

    private static func stableSorted(_ a: [Int], _ less: (Int, Int) -> Bool) -> [Int] {
        // Enumerate to break ties by position; "less" both ways means equal here (two NaNs).
        let sorted = a.enumerated().sorted { x, y in
            let xy = less(x.element, y.element), yx = less(y.element, x.element)
            if xy != yx { return xy }
            return x.offset < y.offset
        }
        return sorted.map(\.element)
    }
}
