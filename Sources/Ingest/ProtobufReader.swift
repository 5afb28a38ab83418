/// The protobuf wire types (https://protobuf.dev/programming-guides/encoding/).
enum WireType: UInt8 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5

    var name: String {
        switch self {
        case .varint: "varint"
        case .fixed64: "fixed64"
        case .lengthDelimited: "length-delimited"
        case .startGroup: "start-group"
        case .endGroup: "end-group"
        case .fixed32: "fixed32"
        }
    }
}

/// A bounds-checked cursor over protobuf wire bytes.
///
/// Reads only inside `position..<end`; every read that would cross `end` throws
/// `IngestError(.badProtobuf)` with the byte offset, so a nested message can never read into its
/// parent. Offsets are relative to the start of the buffer given at creation. It does not own
/// the memory: keep the buffer alive while the reader is used.
struct ProtobufReader {
    let base: UnsafePointer<UInt8>
    var position: Int
    var end: Int

    /// Deepest nesting of unknown groups that `skip` follows before giving up.
    static let maxGroupDepth = 64

    init(base: UnsafePointer<UInt8>, position: Int, end: Int) {
        self.base = base
        self.position = position
        self.end = end
    }

    var isAtEnd: Bool { position >= end }

    func error(_ message: String, at offset: Int? = nil) -> IngestError {
        IngestError(.badProtobuf, message, offset: offset ?? position)
    }

    /// Reads a base-128 varint of at most 10 bytes; the bits beyond 64 in a 10th byte are
    /// ignored, as the reference decoders do.
    @inline(__always)
    mutating func readVarint() throws(IngestError) -> UInt64 {
        guard position < end else { throw error("truncated varint") }
        let first = base[position]
        if first < 0x80 {
            position += 1
            return UInt64(first)
        }
        return try readVarintSlow()
    }

    mutating func readVarintSlow() throws(IngestError) -> UInt64 {
        let start = position
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw error("truncated varint", at: start) }
            let b = base[position]
            position += 1
            value |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return value }
            shift += 7
            if shift >= 70 { throw error("varint longer than 10 bytes", at: start) }
        }
    }

    /// Reads a field key; field number 0 and wire types 6 and 7 are malformed.
    @inline(__always)
    mutating func readTag() throws(IngestError) -> (field: UInt64, wire: WireType) {
        let start = position
        let key = try readVarint()
        let field = key >> 3
        guard field != 0, field <= 0x1fff_ffff else { throw error("invalid field number \(field)", at: start) }
        let wire: WireType
        // A switch rather than init(rawValue:), which the optimizer leaves as a call.
        switch key & 7 {
        case 0: wire = .varint
        case 1: wire = .fixed64
        case 2: wire = .lengthDelimited
        case 3: wire = .startGroup
        case 4: wire = .endGroup
        case 5: wire = .fixed32
        default: throw error("invalid wire type \(key & 7) for field \(field)", at: start)
        }
        return (field, wire)
    }

    @inline(__always)
    mutating func readFixed64() throws(IngestError) -> UInt64 {
        guard end - position >= 8 else { throw error("truncated fixed64") }
        let v = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
        position += 8
        return UInt64(littleEndian: v)
    }

    /// Reads a length prefix and returns the payload's range, leaving the cursor after it.
    @inline(__always)
    mutating func readLengthDelimited() throws(IngestError) -> Range<Int> {
        let start = position
        let n = try readVarint()
        guard n <= UInt64(end - position) else {
            throw error("length \(n) runs past the end of the enclosing message (\(end - position) bytes left)", at: start)
        }
        let from = position
        position += Int(n)
        return from..<position
    }

    /// Skips the value of a field the decoder does not use, whatever its wire type.
    mutating func skip(_ wire: WireType, field: UInt64) throws(IngestError) {
        switch wire {
        case .varint: _ = try readVarint()
        case .fixed64: try advance(8)
        case .fixed32: try advance(4)
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup: try skipGroup(field)
        case .endGroup: throw error("unexpected end-group for field \(field)")
        }
    }

    /// Throws `.badProtobuf` naming the field when a known field came with another wire type.
    @inline(__always)
    static func expect(_ wire: WireType, _ wanted: WireType, _ name: String, _ field: UInt64, at offset: Int) throws(IngestError) {
        guard wire == wanted else {
            throw IngestError(.badProtobuf, "\(name) (field \(field)) has wire type \(wire.name), expected \(wanted.name)", offset: offset)
        }
    }

    mutating func advance(_ n: Int) throws(IngestError) {
        guard end - position >= n else { throw error("truncated \(n)-byte field") }
        position += n
    }

    /// Skips a (deprecated) group up to its matching end-group key, following nested groups
    /// iteratively up to `maxGroupDepth`.
    mutating func skipGroup(_ field: UInt64) throws(IngestError) {
        var open = [field]
        while let innermost = open.last {
            let (f, wire) = try readTag()
            switch wire {
            case .startGroup:
                guard open.count < Self.maxGroupDepth else { throw error("groups nested deeper than \(Self.maxGroupDepth)") }
                open.append(f)
            case .endGroup:
                guard f == innermost else { throw error("end-group for field \(f) inside group \(innermost)") }
                open.removeLast()
            default:
                try skip(wire, field: f)
            }
        }
    }
}
