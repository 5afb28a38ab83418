import Foundation
@testable import Ingest
import Testing

@Suite struct LZStringTests {
    /// Outputs of lz-string's `compressToBase64` (from the `lzstring` Python package).
    @Test(arguments: [
        (#"[{"event":"$pageview","properties":{"token":"abc","distinct_id":"u1"}}]"#,
         "NobwRApgbhB2AuYBcYAkAHAhgc2gSwgHcwAaMdAJwHt0IL4CBnZceKgazmTEwCMBjUmAAmeRg1j94AfTzDuAVwCMYAL6qAukA==="),
        ("héllo wörld ✓ ababababababababab", "BYS4NmD2AEDuBvAnMATahkcmgQwEa/3oQbkA"),
        (String(repeating: "a", count: 72), "IY18ZXTsUA=="),
        ("", "Q==="),
    ])
    func decodesKnownOutputs(text: String, compressed: String) throws {
        #expect(try LZString.decompressFromBase64(Array(compressed.utf8), limit: 1 << 20) == text)
    }

    @Test func outputIsBounded() {
        do {
            _ = try LZString.decompressFromBase64(Array("IY18ZXTsUA==".utf8), limit: 50)
            Issue.record("expected tooLarge")
        } catch {
            #expect(error.code == .tooLarge)
        }
    }

    @Test(arguments: ["", "!!!!", "NobwRApgbhB2AuYB", "////////////"])
    func garbageIsBadCompression(text: String) {
        do {
            _ = try LZString.decompressFromBase64(Array(text.utf8), limit: 1 << 20)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.code == .badCompression)
        }
    }

    /// Random JSON-like texts compressed by the reference implementation decode back exactly.
    @Test func agreesWithTheReferenceImplementation() async throws {
        var rng = RemoteWriteTestRandom(seed: 3)
        let alphabet = Array(#"{}[]":,abcdefghij0123456789 éü✓$_"#)
        // Short texts, and one long enough for 12-bit codes.
        let lengths = (0..<60).map { $0 * 37 % 900 } + [20_000]
        let texts = lengths.map { n in String((0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }) }
        let script = """
        import sys, json
        try:
            import lzstring
        except ImportError:
            print("MISSING")
            sys.exit(0)
        x = lzstring.LZString()
        for t in json.load(sys.stdin):
            print(x.compressToBase64(t))
        """
        let input = String(decoding: try JSONSerialization.data(withJSONObject: texts), as: UTF8.self)
        guard let out = try await runPython(script, input: input), !out.hasPrefix("MISSING") else {
            print("skipped: pip install lzstring")
            return
        }
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, t) in texts.enumerated() {
            #expect(try LZString.decompressFromBase64(Array(lines[i].utf8), limit: 1 << 20) == t)
        }
    }
}
