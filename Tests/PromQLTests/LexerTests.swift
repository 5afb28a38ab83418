import Testing
@testable import PromQL
import TSDB

@Suite struct LexerTests {
    private func kinds(_ q: String) -> [TokenKind] {
        Lexer.tokenize(Array(q.unicodeScalars)).map(\.kind)
    }

    private func texts(_ q: String) -> [String] {
        Lexer.tokenize(Array(q.unicodeScalars)).map(\.text)
    }

    @Test func operatorsAndPunctuation() {
        #expect(kinds("+ - * / % ^ == != <= < >= > @ , ( )") == [
            .add, .sub, .mul, .div, .mod, .pow, .eqlc, .neq, .lte, .lss, .gte, .gtr, .at, .comma,
            .leftParen, .rightParen, .eof,
        ])
    }

    @Test func keywordsAreCaseInsensitive() {
        #expect(kinds("AND or Unless atan2 BY without on ignoring group_left group_right bool offset") == [
            .land, .lor, .lunless, .atan2, .by, .without, .on, .ignoring, .groupLeft, .groupRight, .bool, .offset, .eof,
        ])
        #expect(kinds("SUM topk count_values limit_ratio") == [
            .aggregator(.sum), .aggregator(.topk), .aggregator(.countValues), .aggregator(.limitRatio), .eof,
        ])
        #expect(kinds("Inf NaN infinity") == [.number, .number, .identifier, .eof])
    }

    @Test func identifiers() {
        #expect(kinds("foo foo:bar :x _a1") == [.identifier, .metricIdentifier, .metricIdentifier, .identifier, .eof])
        #expect(texts("foo:bar") == ["foo:bar", ""])
    }

    @Test func numbersAndDurations() {
        #expect(kinds("1 1.5 .5 1e3 1E-3 0x1F 1_000") == [.number, .number, .number, .number, .number, .number, .number, .eof])
        #expect(kinds("5m 1h30m 100ms 1y 2w") == [.duration, .duration, .duration, .duration, .duration, .eof])
        #expect(texts("1h30m+5") == ["1h30m", "+", "5", ""])
    }

    @Test func insideBraces() {
        #expect(kinds("{a=\"b\", c!=`d`, e=~'f', g!~\"h\"}") == [
            .leftBrace, .identifier, .assign, .string, .comma, .identifier, .neq, .string, .comma,
            .identifier, .eqlRegex, .string, .comma, .identifier, .neqRegex, .string, .rightBrace, .eof,
        ])
        // Keywords are plain identifiers inside braces.
        #expect(kinds("{on=\"x\"}") == [.leftBrace, .identifier, .assign, .string, .rightBrace, .eof])
    }

    @Test func brackets() {
        #expect(kinds("x[5m:1m]") == [.identifier, .leftBracket, .duration, .colon, .duration, .rightBracket, .eof])
        #expect(kinds("x[ 5m : ]") == [.identifier, .leftBracket, .duration, .colon, .rightBracket, .eof])
    }

    @Test func commentsAreSkipped() {
        #expect(kinds("foo # a comment\n+ bar # another") == [.identifier, .add, .identifier, .eof])
        #expect(kinds("{a=\"b\" # c\n}") == [.leftBrace, .identifier, .assign, .string, .rightBrace, .eof])
    }

    @Test func stringsKeepQuotes() {
        #expect(texts("\"a\\\"b\"") == ["\"a\\\"b\"", ""])
        #expect(texts("`a\nb`") == ["`a\nb`", ""])
    }

    @Test(arguments: [
        ("#", nil), ("=~", "unexpected character after '=': '~'"), ("!", "unexpected character after '!': '\u{FFFD}'"),
        ("(", "unclosed left parenthesis"), (")", "unexpected right parenthesis ')'"), ("x[5m", "unclosed left bracket"),
        ("x[", "unexpected end of input in duration expression"), ("x[:", "unexpected colon before duration in duration expression"),
        ("{", "unexpected end of input inside braces"), ("{a~}", "unexpected character inside braces: '~'"),
        ("\"a", "unterminated quoted string"), ("\"a\nb\"", "unterminated quoted string"), ("`a", "unterminated raw string"),
        ("\"\\q\"", "unknown escape sequence U+0071 'q'"), ("\"\\x4\"", "illegal character U+0022 '\"' in escape sequence"),
        ("\"\\U00110000\"", "escape sequence is an invalid Unicode code point"), ("é", "unexpected character: 'é'"),
        ("2.5.", "bad number or duration syntax: \"2.5.\""), ("1e", "bad number or duration syntax: \"1e\""),
        ("5mm", "bad number or duration syntax: \"5mm\""), ("x[5m x]", "unexpected character: 'x', expected ':'"),
        ("x[5m::]", "unexpected colon ':'"), ("x[a]", "unexpected character in duration expression: 'a'"),
    ] as [(String, String?)])
    func lexingErrors(_ q: String, _ message: String?) {
        let last = Lexer.tokenize(Array(q.unicodeScalars)).last
        if let message {
            #expect(last?.kind == .error)
            #expect(last?.text == message)
        } else {
            #expect(last?.kind == .eof)
        }
    }

    @Test func positionsCountUnicodeScalars() {
        let t = Lexer.tokenize(Array("\"é\" + x".unicodeScalars))
        #expect(t.map(\.start) == [0, 4, 6, 7])
    }

    @Test func quoting() throws {
        #expect(goQuote("a\"b\\c\n\t\u{7}é\u{0}\u{a0}😀") == "\"a\\\"b\\\\c\\n\\t\\aé\\x00\\u00a0😀\"")
        #expect(goQuoteRune("'") == "'\\''")
        #expect(try goUnquote("'it\\'s'") == "it's")
        #expect(try goUnquote("\"\\u00e9\\U0001F600\\101\\x41\"") == "é😀AA")
        #expect(throws: UnquoteError.self) { try goUnquote("\"a\"b\"") }
        #expect(throws: UnquoteError.self) { try goUnquote("\"\\'\"") }
    }
}
