import CoreMetrics

/// Runs `body`, records how long it took in the swift-metrics timer `name` (seconds; a
/// histogram with swift-prometheus), and returns its result. When `body` throws, the time is
/// still recorded, the counter `<base>_errors_total` is incremented, and the error is rethrown.
///
/// `<base>` is `name` without a trailing `_seconds` and then `_duration`, so
/// `measure("db_query_duration_seconds")` counts errors in `db_query_errors_total` and
/// `measure("checkout")` in `checkout_errors_total`. Both metrics carry `labels`.
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
    let start = ContinuousClock.now
    do {
        let result = try body()
        MeasureMetrics(name, labels, factory).timer.record(start.duration(to: .now))
        return result
    } catch {
        let metrics = MeasureMetrics(name, labels, factory)
        metrics.timer.record(start.duration(to: .now))
        metrics.errors.increment()
        throw error
    }
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
    let start = ContinuousClock.now
    do {
        let result = try await body()
        MeasureMetrics(name, labels, factory).timer.record(start.duration(to: .now))
        return result
    } catch {
        let metrics = MeasureMetrics(name, labels, factory)
        metrics.timer.record(start.duration(to: .now))
        metrics.errors.increment()
        throw error
    }
}

/// The timer and error counter behind one `measure` call. The factory deduplicates handles by
/// label set, so making them per call costs one lookup each.
struct MeasureMetrics {
    let timer: CoreMetrics.Timer
    private let factory: any MetricsFactory
    private let name: String
    private let labels: [(String, String)]

    init(_ name: String, _ labels: [(String, String)], _ factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        self.factory = factory
        self.name = name
        self.labels = labels
        self.timer = CoreMetrics.Timer(label: name, dimensions: labels, preferredDisplayUnit: .seconds, factory: factory)
    }

    var errors: Counter {
        Counter(label: Self.errorsName(for: name), dimensions: labels, factory: factory)
    }

    static func errorsName(for name: String) -> String {
        var base = Substring(name)
        if base.hasSuffix("_seconds") { base = base.dropLast("_seconds".count) }
        if base.hasSuffix("_duration") { base = base.dropLast("_duration".count) }
        return base + "_errors_total"
    }
}
