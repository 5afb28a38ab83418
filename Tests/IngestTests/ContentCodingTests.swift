import CompressNIO
import Ingest
import NIOCore
import Testing

@Suite struct ContentCodingTests {
    let text = ByteBuffer(string: String(repeating: "cpu,host=a usage=1 1\n", count: 1000))

    @Test(arguments: [("gzip", CompressionAlgorithm.gzip()), ("deflate", .zlib())])
    func roundTrips(header: String, algorithm: CompressionAlgorithm) throws {
        var input = text
        let compressed = try input.compress(with: algorithm)
        let coding = try ContentCoding(header: header)
        #expect(try coding.decode(compressed, limit: 1 << 20) == text)
    }

    @Test func identityAndLimits() throws {
        #expect(try ContentCoding(header: nil) == .identity)
        #expect(try ContentCoding(header: " GZIP ") == .gzip)
        #expect(throws: IngestError.self) { try ContentCoding(header: "br") }
        #expect(throws: IngestError.self) { try ContentCoding.identity.decode(text, limit: 10) }
        var input = text
        let compressed = try input.compress(with: .gzip())
        do {
            _ = try ContentCoding.gzip.decode(compressed, limit: 100)
            Issue.record("expected tooLarge")
        } catch {
            #expect(error.code == .tooLarge)
        }
    }

    @Test func garbageIsBadCompression() {
        do {
            _ = try ContentCoding.gzip.decode(ByteBuffer(string: "not gzip at all"), limit: 1000)
            Issue.record("expected badCompression")
        } catch {
            #expect(error.code == .badCompression)
        }
    }
}
