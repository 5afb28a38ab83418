import TSDB

/// Entry points of the PromQL parser. Stateless and thread-safe.
public enum PromQLParser {
    /// Parser switches, mirroring Prometheus's feature flags.
    public struct Options: Sendable {
        /// Accept functions and aggregations Prometheus marks experimental (`limitk`, `sort_by_label`,
        /// `mad_over_time`, ...). Prometheus's default is off; its test scripts (promqltest) turn it on.
        public var enableExperimentalFunctions: Bool

        public init(enableExperimentalFunctions: Bool = false) {
            self.enableExperimentalFunctions = enableExperimentalFunctions
        }
    }

    /// Parses and type-checks a query. Errors have kind `.parse`, a message like Prometheus's
    /// (`1:14: parse error: unexpected ...`) and the offending position.
    public static func parse(_ query: String, options: Options = Options()) throws(PromQLError) -> Expr {
        var p = Parser(query, options: options)
        return try p.parseQuery()
    }

    /// Parses a series selector as used alone (`match[]` of the series/labels APIs):
    /// `metric{label="v"}` or `{label=~"v"}`. Returns all matchers, the `__name__` one included.
    public static func parseSeriesSelector(_ selector: String) throws(PromQLError) -> [Matcher] {
        var p = Parser(selector, options: Options())
        return try p.parseSeriesSelectorOnly()
    }

    /// Parses a Prometheus duration such as `1h30m`, `5m`, `1y`, `100ms` into milliseconds.
    public static func parseDuration(_ text: String) throws(PromQLError) -> Int64 {
        do {
            return try PrometheusDuration.parse(text)
        } catch {
            throw PromQLError(.parse, error.message)
        }
    }
}
