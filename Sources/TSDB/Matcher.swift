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

/// An RE2-style regular expression matched against the whole string, with a fast path for literals.
struct AnchoredRegex: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to share across threads.
    private let re: NSRegularExpression?
    let literalAlternatives: [String]?
    let pattern: String

    init(_ pattern: String) throws {
        self.pattern = pattern
        self.literalAlternatives = AnchoredRegex.alternatives(of: pattern)
        if literalAlternatives != nil {
            re = nil
            return
        }
        re = try RE2Syntax.anchored(pattern)
    }

    func matches(_ s: String) -> Bool {
        if let literalAlternatives { return literalAlternatives.contains(s) }
        guard let re else { return false }
        let ns = s as NSString
        return re.firstMatch(in: s, options: [], range: NSRange(location: 0, length: ns.length)) != nil
    }

    /// `foo`, `foo|bar`: patterns with no metacharacters are sets of literals.
    private static func alternatives(of pattern: String) -> [String]? {
        let meta = Set("\\.+*?()[]{}^$")
        if pattern.contains(where: { meta.contains($0) }) { return nil }
        return pattern.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    }
}
