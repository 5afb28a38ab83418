import Foundation
@testable import Ingest
import TSDB

/// SplitMix64: a tiny seeded generator so property tests are repeatable.
struct RemoteWriteTestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func bytes(_ n: Int) -> [UInt8] {
        (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

/// A minimal protobuf writer for building test messages by hand, including malformed ones.
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ field: UInt64, _ wire: UInt64) { varint(field << 3 | wire) }

    mutating func lengthDelimited(_ field: UInt64, _ payload: [UInt8]) {
        key(field, 2)
        varint(UInt64(payload.count))
        bytes += payload
    }

    mutating func string(_ field: UInt64, _ s: String) { lengthDelimited(field, Array(s.utf8)) }

    mutating func fixed64(_ field: UInt64, _ v: UInt64) {
        key(field, 1)
        withUnsafeBytes(of: v.littleEndian) { bytes += $0 }
    }

    mutating func fixed32(_ field: UInt64, _ v: UInt32) {
        key(field, 5)
        withUnsafeBytes(of: v.littleEndian) { bytes += $0 }
    }

    mutating func varintField(_ field: UInt64, _ v: UInt64) {
        key(field, 0)
        varint(v)
    }

    static func label(_ name: String, _ value: String) -> [UInt8] {
        var w = ProtoWriter()
        w.string(1, name)
        w.string(2, value)
        return w.bytes
    }

    static func sample(_ v: Double, _ t: Int64) -> [UInt8] {
        var w = ProtoWriter()
        w.fixed64(1, v.bitPattern)
        w.varintField(2, UInt64(bitPattern: t))
        return w.bytes
    }

    static func series(_ labels: [(String, String)], _ samples: [(Double, Int64)]) -> [UInt8] {
        var w = ProtoWriter()
        for (n, v) in labels { w.lengthDelimited(1, label(n, v)) }
        for (v, t) in samples { w.lengthDelimited(2, sample(v, t)) }
        return w.bytes
    }

    static func request(_ series: [[UInt8]]) -> [UInt8] {
        var w = ProtoWriter()
        for s in series { w.lengthDelimited(1, s) }
        return w.bytes
    }
}

func hexBytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = hex.startIndex
    while i < hex.endIndex {
        let j = hex.index(i, offsetBy: 2)
        out.append(UInt8(hex[i..<j], radix: 16) ?? 0)
        i = j
    }
    return out
}
