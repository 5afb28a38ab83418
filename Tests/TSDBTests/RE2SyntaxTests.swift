import Foundation
import Testing
@testable import TSDB

@Suite struct RE2SyntaxTests {
    func matches(_ pattern: String, _ s: String) throws -> Bool {
        let re = try RE2Syntax.anchored(pattern)
        return re.firstMatch(in: s, range: NSRange(location: 0, length: (s as NSString).length)) != nil
    }

    @Test(arguments: [
        ("a.c", "a\nc", true),          // `.` matches newlines, as in Prometheus 3
        ("abc", "abc\n", false),        // anchored at the very end, not before a final newline
        ("ab$", "ab\n", false),
        ("(?P<x>a+)b", "aab", true),    // RE2's named group
        (#"\pLx"#, "éx", true),         // one-letter Unicode class
        ("[[]x", "[x", true),           // `[` in a set is literal in RE2
        ("[a&&b]", "&", true),          // so is `&`
        ("[[:digit:]]+", "123", true),
        ("[]a]", "]", true),
        ("(?i)GET|post", "get", true),
        ("foo|bar", "foobar", false),
        (#"a\+b"#, "a+b", true),
    ])
    func matchesAsRE2Does(pattern: String, input: String, expected: Bool) throws {
        #expect(try matches(pattern, input) == expected)
    }

    @Test(arguments: [#"(a)\1"#, "(?=a)a", "(?!a)b", "(?<=a)b", "(?<!a)b", "(?>a)", "a*+", "a++", "a?+", "a{2}+", #"\C"#, "(?P=x)", #"x\"#])
    func refusesWhatRE2Refuses(pattern: String) {
        #expect(throws: TSDBError.self) { try RE2Syntax.anchored(pattern) }
    }

    @Test func octalAndEscapesStay() throws {
        #expect(try matches(#"\101"#, "A"))
        #expect(try RE2Syntax.translate(#"a\*+"#) == #"a\*+"#)
        #expect(try matches(#"a\*+"#, "a**"))
    }
}
