/// Snappy *block* format (not the framed/stream format), as remote-write bodies use it.
///
/// A block is a varint holding the uncompressed length, then elements until the input ends:
///
/// ```
/// tag & 3 == 0  literal: length-1 in tag>>2 when < 60; 60...63 mean 1...4 little-endian bytes of
///               length-1 follow. Then the literal bytes.
/// tag & 3 == 1  copy, 1-byte offset: length 4 + (tag>>2)&7, offset (tag>>5)<<8 | next byte.
/// tag & 3 == 2  copy, 2-byte offset: length 1 + tag>>2, offset little-endian UInt16.
/// tag & 3 == 3  copy, 4-byte offset: length 1 + tag>>2, offset little-endian UInt32.
/// ```
/// A copy repeats `length` bytes starting `offset` bytes back in the output; the ranges may
/// overlap (offset < length repeats a pattern). The decoded size must equal the declared length.
///
/// All functions are pure and safe to call concurrently.
public enum Snappy {
    /// Decodes one snappy block, refusing it before allocating anything if it declares more
    /// than `maxLength` bytes.
    ///
    /// Every malformed input (truncated element, copy offset 0 or before the start of the output,
    /// an element running past the declared length, bytes left over, a short result) throws
    /// `IngestError(.badCompression)` naming the byte offset in `input`; it never traps.
    public static func decompress(_ input: UnsafeRawBufferPointer, maxLength: Int) throws(IngestError) -> [UInt8] {
        let (base, declared, start) = try checkPreamble(input, maxLength: maxLength)
        if declared == 0 { return [] }
        var failure: IngestError?
        let out = [UInt8](unsafeUninitializedCapacity: declared) { buffer, count in
            guard let dst = buffer.baseAddress else { return }
            do throws(IngestError) {
                try decodeElements(src: base, srcCount: input.count, from: start, dst: dst, dstCount: declared)
                count = declared
            } catch {
                failure = error
                count = 0
            }
        }
        if let failure { throw failure }
        return out
    }

    /// Decodes one snappy block into `output`, reusing its capacity: a server that keeps one
    /// buffer per worker avoids allocating (and page-faulting) megabytes per request.
    ///
    /// Same checks as `decompress(_:maxLength:)`. On success `output` holds exactly the block;
    /// after a throw its contents are unspecified.
    public static func decompress(_ input: [UInt8], maxLength: Int, into output: inout [UInt8]) throws(IngestError) {
        var result: Result<Void, IngestError> = .success(())
        input.withUnsafeBytes { input in
            do throws(IngestError) {
                let (base, declared, start) = try checkPreamble(input, maxLength: maxLength)
                // Only growth is zero-filled; a reused buffer of the right size costs nothing.
                if output.count < declared {
                    output.append(contentsOf: repeatElement(0, count: declared - output.count))
                } else {
                    output.removeLast(output.count - declared)
                }
                guard declared > 0 else { return }
                try output.withUnsafeMutableBufferPointer { (dst) throws(IngestError) in
                    guard let dstBase = dst.baseAddress else { return }
                    try decodeElements(src: base, srcCount: input.count, from: start, dst: dstBase, dstCount: declared)
                }
            } catch {
                result = .failure(error)
            }
        }
        try result.get()
    }

