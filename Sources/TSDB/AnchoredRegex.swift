import Foundation

/// An RE2 regular expression matched against the whole string, as Prometheus anchors label
/// matchers, `label_replace` and relabeling (compiled through `RE2Syntax.anchored`), with a fast
/// path for plain literals and alternations of literals.
///
/// Safe to share across threads: `NSRegularExpression` is immutable and documented as such.
public struct AnchoredRegex: @unchecked Sendable {
    private let re: NSRegularExpression?
    /// The values the pattern can only match, when it is a plain alternation like `a|b|c`.
    let literalAlternatives: [String]?
    public let pattern: String

    public init(_ pattern: String) throws(TSDBError) {
        self.pattern = pattern
        self.literalAlternatives = AnchoredRegex.alternatives(of: pattern)
        if literalAlternatives != nil {
            re = nil
            return
        }
        re = try RE2Syntax.anchored(pattern)
    }

    public func matches(_ s: String) -> Bool {
        if let literalAlternatives { return literalAlternatives.contains(s) }
        guard let re else { return false }
        return re.firstMatch(in: s, options: [], range: NSRange(location: 0, length: (s as NSString).length)) != nil
    }

    /// When `s` matches, `template` with the match's groups substituted as Go's `Regexp.Expand`
    /// does (`$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups become ""); nil otherwise.
    public func expand(_ template: String, matching s: String) -> String? {
        if let literalAlternatives {
            guard literalAlternatives.contains(s) else { return nil }
            return AnchoredRegex.expand(template) { $0 == "0" ? s : "" }
        }
        guard let re else { return nil }
        let ns = s as NSString
        guard let m = re.firstMatch(in: s, options: [], range: NSRange(location: 0, length: ns.length)) else { return nil }
        return AnchoredRegex.expand(template) { name in
            let r: NSRange
            if let idx = Int(name), name.allSatisfy(\.isASCII) {
                guard idx < m.numberOfRanges else { return "" }
                r = m.range(at: idx)
            } else {
                r = m.range(withName: name)
            }
            return r.location == NSNotFound ? "" : ns.substring(with: r)
        }
    }

    /// Go's template expansion over a lookup of group names (digits for numbered groups).
    static func expand(_ template: String, group: (String) -> String) -> String {
        guard template.utf8.contains(UInt8(ascii: "$")) else { return template }
        var out = ""
        let chars = Array(template.unicodeScalars)
        var i = 0
        func isNameChar(_ u: Unicode.Scalar) -> Bool {
            u == "_" || (u.value < 128 && CharacterSet.alphanumerics.contains(u))
        }
        while i < chars.count {
            let u = chars[i]
            if u != "$" || i + 1 >= chars.count {
                out.unicodeScalars.append(u)
                i += 1
                continue
            }
            let next = chars[i + 1]
            if next == "$" {
                out += "$"
                i += 2
                continue
            }
            let braced = next == "{"
            var j = braced ? i + 2 : i + 1
            var name = ""
            while j < chars.count && isNameChar(chars[j]) {
                name.unicodeScalars.append(chars[j])
                j += 1
            }
            if name.isEmpty || (braced && (j >= chars.count || chars[j] != "}")) {
                out += "$"
                i += 1
                continue
            }
            out += group(name)
            i = braced ? j + 1 : j
        }
        return out
    }

    /// `foo`, `foo|bar`: patterns with no metacharacters are sets of literals.
    private static func alternatives(of pattern: String) -> [String]? {
        let meta = Set("\\.+*?()[]{}^$")
        if pattern.contains(where: { meta.contains($0) }) { return nil }
        return pattern.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    }
}
