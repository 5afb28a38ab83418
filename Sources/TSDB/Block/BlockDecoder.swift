/// Reads the primitive fields of a block file from a byte range, checking every read against the
/// range's end. A read that does not fit, or a value that cannot be what the format allows,
/// throws `TSDBError(.corrupted, "<file>: <what> at offset N")`, where N is the offset in the file.
///
/// Field names are `StaticString` so that no string is built unless a read fails.
struct BlockDecoder {
    /// The whole file.
    let file: UnsafeRawBufferPointer
    /// Offset of the next byte to read.
    var pos: Int
    /// Offset one past the last byte this decoder may read.
    let end: Int
    /// Path used in error messages.
    let path: String

    init(_ file: UnsafeRawBufferPointer, from start: Int, to end: Int, path: String) {
        self.file = file
        self.pos = start
        self.end = end
        self.path = path
    }

    var remaining: Int { end - pos }

    func error(_ what: StaticString, at offset: Int? = nil) -> TSDBError {
        BlockDecoder.corrupted(path, "\(what)", at: offset ?? pos)
    }

    static func corrupted(_ path: String, _ what: String, at offset: Int) -> TSDBError {
        TSDBError(.corrupted, "\(path): \(what) at offset \(offset)")
    }

    mutating func u8(_ what: StaticString) throws -> UInt8 {
        guard pos < end else { throw error(what) }
        defer { pos += 1 }
        return file[pos]
    }

    mutating func u32(_ what: StaticString) throws -> UInt32 {
        guard end - pos >= 4 else { throw error(what) }
        defer { pos += 4 }
        return UInt32(littleEndian: file.loadUnaligned(fromByteOffset: pos, as: UInt32.self))
    }

    mutating func u64(_ what: StaticString) throws -> UInt64 {
        guard end - pos >= 8 else { throw error(what) }
        defer { pos += 8 }
        return UInt64(littleEndian: file.loadUnaligned(fromByteOffset: pos, as: UInt64.self))
    }

    mutating func uvarint(_ what: StaticString) throws -> UInt64 {
        let start = pos
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while pos < end {
            let b = file[pos]
            pos += 1
            if shift == 63 && b > 1 { throw error(what, at: start) }  // more than 64 bits
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw error(what, at: start) }
        }
        throw error(what, at: start)
    }

    mutating func varint(_ what: StaticString) throws -> Int64 {
        let u = try uvarint(what)
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    /// An unsigned varint that must fit in `Int` and be at most `limit`.
    mutating func int(_ what: StaticString, max limit: Int = Int.max) throws -> Int {
        let start = pos
        let u = try uvarint(what)
        guard limit >= 0, u <= UInt64(limit) else { throw error(what, at: start) }
        return Int(u)
    }

    /// The next `count` bytes, as a view into the file.
    mutating func bytes(_ count: Int, _ what: StaticString) throws -> UnsafeRawBufferPointer {
        guard count >= 0, end - pos >= count else { throw error(what) }
        defer { pos += count }
        return UnsafeRawBufferPointer(rebasing: file[pos..<(pos + count)])
    }
}
