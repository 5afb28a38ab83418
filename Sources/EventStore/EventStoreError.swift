import DiskIO

/// Every error the EventStore module throws: an opaque code, a message for people, and an
/// optional cause.
public struct EventStoreError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// An event (or batch) breaks `EventStoreLimits`; the message says which field and why.
        public static let invalidEvent = Code(name: "invalidEvent")
        /// An argument or option given by a caller is not acceptable.
        public static let invalidArgument = Code(name: "invalidArgument")
        /// Bytes on disk that do not decode: bad magic, checksum, or layout.
        public static let corrupted = Code(name: "corrupted")
        /// A read or write on the file system failed.
        public static let io = Code(name: "io")
        /// The store is closed.
        public static let closed = Code(name: "closed")
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

    init(_ e: DiskIOError) {
        let code: Code = switch e.code {
        case .corrupted: .corrupted
        case .closed: .closed
        case .invalidArgument: .invalidArgument
        default: .io
        }
        self.init(code, e.message, cause: e.cause)
    }
}

/// Runs `body`, turning a `DiskIOError` into the `EventStoreError` of the same code and message.
func translatingDiskErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as DiskIOError {
        throw EventStoreError(e)
    }
}
