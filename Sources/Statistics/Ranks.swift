/// Ranks with ties averaged (scipy's `rankdata(method='average')`), 1-based, and the sizes of
/// the tie groups (groups of one included), for tie corrections.
enum Ranks {
    static func average(_ values: [Double]) -> (ranks: [Double], tieSizes: [Int]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var ties: [Int] = []
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            // Positions start..<end share the mean of ranks start+1 ... end.
            let rank = Double(start + end + 1) / 2
            for k in start..<end { ranks[order[k]] = rank }
            ties.append(end - start)
            start = end
        }
        return (ranks, ties)
    }
}
