import DiskIO

/// Appends the primitive fields of the block files to a growing byte array.
///
/// Fixed-width integers are little-endian; `uvarint` is unsigned LEB128 (7 bits per byte, low
/// group first, high bit set on every byte but the last); `varint` is zigzag followed by `uvarint`.
struct BlockEncoder {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func uvarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func uvarint(_ v: Int) {
        precondition(v >= 0, "uvarint of a negative number")
        uvarint(UInt64(v))
    }

    mutating func varint(_ v: Int64) {
        uvarint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    mutating func append(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }

    /// Overwrites 8 bytes at `offset` (which must already exist) with `v`, little-endian.
    mutating func setU64(_ v: UInt64, at offset: Int) {
        withUnsafeBytes(of: v.littleEndian) { src in
            for i in 0..<8 { bytes[offset + i] = src[i] }
        }
    }

    /// Appends the CRC32C of `bytes[from...]`.
    mutating func appendChecksum(from start: Int) {
        let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        u32(crc)
    }
}
