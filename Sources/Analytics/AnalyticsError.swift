/// Every error the Analytics module throws: an opaque code and a message for the person who sent
/// the request (the HTTP layer answers it with 400).
///
/// Messages name the request field at fault (`steps[2].action`, `window_seconds`) and say what
/// would be accepted, never how an analysis works inside.
public struct AnalyticsError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// A request that does not decode, or a field with a value outside what it accepts
        /// (unknown interval or mode, empty steps, a window that is not positive, ...).
        public static let invalidRequest = Code(name: "invalidRequest")
        /// A request whose answer would be larger than the bounds allow (too many time buckets,
        /// periods or cohort criteria); a coarser interval or a shorter range fixes it.
        public static let tooLarge = Code(name: "tooLarge")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ message: String) -> AnalyticsError { AnalyticsError(.invalidRequest, message) }
}
