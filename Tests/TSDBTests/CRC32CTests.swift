import Testing
import DiskIO
@testable import TSDB

@Suite struct CRC32CTests {
    @Test func knownVectors() {
        // RFC 3720 appendix B.4 check value, and the empty input.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }

    @Test func continuingEqualsWhole() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = CRC32C.checksum(bytes)
        let part = CRC32C.checksum(Array(bytes[..<333]))
        #expect(CRC32C.checksum(Array(bytes[333...]), continuing: part) == whole)
    }
}
