import Foundation

/// Prometheus's regular expressions are Go's RE2 syntax; Sextant runs them on ICU
/// (NSRegularExpression). This turns an RE2 pattern into the ICU pattern that matches the same
/// strings, refusing what RE2 refuses and ICU would accept (backreferences, lookaround, atomic
/// groups, possessive quantifiers), so a query valid here is valid in Prometheus and the other
/// way round.
public enum RE2Syntax {
    /// Compiles `pattern` anchored at both ends, with `.` matching newlines, as Prometheus
    /// compiles label matchers and `label_replace` patterns (`^(?s:pattern)$` in RE2, where `$`
    /// is the end of text; ICU's `$` also matches before a final newline, so `\z` is used).
    public static func anchored(_ pattern: String) throws(TSDBError) -> NSRegularExpression {
        let translated = try translate(pattern)
        do {
            return try NSRegularExpression(pattern: "^(?s:" + translated + ")\\z")
        } catch {
            throw TSDBError(.invalidArgument, "invalid regular expression \"\(pattern)\"")
        }
    }

    /// The ICU spelling of an RE2 pattern: `(?P<name>` becomes `(?<name>`, `\pL` becomes
    /// `\p{L}`; constructs RE2 does not have are refused with the reason.
    public static func translate(_ pattern: String) throws(TSDBError) -> String {
        let c = Array(pattern.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        var inClass = false
        func refuse(_ what: String) -> TSDBError {
            TSDBError(.invalidArgument, "invalid regular expression \"\(pattern)\": \(what) is not supported (RE2 syntax)")
        }
        func at(_ k: Int) -> Unicode.Scalar? { k < c.count ? c[k] : nil }
        while i < c.count {
            let ch = c[i]
            if ch == "\\" {
                guard let next = at(i + 1) else { throw refuse("a trailing backslash") }
                if !inClass, ("1"..."9").contains(next), !(at(i + 2).map { ("0"..."9").contains($0) } ?? false) {
                    throw refuse("the backreference \\\(next)")
                }
                if next == "C" { throw refuse("\\C") }
                // RE2's octal `\123` (up to three digits); ICU spells octal `\0ooo`.
                if ("0"..."7").contains(next) {
                    var value: UInt32 = 0, k = i + 1
                    while k < c.count, k < i + 4, ("0"..."7").contains(c[k]) {
                        value = value * 8 + (c[k].value - 48)
                        k += 1
                    }
                    out.append(contentsOf: "\\x{\(String(value, radix: 16))}".unicodeScalars)
                    i = k
                    continue
                }
                if (next == "p" || next == "P"), let name = at(i + 2), name != "{" {
                    out.append(contentsOf: "\\\(next){\(name)}".unicodeScalars)
                    i += 3
                    continue
                }
                out.append(ch)
                out.append(next)
                i += 2
                continue
            }
            if inClass {
                if ch == "]" { inClass = false }
                // `[[:alpha:]]`: copy the POSIX class whole so its `]` does not end the set.
                if ch == "[", at(i + 1) == ":", let end = (i + 2..<c.count).first(where: { c[$0] == "]" && c[$0 - 1] == ":" }) {
                    out.append(contentsOf: c[i...end])
                    i = end + 1
                    continue
                }
                // RE2 reads `[` and `&` in a set as themselves; ICU reads nested sets and `&&`.
                if ch == "[" || ch == "&" { out.append("\\") }
                out.append(ch)
                i += 1
                continue
            }
            switch ch {
            case "[":
                inClass = true
                out.append(ch)
                // A `]` first in the set (or after `^`) is a literal.
                if at(i + 1) == "^" { out.append("^"); i += 1 }
                if at(i + 1) == "]" { out.append(contentsOf: "\\]".unicodeScalars); i += 1 }
                i += 1
                continue
            case "(" where at(i + 1) == "?":
                let rest = String(String.UnicodeScalarView(c[(i + 2)..<min(c.count, i + 5)]))
                if rest.hasPrefix("P<") {
                    out.append(contentsOf: "(?<".unicodeScalars)
                    i += 4
                    continue
                }
                if rest.hasPrefix("P=") || rest.hasPrefix("P>") { throw refuse("a named backreference") }
                if rest.hasPrefix("=") || rest.hasPrefix("!") || rest.hasPrefix("<=") || rest.hasPrefix("<!") {
                    throw refuse("lookaround")
                }
                if rest.hasPrefix(">") { throw refuse("an atomic group") }
            case "+" where i > 0 && "*+?}".unicodeScalars.contains(c[i - 1]) && !(i > 1 && c[i - 2] == "\\"):
                throw refuse("a possessive quantifier")
            default:
                break
            }
            out.append(ch)
            i += 1
        }
        return String(out)
    }
}
