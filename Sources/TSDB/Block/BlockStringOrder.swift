#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The order of strings in a block: by their UTF-8 bytes (which is Unicode code point order).
///
/// Why not `String <`: Swift compares strings up to canonical equivalence, which makes "é" and
/// "e\u{301}" equal and, for some non-normalized strings, is not even a total order (neither
/// `"é-" < "e\u{301}"` nor the reverse nor `==` holds). Files need one exact, stable order, so
/// blocks store, sort, deduplicate and look up strings by bytes. For NFC strings (all ASCII
/// label names and nearly all values in practice) this is the same order as `String <`.
enum BlockStringOrder {
    /// Negative, zero or positive as `a` sorts before, equal to, or after `b`, by UTF-8 bytes.
    static func compare(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { pa in b.withUTF8 { pb in compare(UnsafeRawBufferPointer(pa), UnsafeRawBufferPointer(pb)) } }
    }

    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let c = memcmp(pa, pb, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }

    static func less(_ a: String, _ b: String) -> Bool { compare(a, b) < 0 }

    /// Label sets by bytes: pair by pair (name, then value), a prefix first.
    static func less(_ a: Labels, _ b: Labels) -> Bool {
        for (x, y) in zip(a.pairs, b.pairs) {
            let n = compare(x.name, y.name)
            if n != 0 { return n < 0 }
            let v = compare(x.value, y.value)
            if v != 0 { return v < 0 }
        }
        return a.count < b.count
    }
}

/// A string hashed and compared by its UTF-8 bytes, so canonically-equivalent but different
/// strings stay distinct (Swift's `String ==` would merge them).
struct UTF8Key: Hashable {
    let string: String

    static func == (a: UTF8Key, b: UTF8Key) -> Bool {
        BlockStringOrder.compare(a.string, b.string) == 0
    }

    func hash(into h: inout Hasher) {
        var s = string
        s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
