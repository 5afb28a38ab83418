import Foundation
@testable import Ingest
import Testing

@Suite struct SHA256Tests {
    func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

    @Test func knownDigests() {
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// RFC 4231 test cases 1, 2, 6 (a key longer than the block) and 7.
    @Test func hmacRFC4231() {
        let k1 = [UInt8](repeating: 0x0b, count: 20)
        #expect(HMACSHA256(key: k1).hex("Hi There") == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(HMACSHA256(key: Array("Jefe".utf8)).hex("what do ya want for nothing?")
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let k6 = [UInt8](repeating: 0xaa, count: 131)
        #expect(HMACSHA256(key: k6).hex("Test Using Larger Than Block-Size Key - Hash Key First")
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(HMACSHA256(key: k6).hex("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.")
            == "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }

    /// Python's `hmac` module as the outside reference, over ids of every length up to two blocks.
    @Test func agreesWithPython() async throws {
        func id(_ n: Int) -> String {
            let bytes: [UInt8] = (0..<n).map { i in UInt8(97 + (i * 7 + n) % 26) }
            return String(decoding: bytes, as: UTF8.self)
        }
        let ids: [String] = (0..<140).map(id) + ["ünï", "u0000001"]
        let script = """
        import hmac, hashlib, sys, json
        for line in sys.stdin.read().splitlines():
            print(hmac.new(b"pseudonym-key", line.encode(), hashlib.sha256).hexdigest())
        """
        guard let out = try await runPython(script, input: ids.joined(separator: "\n") + "\n") else {
            print("skipped: python3 not found")
            return
        }
        let mac = HMACSHA256(key: Array("pseudonym-key".utf8))
        #expect(out.split(separator: "\n").map(String.init) == ids.map { mac.hex($0) })
    }
}

/// Runs `python3 -c script` with `input` on stdin; nil when python3 is not installed. The wait
/// happens off Swift's cooperative threads, so other tests (and in-process servers) keep running.
func runPython(_ script: String, input: String = "") async throws -> String? {
    try await withCheckedThrowingContinuation { cont in
        DispatchQueue.global().async {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", "-c", script]
            let stdin = Pipe(), stdout = Pipe()
            p.standardInput = stdin
            p.standardOutput = stdout
            p.standardError = FileHandle.nullDevice
            do {
                try p.run()
            } catch {
                cont.resume(returning: nil)
                return
            }
            // Feed stdin from another thread so a large input cannot deadlock against stdout.
            DispatchQueue.global().async {
                stdin.fileHandleForWriting.write(Data(input.utf8))
                try? stdin.fileHandleForWriting.close()
            }
            let data = stdout.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            cont.resume(returning: p.terminationStatus == 127 ? nil : String(decoding: data, as: UTF8.self))
        }
    }
}
