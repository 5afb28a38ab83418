/// Every error the Ingest module throws: an opaque code, a message for people, and where in the
/// input the problem was found when that is known.
///
/// Messages are written for the client that sent the data (they end up in a 400 response body),
/// so they say what is wrong and where, never how the decoder works inside.
public struct IngestError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// A compressed body that does not decode: bad snappy framing, bad lengths or offsets.
        public static let badCompression = Code(name: "badCompression")
        /// A body that is not a well-formed protobuf message of the expected type.
        public static let badProtobuf = Code(name: "badProtobuf")
        /// A text body (JSON, InfluxDB line protocol) that breaks its format's grammar.
        public static let badSyntax = Code(name: "badSyntax")
        /// A body, decompressed body or request over a configured size limit.
        public static let tooLarge = Code(name: "tooLarge")
        /// One series whose labels break Prometheus's rules or Sextant's limits; the rest of
        /// the request may still be accepted.
        public static let invalidSeries = Code(name: "invalidSeries")
        /// Exposition text (Prometheus text or OpenMetrics) that breaks the format; the message
        /// names the line and column.
        public static let badExposition = Code(name: "badExposition")
        /// A scrape configuration (`global`, `scrape_configs`, file SD files) that is not valid.
        public static let invalidConfig = Code(name: "invalidConfig")
        /// A scrape that did not produce samples: the target was unreachable, slow, answered an
        /// error status, or broke a limit.
        public static let scrapeFailed = Code(name: "scrapeFailed")
        /// A /proc or /sys file the host collector could not read or understand.
        public static let hostSource = Code(name: "hostSource")
    }

    public var code: Code
    public var message: String
    /// Byte offset in the (decompressed) input where the problem was found, if it has one.
    public var offset: Int?

    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset { return "\(message) (at byte \(offset))" }
        return message
    }
}
