/// A count under a name, for the cardinality tables of `/api/v1/status/tsdb`.
public struct NamedCount: Sendable, Equatable {
    public var name: String
    public var count: Int
}

/// Cardinality of the head (the series written recently), as Prometheus's `/api/v1/status/tsdb`
/// reports it. Each table holds its top `limit` entries, largest first (ties by name).
public struct HeadCardinality: Sendable {
    public var series = 0
    /// Distinct label name-value pairs.
    public var labelPairs = 0
    public var chunks = 0
    /// Oldest and newest timestamps in the head (ms), nil while it is empty.
    public var minTime: Int64?
    public var maxTime: Int64?
    public var seriesCountByMetricName: [NamedCount] = []
    /// Distinct values per label name.
    public var labelValueCountByLabelName: [NamedCount] = []
    /// Per label name, the bytes of its values summed over the series carrying them.
    public var memoryInBytesByLabelName: [NamedCount] = []
    /// Series per `name=value` pair.
    public var seriesCountByLabelValuePair: [NamedCount] = []
}

extension DB {
    /// Cardinality of the live head and of heads still being written to blocks. Costs one pass
    /// over the head's label index (and, for the chunk count, over its series).
    public func headCardinality(limit: Int = 10) -> HeadCardinality {
        let heads = state.withLock { [$0.head] + $0.flushing }
        var byPair: [String: [String: Int]] = [:]
        var out = HeadCardinality()
        for head in heads {
            out.series += head.seriesCount
            if let r = head.timeRange {
                out.minTime = min(out.minTime ?? r.min, r.min)
                out.maxTime = max(out.maxTime ?? r.max, r.max)
            }
            head.postingsLock.withLock { p in
                for (name, values) in p.index {
                    for (value, refs) in values { byPair[name, default: [:]][value, default: 0] += refs.count }
                }
            }
            for stripe in head.stripes {
                stripe.state.withLock { st in
                    for s in st.byRef.values { out.chunks += s.closed.count + (s.open.count > 0 ? 1 : 0) }
                }
            }
        }
        var metricNames: [NamedCount] = [], valueCounts: [NamedCount] = [], bytes: [NamedCount] = [], pairs: [NamedCount] = []
        for (name, values) in byPair {
            out.labelPairs += values.count
            valueCounts.append(NamedCount(name: name, count: values.count))
            var size = 0
            for (value, n) in values {
                size += value.utf8.count * n
                pairs.append(NamedCount(name: "\(name)=\(value)", count: n))
                if name == Labels.metricName { metricNames.append(NamedCount(name: value, count: n)) }
            }
            bytes.append(NamedCount(name: name, count: size))
        }
        func top(_ list: [NamedCount]) -> [NamedCount] {
            Array(list.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }.prefix(limit))
        }
        out.seriesCountByMetricName = top(metricNames)
        out.labelValueCountByLabelName = top(valueCounts)
        out.memoryInBytesByLabelName = top(bytes)
        out.seriesCountByLabelValuePair = top(pairs)
        return out
    }
}
