/// Every error the Insights module throws itself. Errors from the query function pass through
/// unchanged (the caller maps the engine's errors), and `Statistics` errors on data a caller
/// sent become `.invalidInput`.
///
/// `code` says what kind of problem it is; `message` says what is wrong and where, in words a
/// user can act on ("baseline[3] is nan; values must be finite").
public struct InsightsError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// A parameter or posted value is missing, malformed or out of range.
        public static let invalidInput = Code(name: "invalidInput")
        /// The query found no samples where the analysis needs them (e.g. a window before the data).
        public static let noData = Code(name: "noData")
        /// More series or points than the caller's cap allows.
        public static let tooLarge = Code(name: "tooLarge")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ message: String) -> InsightsError { InsightsError(.invalidInput, message) }
}
