import CoreMetrics

/// Runs `body`, records how long it took in the swift-metrics timer `name` (seconds; a
/// histogram with swift-prometheus), and returns its result. When `body` throws, the time is
/// still recorded, the counter `<base>_errors_total` is incremented, and the error is rethrown.
///
/// `<base>` is `name` without a trailing `_seconds` and then `_duration`, so
/// `measure("db_query_duration_seconds")` counts errors in `db_query_errors_total` and
/// `measure("checkout")` in `checkout_errors_total`. Both metrics carry `labels`.
///
/// Each call looks the timer up in the metrics backend (about 2 µs with swift-prometheus); on a
/// hot path make a `Measure` once and call that instead.
///
/// swift-prometheus requires every use of one name to have the same label names (all labelled
/// or all unlabelled); keep the label names of one `name` fixed.
///
/// - Parameter factory: where the metrics go; nil uses `MetricsSystem.factory`.
public func measure<Result>(
    _ name: String,
    _ labels: [(String, String)] = [],
    factory: (any MetricsFactory)? = nil,
    _ body: () throws -> Result
) rethrows -> Result {
    try Measure(name, labels, factory: factory)(body)
}

/// The async form of `measure(_:_:factory:_:)`: same metrics, for a block that awaits. The
/// block runs on the caller's actor.
public func measure<Result>(
    _ name: String,
    _ labels: [(String, String)] = [],
    factory: (any MetricsFactory)? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> Result
) async rethrows -> Result {
    try await Measure(name, labels, factory: factory)(isolation: isolation, body)
}

/// A timer and its error counter, made once and called many times: what `measure` does, without
/// looking the timer up on every call.
///
/// ```swift
/// let query = Measure("db_query_duration_seconds", [("table", "users")])
/// let rows = try await query { try await db.select(...) }
/// ```
///
/// Safe to share between tasks.
public struct Measure: Sendable {
    private let timer: CoreMetrics.Timer
    private let name: String
    private let labels: [(String, String)]
    private let factory: any MetricsFactory

    /// - Parameter factory: where the metrics go; nil uses `MetricsSystem.factory`.
    public init(_ name: String, _ labels: [(String, String)] = [], factory: (any MetricsFactory)? = nil) {
        let factory = factory ?? MetricsSystem.factory
        self.timer = CoreMetrics.Timer(label: name, dimensions: labels, preferredDisplayUnit: .seconds, factory: factory)
        self.name = name
        self.labels = labels
        self.factory = factory
    }

    /// Runs `body` and records its duration; a throw is also counted, then rethrown.
    public func callAsFunction<Result>(_ body: () throws -> Result) rethrows -> Result {
        let start = ContinuousClock.now
        do {
            let result = try body()
            timer.record(start.duration(to: .now))
            return result
        } catch {
            failed(since: start)
            throw error
        }
    }

    /// The async form: `body` runs on the caller's actor.
    public func callAsFunction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async rethrows -> Result {
        let start = ContinuousClock.now
        do {
            let result = try await body()
            timer.record(start.duration(to: .now))
            return result
        } catch {
            failed(since: start)
            throw error
        }
    }

    /// Errors are rare, so their counter is looked up only when one happens.
    private func failed(since start: ContinuousClock.Instant) {
        timer.record(start.duration(to: .now))
        Counter(label: Self.errorsName(for: name), dimensions: labels, factory: factory).increment()
    }

    static func errorsName(for name: String) -> String {
        var base = Substring(name)
        if base.hasSuffix("_seconds") { base = base.dropLast("_seconds".count) }
        if base.hasSuffix("_duration") { base = base.dropLast("_duration".count) }
        return base + "_errors_total"
    }
}
