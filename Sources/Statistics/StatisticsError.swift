/// Every error the Statistics module throws: an opaque code and a message for people.
///
/// Rules for bad input, the same in every function: an empty sample, a sample too small for the
/// statistic (each function says how small), a NaN or infinite value, mismatched lengths, or a
/// parameter out of its range throws; a result that is mathematically undefined for valid input
/// (zero variance, a zero expected count) throws `.degenerate`. Messages say what is wrong and
/// where (the argument's name and, for a bad value, its index), never how the code works inside.
public struct StatisticsError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// An input array with no elements, or fewer than the statistic needs.
        public static let tooFewValues = Code(name: "tooFewValues")
        /// A NaN or infinite value where a finite number is required.
        public static let nonFinite = Code(name: "nonFinite")
        /// Arrays that must have the same length (or shape) do not.
        public static let mismatchedLengths = Code(name: "mismatchedLengths")
        /// A parameter outside its allowed range (a probability outside [0, 1], a negative count).
        public static let invalidArgument = Code(name: "invalidArgument")
        /// Valid input for which the statistic is undefined: zero variance, a constant sample,
        /// a singular design matrix, an empty row of a contingency table.
        public static let degenerate = Code(name: "degenerate")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// Shared input checks, so every function words its errors the same way.
enum Check {
    /// Throws unless `values` has at least `minimum` elements, all finite.
    static func sample(_ values: [Double], _ name: String, minimum: Int = 1) throws(StatisticsError) {
        if values.count < minimum {
            throw StatisticsError(.tooFewValues, "\(name) has \(values.count) values; at least \(minimum) needed")
        }
        try finite(values, name)
    }

    /// Throws if any element is NaN or infinite, naming the first such index.
    static func finite(_ values: [Double], _ name: String) throws(StatisticsError) {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw StatisticsError(.nonFinite, "\(name)[\(index)] is \(values[index]); values must be finite")
        }
    }

    /// Throws unless `value` is finite and `range` contains it.
    static func parameter(_ value: Double, _ name: String, in range: ClosedRange<Double>) throws(StatisticsError) {
        if !value.isFinite || !range.contains(value) {
            throw StatisticsError(.invalidArgument, "\(name) is \(value); it must be in \(range.lowerBound)...\(range.upperBound)")
        }
    }

    /// Throws unless `value` is finite and strictly positive.
    static func positive(_ value: Double, _ name: String) throws(StatisticsError) {
        if !value.isFinite || value <= 0 {
            throw StatisticsError(.invalidArgument, "\(name) is \(value); it must be finite and > 0")
        }
    }

    /// Throws unless both arrays have the same length.
    static func sameLength(_ a: Int, _ nameA: String, _ b: Int, _ nameB: String) throws(StatisticsError) {
        if a != b {
            throw StatisticsError(.mismatchedLengths, "\(nameA) has \(a) values but \(nameB) has \(b)")
        }
    }
}
