import DiskIO

/// Encoders and decoders of segment columns (docs/format/events.md, "Columns"). Every
/// decoder reads through `ByteReader` and is told the row count by the segment's table of
/// contents, so damaged bytes throw `.corrupted` instead of trapping or over-allocating.
enum ColumnCoding {
    // MARK: small unsigned integers (term, user and property value ids)

    /// The first byte of an id column.
    enum IntEncoding: UInt8 {
        /// `u8 width`, then `count` values of `width` bits each, least significant bit first.
        case bitPacked = 0
        /// `uvarint runs`, then per run `uvarint value`, `uvarint length`.
        case runLength = 1
    }

    /// Encodes `values` bit-packed or run-length, whichever is smaller.
    static func encodeIDs(_ values: [UInt32], into out: inout [UInt8]) {
        var runs: [(UInt32, Int)] = []
        var rleBytes = 0
        var maxValue: UInt32 = 0
        for v in values {
            maxValue = max(maxValue, v)
            if let last = runs.last, last.0 == v {
                runs[runs.count - 1].1 += 1
            } else {
                if let last = runs.last { rleBytes += uvarintSize(UInt64(last.0)) + uvarintSize(UInt64(last.1)) }
                runs.append((v, 1))
            }
            // Give up on run-length early when it is clearly losing.
            if runs.count > values.count / 4 + 8 { runs.removeAll(); rleBytes = .max / 2; break }
        }
        if let last = runs.last { rleBytes += uvarintSize(UInt64(last.0)) + uvarintSize(UInt64(last.1)) }
        if runs.isEmpty { maxValue = values.max() ?? 0 }
        let width = maxValue == 0 ? 0 : 32 - maxValue.leadingZeroBitCount
        let packedBytes = (values.count * width + 7) / 8 + 1
        if !runs.isEmpty && rleBytes + uvarintSize(UInt64(runs.count)) < packedBytes {
            out.append(IntEncoding.runLength.rawValue)
            ByteWriter.appendUvarint(UInt64(runs.count), to: &out)
            for (v, n) in runs {
                ByteWriter.appendUvarint(UInt64(v), to: &out)
                ByteWriter.appendUvarint(UInt64(n), to: &out)
            }
            return
        }
        out.append(IntEncoding.bitPacked.rawValue)
        out.append(UInt8(width))
        guard width > 0 else { return }
        var acc: UInt64 = 0
        var bits = 0
        out.reserveCapacity(out.count + packedBytes)
        for v in values {
            acc |= UInt64(v) << UInt64(bits)
            bits += width
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: acc))
                acc >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: acc)) }
    }

    static func decodeIDs(_ r: inout ByteReader, count: Int) throws -> [UInt32] {
        let tag = try r.uint8()
        switch IntEncoding(rawValue: tag) {
        case .bitPacked:
            let width = Int(try r.uint8())
            guard width <= 32 else { throw r.failure("bit width \(width) over 32") }
            if width == 0 { return [UInt32](repeating: 0, count: count) }
            let raw = try r.bytes((count * width + 7) / 8)
            return unpack(raw, count: count, width: width)
        case .runLength:
            let runs = try r.uvarint()
            guard runs <= UInt64(r.remaining / 2) else { throw r.failure("\(runs) runs cannot fit") }
            var out: [UInt32] = []
            out.reserveCapacity(count)
            for _ in 0..<runs {
                let v = try r.uvarint(), n = try r.uvarint()
                guard v <= UInt64(UInt32.max), n <= UInt64(count - out.count) else {
                    throw r.failure("run of \(n) x \(v) does not fit \(count) rows")
                }
                out.append(contentsOf: repeatElement(UInt32(v), count: Int(n)))
            }
            guard out.count == count else { throw r.failure("runs cover \(out.count) of \(count) rows") }
            return out
        case nil:
            throw r.failure("unknown id column encoding \(tag)")
        }
    }

    /// Unpacks `count` values of `width` bits, reading 8 bytes at a time where it can.
    private static func unpack(_ raw: UnsafeRawBufferPointer, count: Int, width: Int) -> [UInt32] {
        let mask = width == 32 ? UInt64(UInt32.max) : (UInt64(1) << UInt64(width)) - 1
        return [UInt32](unsafeUninitializedCapacity: count) { buf, initialized in
            var bit = 0
            for i in 0..<count {
                let byte = bit >> 3, shift = UInt64(bit & 7)
                var word: UInt64
                if byte + 8 <= raw.count {
                    word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
                } else {
                    word = 0
                    for k in 0..<(raw.count - byte) { word |= UInt64(raw[byte + k]) << UInt64(8 * k) }
                }
                buf[i] = UInt32(truncatingIfNeeded: (word >> shift) & mask)
                bit += width
            }
            initialized = count
        }
    }

    static func uvarintSize(_ v: UInt64) -> Int {
        v == 0 ? 1 : (64 - v.leadingZeroBitCount + 6) / 7
    }

    // MARK: timestamps

    /// The first timestamp as a varint, then each difference to the previous as a uvarint
    /// (rows are in time order, so differences are never negative).
    static func encodeTimestamps(_ ts: [Int64], into out: inout [UInt8]) {
        var previous: Int64 = 0
        for (i, t) in ts.enumerated() {
            if i == 0 {
                ByteWriter.appendVarint(t, to: &out)
            } else {
                ByteWriter.appendUvarint(UInt64(bitPattern: t &- previous), to: &out)
            }
            previous = t
        }
    }

    static func decodeTimestamps(_ r: inout ByteReader, count: Int) throws -> [Int64] {
        guard count > 0 else { return [] }
        guard count <= r.remaining else { throw r.failure("\(count) timestamps cannot fit") }
        var out = [Int64](repeating: 0, count: count)
        var t = try r.varint()
        out[0] = t
        for i in 1..<count {
            t &+= Int64(bitPattern: try r.uvarint())
            out[i] = t
        }
        return out
    }

    // MARK: values

    enum ValueEncoding: UInt8 {
        /// No event has a value.
        case none = 0
        /// Presence bitmap, then each present value's 8 bytes.
        case raw = 1
        /// Presence bitmap, `u8 k`, then each present value times 10^k as a zigzag varint.
        case decimal = 2
    }

    /// Values with `nil` as absent. Prices and durations (9.99, 45.3) are exact decimals with
    /// few digits, so they are written as scaled integers when that round-trips bit for bit.
    static func encodeValues(_ values: [Double?], into out: inout [UInt8]) {
        let present = values.compactMap { $0 }
        guard !present.isEmpty else { out.append(ValueEncoding.none.rawValue); return }
        var scale: Int?
        search: for k in 0...6 {
            let f = pow10[k]
            for v in present {
                let scaled = (v * f).rounded()
                // Exact only if decoding (integer / 10^k) gives back the very same bits (-0.0 does not).
                guard abs(scaled) < 9.0e15, (Double(Int64(scaled)) / f).bitPattern == v.bitPattern else { continue search }
            }
            scale = k
            break
        }
        out.append(scale == nil ? ValueEncoding.raw.rawValue : ValueEncoding.decimal.rawValue)
        var bitmap = [UInt8](repeating: 0, count: (values.count + 7) / 8)
        for (i, v) in values.enumerated() where v != nil { bitmap[i >> 3] |= 1 << UInt8(i & 7) }
        out.append(contentsOf: bitmap)
        if let scale {
            out.append(UInt8(scale))
            for v in present { ByteWriter.appendVarint(Int64((v * pow10[scale]).rounded()), to: &out) }
        } else {
            for v in present { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
    }

    private static let pow10: [Double] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000]

    /// Values with `Double.nan` where absent.
    static func decodeValues(_ r: inout ByteReader, count: Int) throws -> [Double] {
        let tag = try r.uint8()
        guard let encoding = ValueEncoding(rawValue: tag) else { throw r.failure("unknown value encoding \(tag)") }
        if encoding == .none { return [Double](repeating: .nan, count: count) }
        let bitmap = try r.bytes((count + 7) / 8)
        var scale = 1.0
        if encoding == .decimal {
            let k = Int(try r.uint8())
            guard k < pow10.count else { throw r.failure("decimal scale \(k) out of range") }
            scale = pow10[k]
        }
        var out = [Double](repeating: .nan, count: count)
        for i in 0..<count where bitmap[i >> 3] & (1 << UInt8(i & 7)) != 0 {
            out[i] = encoding == .decimal ? Double(try r.varint()) / scale : Double(bitPattern: try r.uint64())
        }
        return out
    }

    // MARK: property columns

    enum PropertyEncoding: UInt8 {
        /// An id column over every row (0 where the event lacks the property).
        case dense = 0
        /// `uvarint n`, the rows having it as uvarint gaps, then an id column of their n values.
        case sparse = 1
    }

    /// Writes whichever of dense or sparse is smaller for this property.
    static func encodeProperty(_ column: [UInt32], into out: inout [UInt8]) {
        var dense: [UInt8] = [PropertyEncoding.dense.rawValue]
        encodeIDs(column, into: &dense)
        var sparse: [UInt8] = [PropertyEncoding.sparse.rawValue]
        let rows = column.indices.filter { column[$0] != 0 }
        if rows.count * 4 < column.count {
            ByteWriter.appendUvarint(UInt64(rows.count), to: &sparse)
            var previous = 0
            for row in rows {
                ByteWriter.appendUvarint(UInt64(row - previous), to: &sparse)
                previous = row
            }
            encodeIDs(rows.map { column[$0] }, into: &sparse)
        }
        out.append(contentsOf: sparse.count > 1 && sparse.count < dense.count ? sparse : dense)
    }

    static func decodeProperty(_ r: inout ByteReader, count: Int) throws -> [UInt32] {
        let tag = try r.uint8()
        switch PropertyEncoding(rawValue: tag) {
        case .dense:
            return try decodeIDs(&r, count: count)
        case .sparse:
            let n = try r.uvarint()
            guard n <= UInt64(count) else { throw r.failure("\(n) rows of \(count) have the property") }
            var rows: [Int] = []
            rows.reserveCapacity(Int(n))
            var row = 0
            for _ in 0..<n {
                row += Int(clamping: try r.uvarint())
                guard row < count else { throw r.failure("property row \(row) past \(count) rows") }
                rows.append(row)
            }
            let values = try decodeIDs(&r, count: rows.count)
            var out = [UInt32](repeating: 0, count: count)
            for (i, row) in rows.enumerated() { out[row] = values[i] }
            return out
        case nil:
            throw r.failure("unknown property encoding \(tag)")
        }
    }

    // MARK: string lists (event ids, user table)

    static func encodeStrings(_ strings: [String], into out: inout [UInt8]) {
        for s in strings { ByteWriter.appendString(s, to: &out) }
    }

    static func decodeStrings(_ r: inout ByteReader, count: Int) throws -> [String] {
        guard count <= r.remaining else { throw r.failure("\(count) strings cannot fit") }
        var out: [String] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try r.string()) }
        return out
    }
}
