import RealModule

/// An isolation forest (Liu, Ting and Zhou 2008) with scikit-learn's defaults: 100 trees, each
/// grown on min(256, n) points drawn without replacement, to a height limit of ⌈log₂ ψ⌉;
/// each split picks a feature at random among those not constant in the node and a threshold
/// uniform between that feature's minimum and maximum there.
///
/// The anomaly score of x is s = 2^(−E[h(x)] / c(ψ)), where h is the path length (edges to the
/// leaf plus c(leaf size) for the points the height limit left unsplit), c the average path
/// length of an unsuccessful binary-search-tree search (`averagePathLength`). Scores near 1 are
/// anomalies, well under 0.5 normal; sklearn's `score_samples` is −s. Seeded with
/// `SeededGenerator`, so the same seed gives the same forest; a different RNG than sklearn's
/// means equal rankings on clear outliers, not equal scores. Immutable and `Sendable`.
public struct IsolationForest: Sendable {
    /// One node of a tree stored flat: a leaf when `feature` is −1 (then `size` is the number of
    /// training points it holds), else a split sending x[feature] ≤ threshold to `left`.
    struct Node: Sendable {
        var feature: Int32
        var left: Int32
        var right: Int32
        var size: Int32
        var threshold: Double
    }

    /// Each tree's nodes, the root first.
    let trees: [[Node]]
    public let sampleSize: Int
    public let featureCount: Int

    /// Grows the forest on `data` (one row per point, every row the same width).
    /// Throws for no rows, rows of zero or unequal width, non-finite values, or non-positive
    /// `trees` / `sampleSize`.
    public init(data: [[Double]], trees: Int = 100, sampleSize: Int = 256, seed: UInt64) throws(StatisticsError) {
        guard let width = data.first?.count, width > 0 else {
            throw StatisticsError(.tooFewValues, "data has no rows or no features")
        }
        for (i, row) in data.enumerated() {
            try Check.sameLength(row.count, "data[\(i)]", width, "data[0]")
            try Check.finite(row, "data[\(i)]")
        }
        if trees < 1 { throw StatisticsError(.invalidArgument, "trees is \(trees); at least 1 needed") }
        if sampleSize < 1 { throw StatisticsError(.invalidArgument, "sampleSize is \(sampleSize); at least 1 needed") }
        let psi = min(sampleSize, data.count)
        let heightLimit = Int(Double.log2(Double(max(psi, 2))).rounded(.up))
        var generator = SeededGenerator(seed: seed)
        var forest: [[Node]] = []
        var pool = Array(data.indices)
        for _ in 0..<trees {
            // Partial Fisher-Yates: the first ψ entries become a sample without replacement.
            for i in 0..<psi {
                let j = i + generator.next(below: pool.count - i)
                pool.swapAt(i, j)
            }
            var nodes: [Node] = []
            Self.grow(Array(pool[0..<psi]), data, depth: 0, limit: heightLimit, &generator, into: &nodes)
            forest.append(nodes)
        }
        self.trees = forest
        self.sampleSize = psi
        self.featureCount = width
    }

    /// The anomaly score in (0, 1] of one point. Throws if its width differs from the data's or
    /// it has a non-finite value.
    public func score(_ point: [Double]) throws(StatisticsError) -> Double {
        try Check.sameLength(point.count, "point", featureCount, "the training rows")
        try Check.finite(point, "point")
        var total = 0.0
        for tree in trees { total += Self.pathLength(point, tree) }
        return Double.exp2(-(total / Double(trees.count)) / Self.averagePathLength(sampleSize))
    }

    /// Scores of many points, in order.
    public func scores(_ points: [[Double]]) throws(StatisticsError) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(points.count)
        for p in points { result.append(try score(p)) }
        return result
    }

    /// c(n) = 2H(n − 1) − 2(n − 1)/n with H(i) ≈ ln i + γ (Euler's constant), c(2) = 1 and
    /// c(n ≤ 1) = 0: sklearn's `_average_path_length`, exactly.
    public static func averagePathLength(_ n: Int) -> Double {
        if n <= 1 { return 0 }
        if n == 2 { return 1 }
        let nd = Double(n)
        return 2 * (Double.log(nd - 1) + 0.577_215_664_901_532_9) - 2 * (nd - 1) / nd
    }

    /// Appends the subtree for `rows` to `nodes` and returns its index.
    @discardableResult
    static func grow(_ rows: [Int], _ data: [[Double]], depth: Int, limit: Int, _ generator: inout SeededGenerator,
                     into nodes: inout [Node]) -> Int32 {
        let index = Int32(nodes.count)
        nodes.append(Node(feature: -1, left: -1, right: -1, size: Int32(rows.count), threshold: 0))
        if rows.count <= 1 || depth >= limit { return index }
        // Features that still vary in this node.
        var ranges: [(feature: Int, low: Double, high: Double)] = []
        for f in 0..<data[rows[0]].count {
            var low = Double.infinity, high = -Double.infinity
            for r in rows { low = min(low, data[r][f]); high = max(high, data[r][f]) }
            if high > low { ranges.append((f, low, high)) }
        }
        if ranges.isEmpty { return index }
        let chosen = ranges[generator.next(below: ranges.count)]
        var threshold = chosen.low + generator.nextDouble() * (chosen.high - chosen.low)
        if threshold >= chosen.high { threshold = chosen.low }  // keep both sides non-empty
        let left = rows.filter { data[$0][chosen.feature] <= threshold }
        let right = rows.filter { data[$0][chosen.feature] > threshold }
        let l = grow(left, data, depth: depth + 1, limit: limit, &generator, into: &nodes)
        let r = grow(right, data, depth: depth + 1, limit: limit, &generator, into: &nodes)
        nodes[Int(index)] = Node(feature: Int32(chosen.feature), left: l, right: r, size: Int32(rows.count), threshold: threshold)
        return index
    }

    static func pathLength(_ point: [Double], _ nodes: [Node]) -> Double {
        var i = 0, depth = 0
        while true {
            let node = nodes[i]
            if node.feature < 0 { return Double(depth) + averagePathLength(Int(node.size)) }
            i = Int(point[Int(node.feature)] <= node.threshold ? node.left : node.right)
            depth += 1
        }
    }
}
