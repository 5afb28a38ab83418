/// Decoding state for one chunk. Holds positions, not the bytes, so the same code serves
/// arrays and raw (e.g. memory-mapped) buffers; every call must pass the same buffer.
///
/// The per-sample steps are static functions over small state structs so that the bulk loop
/// (`decodeRemaining`) keeps all state in registers; they report damage as a status code
/// rather than throwing, and the error is built once, outside the loop.
struct ChunkDecoder: Sendable {
    let count: Int
    let scheme: ValueScheme
    let divisor: Double
    /// Samples decoded so far.
    var index = 0
    /// Next bit to read.
    var pos: Int
    var firstTime: Int64 = 0
    var time = TimeState()
    var xor = XORValueState()
    var dec = DecimalValueState()

    init(header bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count >= XORChunk.headerSize else {
            throw TSDBError(.corrupted, "XOR chunk of \(bytes.count) bytes is shorter than its \(XORChunk.headerSize)-byte header")
        }
        guard let s = ValueScheme(code: bytes[0]) else {
            throw TSDBError(.corrupted, "XOR chunk header has unknown value scheme \(bytes[0])")
        }
        let n = Int(bytes[1]) << 8 | Int(bytes[2])
        // Every sample takes at least two bits, so a larger count cannot be right; checking
        // here also keeps a damaged count from reserving memory for samples that are not there.
        let available = (bytes.count - XORChunk.headerSize) * 8
        guard n * 2 <= available else {
            throw TSDBError(.corrupted, "XOR chunk header claims \(n) samples but only \(available) bits follow")
        }
        self.count = n
        self.scheme = s
        self.divisor = s.divisor
        self.pos = XORChunk.headerSize * 8
    }

    /// Why a step failed; `ok` when it did not.
    enum Status: UInt8 {
        case ok, badVarint, timeNotIncreasing, widthBeforeSet, windowBeforeSet, windowTooWide
    }

    @inline(never)
    func error(_ status: Status, at sample: Int, pos: Int, endBit: Int) -> TSDBError {
        let what: String
        if pos > endBit {
            what = "truncated: needs bit \(pos) but the chunk has \(endBit)"
        } else {
            switch status {
            case .ok: what = "no error"
            case .badVarint: what = "bad varint in timestamp"
            case .timeNotIncreasing: what = "timestamp does not increase"
            case .widthBeforeSet: what = "reuses a field width before any was set"
            case .windowBeforeSet: what = "reuses an XOR window before any was set"
            case .windowTooWide: what = "XOR window wider than 64 bits"
            }
        }
        return TSDBError(.corrupted, "XOR chunk sample \(sample) of \(count): \(what)")
    }

    /// Decodes the next sample, or returns nil after the last.
    mutating func next(_ bytes: UnsafeRawBufferPointer) throws -> Sample? {
        if index >= count { return nil }
        var r = BitReader(bytes, pos: pos)
        var status = index < 2 ? readFirstTimes(&r) : Self.stepTime(&r, &time)
        var v = 0.0
        if status == .ok {
            switch scheme {
            case .xor:
                if index == 0 {
                    xor.bits = r.read(64)
                    v = Double(bitPattern: xor.bits)
                } else {
                    status = Self.stepXOR(&r, &xor, &v)
                }
            case .decimal:
                status = Self.stepDecimal(&r, &dec, divisor, &v)
            }
        }
        guard status == .ok, r.pos <= r.endBit else { throw error(status, at: index, pos: r.pos, endBit: r.endBit) }
        pos = r.pos
        index += 1
        return Sample(t: time.t, v: v)
    }

    /// Decodes up to `limit` of the remaining samples into `dst`; returns how many it wrote.
    mutating func decode(_ bytes: UnsafeRawBufferPointer, into dst: UnsafeMutablePointer<Sample>, limit: Int) throws -> Int {
        var out = dst
        let n = Swift.min(count, index + limit)
        // The first two samples use varints and a raw value; the general path handles them.
        while index < Swift.min(2, n) {
            if let s = try next(bytes) {
                out.initialize(to: s)
                out += 1
            }
        }
        if index >= n { return out - dst }
        var r = BitReader(bytes, pos: pos)
        var ts = time
        var i = index
        var status = Status.ok
        switch scheme {
        case .xor:
            var xs = xor
            while i < n {
                var v = 0.0
                status = Self.stepTime(&r, &ts)
                if status != .ok { break }
                status = Self.stepXOR(&r, &xs, &v)
                if status != .ok { break }
                out.initialize(to: Sample(t: ts.t, v: v))
                out += 1
                i += 1
            }
            xor = xs
        case .decimal:
            var ds = dec
            let div = divisor
            while i < n {
                var v = 0.0
                status = Self.stepTime(&r, &ts)
                if status != .ok { break }
                status = Self.stepDecimal(&r, &ds, div, &v)
                if status != .ok { break }
                out.initialize(to: Sample(t: ts.t, v: v))
                out += 1
                i += 1
            }
            dec = ds
        }
        // Reads past the end see zeros and stay in bounds, so truncation is checked once here.
        guard status == .ok, r.pos <= r.endBit else {
            throw error(status, at: i, pos: r.pos, endBit: r.endBit)
        }
        time = ts
        index = i
        pos = r.pos
        return out - dst
    }

