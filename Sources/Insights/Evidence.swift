import TSDB

/// What a finding rests on: the query that was run, the series it is about and its value.
public struct Evidence: Sendable, Equatable {
    /// The PromQL query as run (or, for facts about Sextant itself, where the value came from).
    public let query: String
    public let labels: Labels
    public let value: Double

    public init(query: String, labels: Labels, value: Double) {
        self.query = query
        self.labels = labels
        self.value = value
    }
}
