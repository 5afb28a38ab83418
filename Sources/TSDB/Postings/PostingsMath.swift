/// Set operations on postings lists: arrays of series ids sorted ascending, without duplicates.
///
/// Every function takes and returns such lists; given unsorted input they return garbage but
/// never trap. Merges are linear; when one side is much shorter than the other (32x or more) the
/// long side is skipped through by galloping (exponential then binary search) instead.
/// Generic over the id type; used with `UInt32` (block series ids) and `UInt64` (head series refs).
public enum PostingsMath {
    /// Lists whose length ratio reaches this use galloping instead of a linear merge.
    @usableFromInline static let gallopRatio = 32

    /// Ids present in both `a` and `b`.
    @inlinable
    public static func intersect<T: BinaryInteger>(_ a: [T], _ b: [T]) -> [T] {
        if a.isEmpty || b.isEmpty { return [] }
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        var out: [T] = []
        out.reserveCapacity(small.count)
        small.withUnsafeBufferPointer { s in
            large.withUnsafeBufferPointer { l in
                var i = 0, j = 0
                if l.count / s.count >= gallopRatio {
                    while i < s.count && j < l.count {
                        let x = s[i]
                        j = lowerBound(l, from: j, of: x)
                        if j < l.count && l[j] == x { out.append(x); j += 1 }
                        i += 1
                    }
                } else {
                    while i < s.count && j < l.count {
                        let x = s[i], y = l[j]
                        if x < y { i += 1 } else if y < x { j += 1 } else { out.append(x); i += 1; j += 1 }
                    }
                }
            }
        }
        return out
    }

    /// Ids present in every list; the intersection of no lists is empty.
    @inlinable
    public static func intersect<T: BinaryInteger>(_ lists: [[T]]) -> [T] {
        guard var shortest = lists.min(by: { $0.count < $1.count }) else { return [] }
        // Shortest first keeps every intermediate result small.
        for l in lists.sorted(by: { $0.count < $1.count }).dropFirst() {
            if shortest.isEmpty { break }
            shortest = intersect(shortest, l)
        }
        return shortest
    }

    /// Ids present in `a` or `b` (or both).
    @inlinable
    public static func union<T: BinaryInteger>(_ a: [T], _ b: [T]) -> [T] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var out: [T] = []
        out.reserveCapacity(a.count + b.count)
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                var i = 0, j = 0
                while i < x.count && j < y.count {
                    let u = x[i], v = y[j]
                    if u < v { out.append(u); i += 1 } else if v < u { out.append(v); j += 1 } else {
                        out.append(u); i += 1; j += 1
                    }
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: x[i...]))
                out.append(contentsOf: UnsafeBufferPointer(rebasing: y[j...]))
            }
        }
        return out
    }

    /// Ids present in any of the lists: pairwise merges in rounds, O(n log k) for k lists.
    @inlinable
    public static func union<T: BinaryInteger>(_ lists: [[T]]) -> [T] {
        var round = lists.filter { !$0.isEmpty }
        while round.count > 1 {
            var next: [[T]] = []
            next.reserveCapacity((round.count + 1) / 2)
            var i = 0
            while i + 1 < round.count {
                next.append(union(round[i], round[i + 1]))
                i += 2
            }
            if i < round.count { next.append(round[i]) }
            round = next
        }
        return round.first ?? []
    }

    /// Ids present in `a` but not in `b`.
    @inlinable
    public static func subtract<T: BinaryInteger>(_ a: [T], _ b: [T]) -> [T] {
        if a.isEmpty || b.isEmpty { return a }
        var out: [T] = []
        out.reserveCapacity(a.count)
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                var i = 0, j = 0
                let gallop = y.count / x.count >= gallopRatio
                while i < x.count {
                    let u = x[i]
                    if gallop {
                        j = lowerBound(y, from: j, of: u)
                    } else {
                        while j < y.count && y[j] < u { j += 1 }
                    }
                    if j == y.count {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: x[i...]))
                        break
                    }
                    if y[j] != u { out.append(u) }
                    i += 1
                }
            }
        }
        return out
    }

    /// The first index `>= start` whose element is `>= x` (or `l.count`), found by doubling the
    /// step from `start` and then bisecting, so short jumps cost little.
    @inlinable
    static func lowerBound<T: BinaryInteger>(_ l: UnsafeBufferPointer<T>, from start: Int, of x: T) -> Int {
        var lo = start
        if lo >= l.count || l[lo] >= x { return lo }
        // Invariant: l[lo] < x.
        var step = 1
        var hi = lo + 1
        while hi < l.count && l[hi] < x {
            lo = hi
            step &<<= 1
            hi = lo + step
        }
        hi = min(hi, l.count)
        var low = lo + 1
        while low < hi {
            let mid = low + (hi - low) / 2
            if l[mid] < x { low = mid + 1 } else { hi = mid }
        }
        return low
    }
}