    /// Reads the length preamble and applies the checks that need no decoding: the limit, the
    /// largest expansion the format allows, and an empty block having nothing after it.
    static func checkPreamble(_ input: UnsafeRawBufferPointer,
                              maxLength: Int) throws(IngestError) -> (UnsafePointer<UInt8>, Int, Int) {
        guard let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self), !input.isEmpty else {
            throw IngestError(.badCompression, "snappy: empty input has no length preamble", offset: 0)
        }
        let (declared, start) = try readPreamble(base, input.count)
        guard declared <= maxLength else {
            throw IngestError(.tooLarge, "snappy: body declares \(declared) uncompressed bytes, over the limit of \(maxLength)")
        }
        // No element expands more than 64 bytes out of 3 bytes in, so a declared length beyond
        // that is a lie; refusing it here avoids allocating for it.
        guard declared <= (input.count - start) * 22 else {
            throw IngestError(.badCompression,
                              "snappy: \(input.count) compressed bytes cannot expand to the declared \(declared) bytes")
        }
        guard declared > 0 || start == input.count else {
            throw IngestError(.badCompression, "snappy: trailing bytes after an empty block", offset: start)
        }
        return (base, declared, start)
    }

    /// Decodes one snappy block; see `decompress(_:maxLength:)` for the checks.
    public static func decompress(_ input: [UInt8], maxLength: Int) throws(IngestError) -> [UInt8] {
        var result: Result<[UInt8], IngestError> = .success([])
        input.withUnsafeBytes { buffer in
            do throws(IngestError) { result = .success(try decompress(buffer, maxLength: maxLength)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// The uncompressed length a block declares, without decoding it.
    public static func uncompressedLength(_ input: [UInt8]) throws(IngestError) -> Int {
        var result: Result<Int, IngestError> = .success(0)
        input.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                result = .failure(IngestError(.badCompression, "snappy: empty input has no length preamble", offset: 0))
                return
            }
            do throws(IngestError) { result = .success(try readPreamble(base, buffer.count).length) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Reads the varint length preamble: at most 5 bytes, value at most UInt32.max.
    static func readPreamble(_ p: UnsafePointer<UInt8>, _ n: Int) throws(IngestError) -> (length: Int, next: Int) {
        var value: UInt64 = 0
        var i = 0
        while i < 5 {
            guard i < n else {
                throw IngestError(.badCompression, "snappy: length preamble is truncated", offset: i)
            }
            let b = p[i]
            value |= UInt64(b & 0x7f) << (7 * UInt64(i))
            i += 1
            if b < 0x80 {
                guard value <= UInt64(UInt32.max) else { break }
                return (Int(value), i)
            }
        }
        throw IngestError(.badCompression, "snappy: length preamble does not fit in 32 bits", offset: 0)
    }

    /// Decodes the elements of `src[from..<srcCount]` into exactly `dstCount` bytes at `dst`.
    ///
    /// The fast paths copy 16 bytes at a time when both buffers have 16 bytes of room, writing a
    /// few bytes past the element that later elements overwrite; the final length check makes
    /// sure every byte of `dst` was written by a real element.
    @inline(__always)
    static func decodeElements(src: UnsafePointer<UInt8>, srcCount: Int, from start: Int,
                               dst: UnsafeMutablePointer<UInt8>, dstCount: Int) throws(IngestError) {
        let rawSrc = UnsafeRawPointer(src)
        let rawDst = UnsafeMutableRawPointer(dst)
        var s = start
        var d = 0
        while s < srcCount {
            let element = s
            let tag = src[s]
            let length: Int
            let offset: Int
            switch tag & 3 {
            case 0:
                var n = Int(tag >> 2)
                if n < 60 {
                    s += 1
                    n += 1
                    // Short literal with slack on both sides: one 16-byte move.
                    if n <= 16 && srcCount - s >= 16 && dstCount - d >= 16 {
                        let a = rawSrc.loadUnaligned(fromByteOffset: s, as: UInt64.self)
                        let b = rawSrc.loadUnaligned(fromByteOffset: s + 8, as: UInt64.self)
                        rawDst.storeBytes(of: a, toByteOffset: d, as: UInt64.self)
                        rawDst.storeBytes(of: b, toByteOffset: d + 8, as: UInt64.self)
                        s += n
                        d += n
                        continue
                    }
                } else {
                    let extra = n - 59
                    guard srcCount - s > extra else {
                        throw IngestError(.badCompression, "snappy: literal length is truncated", offset: element)
                    }
                    n = 0
                    for k in 0..<extra { n |= Int(src[s + 1 + k]) << (8 * k) }
                    s += 1 + extra
                    n += 1
                }
                guard n <= srcCount - s else {
                    throw IngestError(.badCompression,
                                      "snappy: literal of \(n) bytes runs past the end of the input", offset: element)
                }
                guard n <= dstCount - d else { throw overrun(d: d, dstCount: dstCount, srcCount: srcCount, at: element) }
                (rawDst + d).copyMemory(from: rawSrc + s, byteCount: n)
                s += n
                d += n
                continue
            case 1:
                guard srcCount - s >= 2 else {
                    throw IngestError(.badCompression, "snappy: copy element is truncated", offset: element)
                }
                length = 4 + Int((tag >> 2) & 7)
                offset = Int(tag >> 5) << 8 | Int(src[s + 1])
                s += 2
            case 2:
                guard srcCount - s >= 3 else {
                    throw IngestError(.badCompression, "snappy: copy element is truncated", offset: element)
                }
                length = 1 + Int(tag >> 2)
                offset = Int(UInt16(littleEndian: rawSrc.loadUnaligned(fromByteOffset: s + 1, as: UInt16.self)))
                s += 3
            default:
                guard srcCount - s >= 5 else {
                    throw IngestError(.badCompression, "snappy: copy element is truncated", offset: element)
                }
                length = 1 + Int(tag >> 2)
                offset = Int(UInt32(littleEndian: rawSrc.loadUnaligned(fromByteOffset: s + 1, as: UInt32.self)))
                s += 5
            }
            guard offset > 0, offset <= d else {
                throw IngestError(.badCompression,
                                  "snappy: copy offset \(offset) is outside the \(d) bytes decoded so far", offset: element)
            }
            guard length <= dstCount - d else { throw overrun(d: d, dstCount: dstCount, srcCount: srcCount, at: element) }
            if offset >= 8 && length <= 16 && dstCount - d >= 16 {
                // Two 8-byte moves in order are correct even when the ranges overlap, since
                // offset >= 8 means every byte read was written before it is read.
                let a = UnsafeRawPointer(rawDst).loadUnaligned(fromByteOffset: d - offset, as: UInt64.self)
                rawDst.storeBytes(of: a, toByteOffset: d, as: UInt64.self)
                let b = UnsafeRawPointer(rawDst).loadUnaligned(fromByteOffset: d - offset + 8, as: UInt64.self)
                rawDst.storeBytes(of: b, toByteOffset: d + 8, as: UInt64.self)
            } else if offset >= length {
                (rawDst + d).copyMemory(from: rawDst + (d - offset), byteCount: length)
            } else {
                // Overlapping copy: a repeating pattern, built byte by byte in order.
                var from = d - offset
                for k in d..<(d + length) {
                    dst[k] = dst[from]
                    from += 1
                }
            }
            d += length
        }
        guard d == dstCount else {
            throw IngestError(.badCompression,
                              "snappy: input ended after \(d) of the declared \(dstCount) bytes", offset: s)
        }
    }

    /// The error for an element that would write past the declared length.
    static func overrun(d: Int, dstCount: Int, srcCount: Int, at s: Int) -> IngestError {
        if d == dstCount {
            return IngestError(.badCompression,
                               "snappy: \(srcCount - s) bytes left over after the declared \(dstCount) bytes", offset: s)
        }
        return IngestError(.badCompression,
                           "snappy: element writes past the declared length \(dstCount) (at output byte \(d))", offset: s)
    }
}
