/// The signature of a PromQL function, used by the parser's type checks and by `Call` nodes.
public struct FunctionSignature: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    /// The declared argument types, in order.
    public var argTypes: [ValueType]
    /// Prometheus's meaning: 0 = exactly `argTypes.count` arguments; otherwise at least
    /// `argTypes.count - 1`, and at most `argTypes.count - 1 + variadic` when `variadic > 0`
    /// (unlimited when -1). Arguments beyond `argTypes` have the last declared type.
    /// E.g. `round(v)` / `round(v, s)` (1), `label_join(v, dst, sep, src...)` (-1).
    public var variadic: Int
    public var returnType: ValueType
    /// Rejected unless the parser is told to enable experimental functions.
    public var experimental: Bool

    public init(_ name: String, _ argTypes: [ValueType], variadic: Int = 0, returns returnType: ValueType,
                experimental: Bool = false) {
        self.name = name
        self.argTypes = argTypes
        self.variadic = variadic
        self.returnType = returnType
        self.experimental = experimental
    }

    public var description: String { name }

    /// Looks a function up by name.
    public static func named(_ name: String) -> FunctionSignature? { byName[name] }

    /// Every function Prometheus 3.x knows, float and native-histogram ones alike, by name.
    public static let byName: [String: FunctionSignature] = {
        var d: [String: FunctionSignature] = [:]
        for f in all { d[f.name] = f }
        return d
    }()

    /// Every function Prometheus 3.x knows, float and native-histogram ones alike.
    public static let all: [FunctionSignature] = [
        .init("abs", [.vector], variadic: 0, returns: .vector),
        .init("absent", [.vector], variadic: 0, returns: .vector),
        .init("absent_over_time", [.matrix], variadic: 0, returns: .vector),
        .init("acos", [.vector], variadic: 0, returns: .vector),
        .init("acosh", [.vector], variadic: 0, returns: .vector),
        .init("asin", [.vector], variadic: 0, returns: .vector),
        .init("asinh", [.vector], variadic: 0, returns: .vector),
        .init("atan", [.vector], variadic: 0, returns: .vector),
        .init("atanh", [.vector], variadic: 0, returns: .vector),
        .init("avg_over_time", [.matrix], variadic: 0, returns: .vector),
        .init("ceil", [.vector], variadic: 0, returns: .vector),
        .init("changes", [.matrix], variadic: 0, returns: .vector),
        .init("clamp", [.vector, .scalar, .scalar], variadic: 0, returns: .vector),
        .init("clamp_max", [.vector, .scalar], variadic: 0, returns: .vector),
        .init("clamp_min", [.vector, .scalar], variadic: 0, returns: .vector),
        .init("cos", [.vector], variadic: 0, returns: .vector),
        .init("cosh", [.vector], variadic: 0, returns: .vector),
        .init("count_over_time", [.matrix], variadic: 0, returns: .vector),
        .init("days_in_month", [.vector], variadic: 1, returns: .vector),
        .init("day_of_month", [.vector], variadic: 1, returns: .vector),
        .init("day_of_week", [.vector], variadic: 1, returns: .vector),
        .init("day_of_year", [.vector], variadic: 1, returns: .vector),
        .init("deg", [.vector], variadic: 0, returns: .vector),
        .init("end", [], variadic: 0, returns: .scalar, experimental: true),
        .init("delta", [.matrix], variadic: 0, returns: .vector),
        .init("deriv", [.matrix], variadic: 0, returns: .vector),
        .init("exp", [.vector], variadic: 0, returns: .vector),
        .init("first_over_time", [.matrix], variadic: 0, returns: .vector),
        .init("floor", [.vector], variadic: 0, returns: .vector),
        .init("histogram_avg", [.vector], variadic: 0, returns: .vector),
        .init("histogram_count", [.vector], variadic: 0, returns: .vector),
        .init("histogram_sum", [.vector], variadic: 0, returns: .vector),
        .init("histogram_stddev", [.vector], variadic: 0, returns: .vector),
        .init("histogram_stdvar", [.vector], variadic: 0, returns: .vector),
        .init("histogram_fraction", [.scalar, .scalar, .vector], variadic: 0, returns: .vector),
        .init("histogram_quantile", [.scalar, .vector], variadic: 0, returns: .vector),
        .init("histogram_quantiles", [.vector, .string, .scalar, .scalar], variadic: 9, returns: .vector, experimental: true),
        .init("double_exponential_smoothing", [.matrix, .scalar, .scalar], variadic: 0, returns: .vector, experimental: true),
        .init("hour", [.vector], variadic: 1, returns: .vector),
        .init("idelta", [.matrix], variadic: 0, returns: .vector),
        .init("increase", [.matrix], variadic: 0, returns: .vector),
        .init("info", [.vector, .vector], variadic: 1, returns: .vector, experimental: true),
        .init("irate", [.matrix], variadic: 0, returns: .vector),
        .init("label_replace", [.vector, .string, .string, .string, .string], variadic: 0, returns: .vector),
        .init("label_join", [.vector, .string, .string, .string], variadic: -1, returns: .vector),
        .init("max_of", [.scalar, .scalar], variadic: 0, returns: .scalar, experimental: true),
        .init("last_over_time", [.matrix], variadic: 0, returns: .vector),
        .init("min_of", [.scalar, .scalar], variadic: 0, returns: .scalar, experimental: true),
        .init("ln", [.vector], variadic: 0, returns: .vector),
        .init("log10", [.vector], variadic: 0, returns: .vector),
        .init("log2", [.vector], variadic: 0, returns: .vector),
        .init("mad_over_time", [.matrix], variadic: 0, returns: .vector, experimental: true),
        .init("max_over_time", [.matrix], variadic: 0, returns: .vector),
        .init("min_over_time", [.matrix], variadic: 0, returns: .vector),
        .init("ts_of_first_over_time", [.matrix], variadic: 0, returns: .vector, experimental: true),
        .init("ts_of_max_over_time", [.matrix], variadic: 0, returns: .vector, experimental: true),
        .init("ts_of_min_over_time", [.matrix], variadic: 0, returns: .vector, experimental: true),
        .init("ts_of_last_over_time", [.matrix], variadic: 0, returns: .vector, experimental: true),
        .init("minute", [.vector], variadic: 1, returns: .vector),
        .init("month", [.vector], variadic: 1, returns: .vector),
        .init("pi", [], variadic: 0, returns: .scalar),
        .init("predict_linear", [.matrix, .scalar], variadic: 0, returns: .vector),
        .init("present_over_time", [.matrix], variadic: 0, returns: .vector),
        .init("quantile_over_time", [.scalar, .matrix], variadic: 0, returns: .vector),
        .init("rad", [.vector], variadic: 0, returns: .vector),
        .init("range", [], variadic: 0, returns: .scalar, experimental: true),
        .init("rate", [.matrix], variadic: 0, returns: .vector),
        .init("resets", [.matrix], variadic: 0, returns: .vector),
        .init("round", [.vector, .scalar], variadic: 1, returns: .vector),
        .init("scalar", [.vector], variadic: 0, returns: .scalar),
        .init("sgn", [.vector], variadic: 0, returns: .vector),
        .init("sin", [.vector], variadic: 0, returns: .vector),
        .init("sinh", [.vector], variadic: 0, returns: .vector),
        .init("sort", [.vector], variadic: 0, returns: .vector),
        .init("sort_desc", [.vector], variadic: 0, returns: .vector),
        .init("sort_by_label", [.vector, .string], variadic: -1, returns: .vector, experimental: true),
        .init("sort_by_label_desc", [.vector, .string], variadic: -1, returns: .vector, experimental: true),
        .init("sqrt", [.vector], variadic: 0, returns: .vector),
        .init("start", [], variadic: 0, returns: .scalar, experimental: true),
        .init("start_timestamp", [.vector], variadic: 0, returns: .vector, experimental: true),
        .init("step", [], variadic: 0, returns: .scalar, experimental: true),
        .init("stddev_over_time", [.matrix], variadic: 0, returns: .vector),
        .init("stdvar_over_time", [.matrix], variadic: 0, returns: .vector),
        .init("sum_over_time", [.matrix], variadic: 0, returns: .vector),
        .init("tan", [.vector], variadic: 0, returns: .vector),
        .init("tanh", [.vector], variadic: 0, returns: .vector),
        .init("time", [], variadic: 0, returns: .scalar),
        .init("timestamp", [.vector], variadic: 0, returns: .vector),
        .init("vector", [.scalar], variadic: 0, returns: .vector),
        .init("year", [.vector], variadic: 1, returns: .vector),
    ]
}
