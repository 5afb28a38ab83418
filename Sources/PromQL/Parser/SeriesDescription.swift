import TSDB

/// One line of a promqltest `load` block: `metric{a="b"} 0+10x5 _ stale 1`.
public struct SeriesDescription: Sendable, Equatable {
    public var labels: Labels
    /// One entry per step: nil = no sample (`_`), `Double.staleMarker` for `stale`, else the value.
    public var values: [Double?]
    /// True when the line uses native histogram notation (`{{...}}`); `values` is then empty and the
    /// line was not parsed further.
    public var isNativeHistogram: Bool

    public init(labels: Labels, values: [Double?], isNativeHistogram: Bool = false) {
        self.labels = labels
        self.values = values
        self.isNativeHistogram = isNativeHistogram
    }

    public static func == (a: SeriesDescription, b: SeriesDescription) -> Bool {
        guard a.labels == b.labels, a.isNativeHistogram == b.isNativeHistogram,
              a.values.count == b.values.count else { return false }
        return zip(a.values, b.values).allSatisfy { x, y in
            switch (x, y) {
            case (nil, nil): return true
            case (let p?, let q?): return p.bitPattern == q.bitPattern || p == q
            default: return false
            }
        }
    }
}

extension PromQLParser {
    /// Parses a promqltest series description (`labels values...`). Value forms: `v`, `_`, `stale`,
    /// `a+bxn` / `a-bxn` (n+1 values a, a±b, ...), `axn` (a repeated n+1 times), `_xn` (n gaps, as in
    /// Prometheus). A line with a native histogram (`{{...}}`) comes back flagged, without values.
    public static func parseSeriesDescription(_ line: String) throws(PromQLError) -> SeriesDescription {
        var p = SeriesDescriptionParser(line)
        return try p.parse()
    }
}
