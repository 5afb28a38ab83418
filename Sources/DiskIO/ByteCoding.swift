/// Writes varints and fixed-width integers through a raw pointer the caller has sized
/// (at most 10 bytes per varint, 8 per `uint64`). Used by the WAL and segment encoders.
public struct ByteWriter {
    private let base: UnsafeMutableRawPointer
    public private(set) var written = 0

    public init(_ base: UnsafeMutableRawPointer) {
        self.base = base
    }

    @inline(__always)
    public mutating func uvarint(_ value: UInt64) {
        var x = value
        while x >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: x) | 0x80, toByteOffset: written, as: UInt8.self)
            written += 1
            x >>= 7
        }
        base.storeBytes(of: UInt8(x), toByteOffset: written, as: UInt8.self)
        written += 1
    }

    /// Zigzag: small magnitudes of either sign take few bytes.
    @inline(__always)
    public mutating func varint(_ value: Int64) {
        uvarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    @inline(__always)
    public mutating func uint64(_ value: UInt64) {
        base.storeBytes(of: value.littleEndian, toByteOffset: written, as: UInt64.self)
        written += 8
    }

    public static func appendUvarint(_ value: UInt64, to out: inout [UInt8]) {
        var x = value
        while x >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: x) | 0x80)
            x >>= 7
        }
        out.append(UInt8(x))
    }

    public static func appendVarint(_ value: Int64, to out: inout [UInt8]) {
        appendUvarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)), to: &out)
    }

    /// Byte length (uvarint) followed by the UTF-8 bytes.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        appendUvarint(UInt64(s.utf8.count), to: &out)
        out.append(contentsOf: s.utf8)
    }
}

/// Reads what `ByteWriter` writes from a bounded buffer. Every read checks the bound
/// and throws `DiskIOError(.corrupted)` naming the payload offset, so damaged input never traps.
public struct ByteReader {
    private let bytes: UnsafeRawBufferPointer
    public private(set) var offset = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    public var remaining: Int { bytes.count - offset }

    public func failure(_ what: String) -> DiskIOError {
        DiskIOError(.corrupted, "\(what) (payload byte \(offset))")
    }

    @inline(__always)
    public mutating func uvarint() throws -> UInt64 {
        var x: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            let b = bytes[offset]
            offset += 1
            if b < 0x80 {
                // The 10th byte may only carry the top bit of a 64-bit value.
                if shift == 63 && b > 1 { throw failure("varint overflows 64 bits") }
                return x | UInt64(b) << shift
            }
            x |= UInt64(b & 0x7F) << shift
            shift += 7
            if shift > 63 { throw failure("varint longer than 10 bytes") }
        }
        throw failure("varint runs past the end of the payload")
    }

    @inline(__always)
    public mutating func varint() throws -> Int64 {
        let u = try uvarint()
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }

    @inline(__always)
    public mutating func uint8() throws -> UInt8 {
        guard offset < bytes.count else { throw failure("byte runs past the end of the payload") }
        let v = bytes[offset]
        offset += 1
        return v
    }

    @inline(__always)
    public mutating func uint32() throws -> UInt32 {
        guard bytes.count - offset >= 4 else { throw failure("4-byte value runs past the end of the payload") }
        let v = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return UInt32(littleEndian: v)
    }

    /// The next `n` bytes, without copying.
    public mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, n <= remaining else { throw failure("\(n) bytes run past the end of the payload") }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
        offset += n
        return slice
    }

    @inline(__always)
    public mutating func uint64() throws -> UInt64 {
        guard bytes.count - offset >= 8 else { throw failure("8-byte value runs past the end of the payload") }
        let v = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: v)
    }

    /// A length-prefixed UTF-8 string; invalid UTF-8 is corruption, not something to repair.
    public mutating func string() throws -> String {
        let n = try uvarint()
        guard n <= UInt64(remaining) else { throw failure("string of \(n) bytes runs past the end of the payload") }
        let start = offset
        offset += Int(n)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
        guard let s = String(validating: slice.assumingMemoryBound(to: UInt8.self), as: UTF8.self) else {
            throw DiskIOError(.corrupted, "invalid UTF-8 in string at payload byte \(start)")
        }
        return s
    }

    public func expectEnd() throws {
        if offset != bytes.count { throw failure("\(remaining) unexpected bytes after the last entry") }
    }
}