    /// Sample 0: zigzag varint time; sample 1: unsigned varint delta.
    mutating func readFirstTimes(_ r: inout BitReader) -> Status {
        guard let u = r.readUVarint() else { return .badVarint }
        if index == 0 {
            time.t = unzigzag(u)
            firstTime = time.t
            return .ok
        }
        let d = Int64(bitPattern: u)
        let t = time.t &+ d
        guard t > time.t else { return .timeNotIncreasing }
        time.delta = d
        time.t = t
        return .ok
    }

    /// Reads `width` bits that follow a `skip`-bit code (whose bits the caller has loaded),
    /// consuming both.
    @inline(__always)
    static func field(_ r: inout BitReader, skip: Int, width: Int) -> UInt64 {
        let n = skip &+ width
        if n <= BitReader.maxNeed {
            r.need(n)
            let v = (r.buf &<< UInt64(truncatingIfNeeded: skip)) &>> UInt64(truncatingIfNeeded: 64 &- width)
            r.consume(n)
            return v
        }
        r.consume(skip)
        return r.read(width)
    }

    /// One delta-of-delta: '0' = 0; '10' + current width; '11' + 6-bit width (0 = 64) + bits.
    @inline(__always)
    static func stepTime(_ r: inout BitReader, _ s: inout TimeState) -> Status {
        r.need(8)
        let w = r.buf
        var dod: Int64 = 0
        if w & (1 << 63) == 0 {
            r.consume(1)
        } else {
            var width = s.width
            var skip = 2
            if w & (1 << 62) != 0 {
                let code = Int((w &>> 56) & 63)
                width = code == 0 ? 64 : code
                s.width = width
                skip = 8
            } else if width == 0 {
                return .widthBeforeSet
            }
            dod = unzigzag(field(&r, skip: skip, width: width))
        }
        let d = s.delta &+ dod
        let t = s.t &+ d
        guard t > s.t else { return .timeNotIncreasing }
        s.delta = d
        s.t = t
        return .ok
    }

    /// One decimal value: '0' = repeat the last delta (or the last raw value right after one);
    /// '10' + current width; '11' + 6-bit width + bits; '11' + 000000 + 64-bit raw value.
    @inline(__always)
    static func stepDecimal(_ r: inout BitReader, _ s: inout DecimalValueState, _ divisor: Double, _ v: inout Double) -> Status {
        r.need(8)
        let w = r.buf
        if w & (1 << 63) == 0 {
            r.consume(1)
            if s.lastWasEscape {
                v = Double(bitPattern: s.escapeBits)
                return .ok
            }
        } else {
            var width = s.width
            var skip = 2
            if w & (1 << 62) != 0 {
                let code = Int((w &>> 56) & 63)
                if code == 0 {
                    r.consume(8)
                    s.escapeBits = r.read(64)
                    s.lastWasEscape = true
                    v = Double(bitPattern: s.escapeBits)
                    return .ok
                }
                width = code
                s.width = code
                skip = 8
            } else if width == 0 {
                return .widthBeforeSet
            }
            s.delta = unzigzag(field(&r, skip: skip, width: width))
            s.lastWasEscape = false
        }
        s.m &+= s.delta
        v = Double(s.m) / divisor
        return .ok
    }

    /// One XOR value after the first: '0' = same; '10' + bits in the current window;
    /// '11' + 5-bit leading zeros + 6-bit length (0 = 64) + bits, setting a new window.
    @inline(__always)
    static func stepXOR(_ r: inout BitReader, _ s: inout XORValueState, _ v: inout Double) -> Status {
        r.need(13)
        let w = r.buf
        if w & (1 << 63) == 0 {
            r.consume(1)
        } else if w & (1 << 62) == 0 {
            guard s.sig > 0 else { return .windowBeforeSet }
            let payload = field(&r, skip: 2, width: s.sig)
            s.bits ^= payload &<< UInt64(truncatingIfNeeded: 64 &- s.leading &- s.sig)
        } else {
            let lead = Int((w &>> 57) & 31)
            let code = Int((w &>> 51) & 63)
            let sig = code == 0 ? 64 : code
            guard lead &+ sig <= 64 else { return .windowTooWide }
            s.leading = lead
            s.sig = sig
            let payload = field(&r, skip: 13, width: sig)
            s.bits ^= payload &<< UInt64(truncatingIfNeeded: 64 &- lead &- sig)
        }
        v = Double(bitPattern: s.bits)
        return .ok
    }
}
