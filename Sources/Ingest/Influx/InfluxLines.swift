/// Parsed InfluxDB line protocol: the good lines' points, kept flat, and one error per bad line.
///
/// Strings are `TextSpan`s into `text`: the body where a name or value had no escapes, bytes
/// appended after it where it had to be unescaped.
public struct InfluxLines: Sendable {
    var text: [UInt8] = []
    var points: [Point] = []
    var tags: [Tag] = []
    var fields: [Field] = []
    /// One per refused line, in line order.
    public var errors: [InfluxLineError] = []

    /// Points (good lines) parsed.
    public var pointCount: Int { points.count }

    struct Point: Sendable {
        var measurement: TextSpan
        var tags: Range<Int32>
        var fields: Range<Int32>
        /// In the request's precision; nil when the line has none (the server's time is used).
        var timestamp: Int64?
        /// 1-based line number, for messages.
        var line: Int32
    }

    struct Tag: Sendable {
        var key: TextSpan
        var value: TextSpan
    }

    struct Field: Sendable {
        enum Kind: UInt8, Sendable { case float, integer, unsigned, boolean, string }
        var key: TextSpan
        var kind: Kind
        /// Numbers and booleans (1 or 0) as Double; 0 for strings.
        var value: Double
    }
}

/// A line the parser refused: where, why, and the start of the line for the message.
public struct InfluxLineError: Error, Sendable, CustomStringConvertible {
    /// 1-based line number in the body.
    public var line: Int
    /// 1-based byte column in the line where the problem was found.
    public var column: Int
    public var message: String
    /// The line, cut to 100 bytes.
    public var excerpt: String

    public var description: String { "line \(line), column \(column): \(message): \(excerpt)" }
}

/// The timestamp unit of a write (`precision` query parameter).
public enum InfluxPrecision: Sendable, Equatable {
    case nanoseconds, microseconds, milliseconds, seconds, minutes, hours

    /// InfluxDB 2's `/api/v2/write` values: `ns` (the default), `us`, `ms`, `s`.
    public init?(v2 value: String?) {
        switch value ?? "" {
        case "", "ns": self = .nanoseconds
        case "us": self = .microseconds
        case "ms": self = .milliseconds
        case "s": self = .seconds
        default: return nil
        }
    }

    /// InfluxDB 1's `/write` values: `n` or `ns` (the default), `u`, `us` or `µ`, `ms`, `s`,
    /// `m`, `h`.
    public init?(v1 value: String?) {
        switch value ?? "" {
        case "", "n", "ns": self = .nanoseconds
        case "u", "us", "µ": self = .microseconds
        case "ms": self = .milliseconds
        case "s": self = .seconds
        case "m": self = .minutes
        case "h": self = .hours
        default: return nil
        }
    }

    /// Milliseconds of a timestamp in this unit (finer units truncated toward zero); nil when
    /// it does not fit in 64 bits.
    func milliseconds(_ t: Int64) -> Int64? {
        switch self {
        case .nanoseconds: return t / 1_000_000
        case .microseconds: return t / 1000
        case .milliseconds: return t
        case .seconds: return multiplied(t, 1000)
        case .minutes: return multiplied(t, 60_000)
        case .hours: return multiplied(t, 3_600_000)
        }
    }

    private func multiplied(_ t: Int64, _ m: Int64) -> Int64? {
        let (v, overflow) = t.multipliedReportingOverflow(by: m)
        return overflow ? nil : v
    }
}
