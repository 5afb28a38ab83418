import TSDB

/// A fast 64-bit hash of a label list, for caches that map wire labels to series.
///
/// Built from a multiply-fold mixer (128-bit product, high half xor low half) over 8-byte words,
/// in the style of wyhash. Each name and value is hashed with its length and its role, so the
/// lists `[("ab","c")]` and `[("a","bc")]` hash differently. Order matters: the same pairs in
/// another order give another hash. Not cryptographic: a cache must still compare the bytes
/// (`DecodedWriteRequest.rawLabelsEqual`) before trusting a match.
///
/// `SeriesEntry.labelsHash` from the decoder equals `LabelHash.hash(_:)` of `labels(of:)` when
/// the wire bytes are valid UTF-8.
public enum LabelHash {
    static let seed: UInt64 = 0x243f_6a88_85a3_08d3
    static let k0: UInt64 = 0xa076_1d64_78bd_642f
    static let k1: UInt64 = 0xe703_7ed1_a0b4_28db
    static let k2: UInt64 = 0x8ebc_6af0_9c88_c6e3
    static let k3: UInt64 = 0x5899_65cc_7537_4cc3

    @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return high ^ low
    }

    /// Mixes `bytes` into `state`, reading only inside them.
    @inline(__always)
    static func mix(_ bytes: UnsafeRawBufferPointer, into state: UInt64) -> UInt64 {
        let n = bytes.count
        guard let p = bytes.baseAddress, n > 0 else { return fold(k2, state ^ k3) }
        var h = state ^ (UInt64(truncatingIfNeeded: n) &* k0)
        var i = 0
        while n - i >= 16 {
            h = fold(p.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ k1,
                     p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self) ^ h)
            i += 16
        }
        var a: UInt64 = 0
        var b: UInt64 = 0
        let rest = n - i
        if rest >= 8 {
            // 8...15 bytes: two overlapping words cover them.
            a = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            b = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else if rest >= 4 {
            a = UInt64(p.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            b = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
        } else if rest > 0 {
            // 1...3 bytes: first, middle and last byte.
            a = UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << 16
                | UInt64(p.load(fromByteOffset: i + rest / 2, as: UInt8.self)) << 8
                | UInt64(p.load(fromByteOffset: n - 1, as: UInt8.self))
        }
        // The state enters both factors so no fixed input word can zero the product.
        return fold(a ^ h ^ k2, b ^ h ^ k3)
    }

    /// Mixes one label pair into `state`.
    @inline(__always)
    static func mixPair(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, into state: UInt64) -> UInt64 {
        mix(value, into: mix(name, into: state ^ k1) ^ k2)
    }

    /// The final avalanche step, so close inputs spread over all 64 bits.
    @inline(__always)
    static func finish(_ state: UInt64, count: Int) -> UInt64 {
        fold(state ^ k0, UInt64(truncatingIfNeeded: count) ^ k3)
    }

    /// Hash of a label list in the given order, equal to the decoder's `labelsHash` for the same
    /// pairs in the same order.
    public static func hash(_ labels: [Label]) -> UInt64 {
        var h = seed
        for label in labels {
            var name = label.name
            var value = label.value
            h = name.withUTF8 { n in
                value.withUTF8 { v in mixPair(name: UnsafeRawBufferPointer(n), value: UnsafeRawBufferPointer(v), into: h) }
            }
        }
        return finish(h, count: labels.count)
    }
}
