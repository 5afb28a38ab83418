/// Settings of an `Engine`. Times are in milliseconds.
///
/// Cancellation needs no setting: a query evaluated inside a task that gets cancelled stops with a
/// `.canceled` error ("query was canceled in expression evaluation") at its next check.
public struct EngineOptions: Sendable {
    /// How far back an instant selector looks for the latest sample (Prometheus's `--query.lookback-delta`).
    public var lookbackDelta: Int64 = 300_000
    /// A query running longer than this fails with a `.timeout` error.
    public var timeout: Duration = .seconds(120)
    /// A query holding more samples than this in memory at once fails with `.tooManySamples`
    /// ("query processing would load too many samples into memory in query execution").
    public var maxSamples: Int = 50_000_000
    /// Step of subqueries written without one (`x[1h:]`): Prometheus uses the global evaluation interval.
    public var defaultSubqueryStep: Int64 = 60_000
    /// Accept experimental functions and aggregations (`limitk`, `sort_by_label`, `mad_over_time`, ...),
    /// like Prometheus's `--enable-feature=promql-experimental-functions` (off by default there too).
    public var enableExperimentalFunctions: Bool = false

    public init(lookbackDelta: Int64 = 300_000, timeout: Duration = .seconds(120), maxSamples: Int = 50_000_000) {
        self.lookbackDelta = lookbackDelta
        self.timeout = timeout
        self.maxSamples = maxSamples
    }
}
