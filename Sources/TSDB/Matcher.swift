import Foundation

/// A condition on one label of a series: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`.
///
/// Regular expressions are fully anchored, as in Prometheus: `=~"a.*"` matches `abc` but not `xabc`.
/// A missing label has the value "", so `foo=""` selects series without `foo`.
public struct Matcher: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case equal = "=", notEqual = "!=", regexMatch = "=~", regexNoMatch = "!~"
    }

    public let kind: Kind
    public let name: String
    public let value: String
    private let regex: AnchoredRegex?

    public init(_ kind: Kind, _ name: String, _ value: String) throws {
        self.kind = kind
        self.name = name
        self.value = value
        switch kind {
        case .equal, .notEqual: regex = nil
        case .regexMatch, .regexNoMatch: regex = try AnchoredRegex(value)
        }
    }

    public static func equal(_ name: String, _ value: String) -> Matcher {
        // Equality matchers cannot fail to build.
        Matcher(uncheckedKind: .equal, name: name, value: value)
    }

    private init(uncheckedKind: Kind, name: String, value: String) {
        self.kind = uncheckedKind
        self.name = name
        self.value = value
        self.regex = nil
    }

    /// Whether a label value (or "" when the series lacks the label) satisfies the matcher.
    public func matches(_ v: String) -> Bool {
        switch kind {
        case .equal: return v == value
        case .notEqual: return v != value
        case .regexMatch: return regex!.matches(v)
        case .regexNoMatch: return !regex!.matches(v)
        }
    }

    /// Whether the matcher accepts a series that lacks the label.
    public var matchesEmpty: Bool { matches("") }

    /// The values a regex matcher can only match, when it is a plain alternation like `a|b|c`.
    var setValues: [String]? { regex?.literalAlternatives }

    public var description: String {
        "\(name)\(kind.rawValue)\"\(escapeLabelValue(value))\""
    }
}
