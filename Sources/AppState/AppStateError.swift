/// Every error `AppState` throws: an opaque code, a message for the person who caused it, and
/// the underlying error when SQLite failed.
public struct AppStateError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// A value outside what is accepted (an empty or over-long name, a definition too big).
        public static let invalidArgument = Code(name: "invalidArgument")
        /// No record with that id.
        public static let notFound = Code(name: "notFound")
        /// Another record already has that name.
        public static let conflict = Code(name: "conflict")
        /// The table already holds as many records as allowed.
        public static let limitReached = Code(name: "limitReached")
        /// SQLite failed (disk full, a damaged file, a failed migration).
        public static let storage = Code(name: "storage")
    }

    public var code: Code
    public var message: String
    /// What SQLite reported, for `.storage`.
    public var underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        underlying.map { "\(message): \($0)" } ?? message
    }
}
