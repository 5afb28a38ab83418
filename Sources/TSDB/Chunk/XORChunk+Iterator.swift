extension XORChunk {
    /// Reads a chunk's samples one at a time, in time order.
    ///
    /// `next()` throws `TSDBError(.corrupted)` on damaged bytes; after a throw, or after the
    /// last sample, it returns nil. A value type holding its own reference to the bytes.
    public struct Iterator: Sendable {
        let bytes: [UInt8]
        var decoder: ChunkDecoder
        var finished = false

        /// An iterator over encoded chunk bytes; checks only the header (the rest is checked
        /// as it is read).
        public init(bytes: [UInt8]) throws {
            self.bytes = bytes
            self.decoder = try bytes.withUnsafeBytes { try ChunkDecoder(header: $0) }
        }

        /// The next sample, or nil when all have been read.
        public mutating func next() throws -> Sample? {
            if finished { return nil }
            do {
                let s = try bytes.withUnsafeBytes { try decoder.next($0) }
                if s == nil { finished = true }
                return s
            } catch {
                finished = true
                throw error
            }
        }
    }

    /// An iterator over this chunk's samples.
    public func makeIterator() -> Iterator {
        do {
            return try Iterator(bytes: bytes)
        } catch {
            preconditionFailure("XORChunk has an invalid header of its own making: \(error)")
        }
    }

    /// Appends this chunk's samples to `out`.
    public func decode(into out: inout [Sample]) throws {
        try bytes.withUnsafeBytes { try Self.decode($0, into: &out) }
    }

    /// Decodes every sample of an encoded chunk (for instance straight from a memory-mapped
    /// file). Throws `TSDBError(.corrupted)` on damaged bytes. Bytes after the last sample are
    /// ignored: the header's count says where the chunk ends.
    public static func decodeAll(_ bytes: UnsafeRawBufferPointer) throws -> [Sample] {
        var d = try ChunkDecoder(header: bytes)
        return try [Sample](unsafeUninitializedCapacity: d.count) { buf, initialized in
            guard let base = buf.baseAddress else { return }
            // Sample is trivial, so nothing needs cleaning up if this throws half way.
            initialized = try d.decode(bytes, into: base, limit: d.count)
        }
    }

    /// Appends every sample of an encoded chunk to `out`, which callers may reuse across chunks
    /// to avoid allocating. On a throw, `out` is left as it was before the call.
    public static func decode(_ bytes: UnsafeRawBufferPointer, into out: inout [Sample]) throws {
        var d = try ChunkDecoder(header: bytes)
        if d.count == 0 { return }
        let start = out.count
        let needed = start + d.count
        // Grow geometrically: reserving exactly per chunk would copy the array on every call.
        if out.capacity < needed { out.reserveCapacity(Swift.max(needed, out.capacity * 2)) }
        do {
            // Arrays cannot grow uninitialised, so decode in batches on the stack and copy.
            try withUnsafeTemporaryAllocation(of: Sample.self, capacity: Swift.min(d.count, 1024)) { tmp in
                guard let base = tmp.baseAddress else { return }
                while d.index < d.count {
                    let n = try d.decode(bytes, into: base, limit: tmp.count)
                    out.append(contentsOf: UnsafeBufferPointer(start: base, count: n))
                }
            }
        } catch {
            out.removeSubrange(start...)
            throw error
        }
    }

    /// The sample count recorded in an encoded chunk's header (after validating the header).
    public static func sampleCount(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        try ChunkDecoder(header: bytes).count
    }
}

