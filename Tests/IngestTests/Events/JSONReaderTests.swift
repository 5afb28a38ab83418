import Foundation
@testable import Ingest
import Testing

@Suite struct JSONReaderTests {
    @Test func parsesEveryKindOfValue() throws {
        let v = try JSONValue.parse(Array(#" {"a": [1, -2.5, 3e2, true, false, null], "b": {"c": "x\"y\\z\n\u00e9\ud83d\ude00"}} "#.utf8))
        #expect(v == .object([
            JSONMember("a", .array([.number(1), .number(-2.5), .number(300), .bool(true), .bool(false), .null])),
            JSONMember("b", .object([JSONMember("c", .string("x\"y\\z\né😀"))])),
        ]))
        #expect(v.compactText == #"{"a":[1,-2.5,300,true,false,null],"b":{"c":"x\"y\\z\né😀"}}"#)
    }

    @Test(arguments: ["0", "-0", "1", "123456789012345", "0.1", "3.14159", "1e-7", "-2.5E+10", "12345678901234567890",
                      "1.7976931348623157e308", "5e-324", "0.30000000000000004", "123.456e-5", "9007199254740993"])
    func numbersMatchSwiftsParser(text: String) throws {
        let v = try JSONValue.parse(Array(text.utf8))
        #expect(v == .number(Double(text)!))
    }

    @Test func loneSurrogateBecomesReplacementCharacter() throws {
        #expect(try JSONValue.parse(Array(#""a\ud800b""#.utf8)) == .string("a\u{FFFD}b"))
    }

    @Test(arguments: [
        ("{\"a\":1,}", 7, "quoted key"),
        ("[1 2]", 3, "','"),
        ("{\"a\" 1}", 5, "':'"),
        ("\"abc", 0, "unterminated string"),
        ("01", 0, "leading zero"),
        ("[1.]", 3, "digit expected"),
        ("\"a\u{01}\"", 2, "control character"),
        ("{} x", 3, "after the JSON value"),
        ("tru", 0, "true or false"),
        ("\"\\x\"", 1, "invalid escape"),
    ])
    func errorsSayWhatAndWhere(text: String, offset: Int, phrase: String) {
        do {
            _ = try JSONValue.parse(Array(text.utf8))
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.code == .badJSON)
            #expect(error.offset == offset, "\(text): \(error)")
            #expect(error.message.contains(phrase), "\(text): \(error)")
        }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: IngestError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func depthIsBounded() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        do {
            _ = try JSONValue.parse(Array(deep.utf8), maxDepth: 64)
            Issue.record("expected tooDeep")
        } catch {
            #expect(error.code == .tooDeep)
        }
        #expect(throws: Never.self) { try JSONValue.parse(Array("[[[]]]".utf8), maxDepth: 3) }
    }

    @Test func agreesWithFoundationOnRandomDocuments() throws {
        var rng = RemoteWriteTestRandom(seed: 42)
        for _ in 0..<200 {
            let value = randomValue(&rng, depth: 0)
            let data = try JSONSerialization.data(withJSONObject: ["v": value])
            let ours = try JSONValue.parse(Array(data))
            let back = try JSONSerialization.jsonObject(with: Data(ours.compactText.utf8)) as? NSDictionary
            #expect(back == (["v": value] as NSDictionary))
        }
    }

    private func randomValue(_ rng: inout RemoteWriteTestRandom, depth: Int) -> Any {
        switch rng.next() % (depth > 3 ? 4 : 6) {
        case 0: return Double(Int64(rng.next() % 2_000_000) - 1_000_000) / 64
        case 1: return ["plain", "with \"quote\"", "tab\tnew\nline", "ünïcødé", "emoji 😀", "\u{7}bell"][Int(rng.next() % 6)]
        case 2: return rng.next() % 2 == 0
        case 3: return NSNull()
        case 4: return (0..<Int(rng.next() % 4)).map { _ in randomValue(&rng, depth: depth + 1) }
        default:
            var d: [String: Any] = [:]
            for i in 0..<Int(rng.next() % 4) { d["k\(i)"] = randomValue(&rng, depth: depth + 1) }
            return d
        }
    }
}
