/// Every error the PromQL module throws.
///
/// `kind` maps onto Prometheus's API error types at the HTTP edge: `.parse` -> bad_data,
/// `.execution` -> execution, `.timeout` -> timeout, `.canceled` -> canceled,
/// `.tooManySamples` -> execution (with Prometheus's message).
public struct PromQLError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case parse, execution, timeout, canceled, tooManySamples
    }

    public var kind: Kind
    public var message: String
    /// For parse errors: the character offsets (in the query's unicode scalars) the error covers.
    public var position: Range<Int>?

    public init(_ kind: Kind, _ message: String, position: Range<Int>? = nil) {
        self.kind = kind
        self.message = message
        self.position = position
    }

    /// As Prometheus prints a parse error: `1:5: parse error: unexpected ...` (line:column, 1-based).
    public var description: String { message }
}
