/// Every error the DiskIO module throws: an opaque code, a message for people, and an optional
/// cause. Storage modules (TSDB, EventStore) translate it into their own error type.
public struct DiskIOError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// Bytes on disk that do not decode: bad checksum, bad framing, truncated.
        public static let corrupted = Code(name: "corrupted")
        /// A read or write on the file system failed.
        public static let io = Code(name: "io")
        /// The log is closed.
        public static let closed = Code(name: "closed")
        /// An argument given by a caller is not acceptable.
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

    /// `.io` for a failed system call on `path`, with errno's text, e.g.
    /// "/data/x: fsync failed: No space left on device (errno 28)".
    public static func errno(_ path: String, _ op: String, _ code: Int32) -> DiskIOError {
        DiskIOError(.io, "\(path): \(op) failed: \(LogSegmentFile.errnoText(code)) (errno \(code))")
    }
}
