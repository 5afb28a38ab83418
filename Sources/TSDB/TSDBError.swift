/// Every error the TSDB module throws: an opaque code, a message for people, and an optional cause.
public struct TSDBError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// A label set that breaks Prometheus's naming rules or Sextant's limits.
        public static let invalidLabels = Code(name: "invalidLabels")
        /// A sample outside the accepted time range (before retention or too far in the future).
        public static let outOfBounds = Code(name: "outOfBounds")
        /// Bytes on disk that do not decode: bad checksum, bad magic, truncated.
        public static let corrupted = Code(name: "corrupted")
        /// A read or write on the file system failed.
        public static let io = Code(name: "io")
        /// The storage is closed or shutting down.
        public static let closed = Code(name: "closed")
        /// A name or argument given by a caller is not acceptable.
        public static let invalidArgument = Code(name: "invalidArgument")
    }

    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(message): \(cause)" }
        return message
    }
}
