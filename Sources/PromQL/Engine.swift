import TSDB

/// Evaluates PromQL queries against a TSDB, with Prometheus 3.x semantics for float samples.
///
/// Thread-safe: one engine serves any number of concurrent queries; each query reads through the
/// `Querier` the caller's closure returns for the time range the query needs (inclusive ms bounds).
/// A query stops with `.timeout` after `options.timeout`, with `.canceled` when the calling task is
/// cancelled, and with `.tooManySamples` when it would hold more than `options.maxSamples` samples.
public final class Engine: Sendable {
    public let options: EngineOptions

    public init(options: EngineOptions = .init()) {
        self.options = options
    }

    // MARK: string queries

    /// Evaluates `query` at time `t` (ms). The result is a vector, scalar, string, or (for a range
    /// vector expression) a matrix sorted by labels.
    public func instantQuery(_ query: String, at t: Int64,
                             querier: @Sendable (Int64, Int64) -> Querier) throws(PromQLError) -> QueryResult {
        let expr = try parse(query)
        return try run(expr, query: query, start: t, end: t, step: 0, querier: querier)
    }

    /// Evaluates `query` at `start, start+step, ... <= end` (ms). The result is a matrix sorted by
    /// labels; a scalar expression becomes one series without labels.
    public func rangeQuery(_ query: String, start: Int64, end: Int64, step: Int64,
                           querier: @Sendable (Int64, Int64) -> Querier) throws(PromQLError) -> QueryResult {
        let expr = try parse(query)
        return try rangeQuery(expr, query: query, start: start, end: end, step: step, querier: querier)
    }

    // MARK: pre-parsed queries

    /// As `instantQuery(_:at:querier:)` for a parsed expression; `query` is the text its positions
    /// refer to (used to place annotations), if known.
    public func instantQuery(_ expr: Expr, query: String = "", at t: Int64,
                             querier: @Sendable (Int64, Int64) -> Querier) throws(PromQLError) -> QueryResult {
        try run(expr, query: query, start: t, end: t, step: 0, querier: querier)
    }

    /// As `rangeQuery(_:start:end:step:querier:)` for a parsed expression.
    public func rangeQuery(_ expr: Expr, query: String = "", start: Int64, end: Int64, step: Int64,
                           querier: @Sendable (Int64, Int64) -> Querier) throws(PromQLError) -> QueryResult {
        guard step > 0 else {
            throw PromQLError(.execution, "zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        guard end >= start else {
            throw PromQLError(.execution, "end timestamp must not be before start time")
        }
        let t = expr.type
        guard t == .vector || t == .scalar else {
            throw PromQLError(.execution, "invalid expression type \"\(t.documentedName)\" for range query, must be Scalar or instant Vector")
        }
        return try run(expr, query: query, start: start, end: end, step: step, querier: querier)
    }

    func parse(_ query: String) throws(PromQLError) -> Expr {
        try PromQLParser.parse(query, options: .init(enableExperimentalFunctions: options.enableExperimentalFunctions))
    }

    // MARK: evaluation

    private func run(_ parsed: Expr, query: String, start: Int64, end: Int64, step: Int64,
                     querier makeQuerier: @Sendable (Int64, Int64) -> Querier) throws(PromQLError) -> QueryResult {
        let expr = QueryPreparation.prepare(parsed, start: start, end: end, step: step)
        let (mint, maxt) = QueryPreparation.timeRange(of: expr, start: start, end: end, lookback: options.lookbackDelta,
                                                      defaultStep: options.defaultSubqueryStep)
        let state = QueryState(querier: makeQuerier(mint, maxt), options: options, query: query)
        try state.checkNow()
        let isInstant = step == 0
        let ev = Evaluator(start: start, end: end, interval: isInstant ? 1 : step, state: state)
        let raw = try ev.eval(expr)
        let value: Value
        switch raw {
        case .string(let s):
            value = .string(t: start, s: s)
        case .scalar(let xs):
            if isInstant {
                value = .scalar(t: start, v: xs.first ?? .nan)
            } else {
                let pts = xs.enumerated().map { Sample(t: ev.stepTime($0.offset), v: $0.element) }
                value = .matrix([SeriesSamples(labels: Labels([Label]()), samples: pts)])
            }
        case .series(let ss):
            let clean = try ev.cleanupMetricLabels(ss)
            if isInstant && expr.type == .vector {
                value = .vector(clean.map { VectorElement(labels: $0.labels, t: start, v: $0.points.first?.v ?? .nan) })
            } else {
                value = .matrix(clean.map { SeriesSamples(labels: $0.labels, samples: $0.points) }.sorted { $0.labels < $1.labels })
            }
        }
        try state.checkNow()
        return QueryResult(value: value, annotations: state.annotations.render(query: query))
    }
}
