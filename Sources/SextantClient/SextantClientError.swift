/// Every error the SextantClient module throws: an opaque code, a message for people, and the
/// underlying error when there is one.
public struct SextantClientError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// A configuration value out of its range (a zero batch size, an endpoint that is not a URL).
        public static let badConfiguration = Code(name: "badConfiguration")
        /// The on-disk queue could not be read or written (permissions, disk full).
        public static let queueIO = Code(name: "queueIO")
        /// A batch file in the queue that does not decode; it is deleted, its events counted as dropped.
        public static let corruptBatch = Code(name: "corruptBatch")
        /// A tracked event that breaks a limit (empty action, too large, non-finite value).
        public static let invalidEvent = Code(name: "invalidEvent")
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        if let underlying { return "\(message): \(underlying)" }
        return message
    }
}
