/// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for pseudonymising user ids.
///
/// Written here rather than taken from swift-crypto: that package brings its own copy of
/// BoringSSL into the server binary for one 100-line primitive. Checked against FIPS and RFC
/// 4231 test vectors and Python's `hmac` in the tests.
struct SHA256: Sendable {
    /// The chaining state: eight 32-bit words.
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    /// Bytes absorbed in whole blocks so far.
    private var absorbed: UInt64 = 0

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// Absorbs exactly one 64-byte block (for the HMAC key pads).
    mutating func absorbBlock(_ block: [UInt8]) {
        precondition(block.count == 64)
        block.withUnsafeBytes { compress($0.baseAddress!) }
        absorbed += 64
    }

    /// The digest of everything absorbed followed by `message`, with the final padding.
    /// The state itself is left unchanged, so one keyed state serves many messages.
    func digest(appending message: UnsafeRawBufferPointer) -> [UInt8] {
        var s = self
        var offset = 0
        while message.count - offset >= 64 {
            s.compress(message.baseAddress! + offset)
            offset += 64
        }
        let rest = message.count - offset
        let bits = (absorbed + UInt64(message.count)) &* 8
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
            tail.initialize(repeating: 0)
            for i in 0..<rest { tail[i] = message[offset + i] }
            tail[rest] = 0x80
            let blocks = rest + 9 > 64 ? 2 : 1
            for i in 0..<8 { tail[blocks * 64 - 1 - i] = UInt8(truncatingIfNeeded: bits >> UInt64(8 * i)) }
            for b in 0..<blocks { s.compress(UnsafeRawPointer(tail.baseAddress! + 64 * b)) }
        }
        var out = [UInt8](repeating: 0, count: 32)
        let words = [s.h.0, s.h.1, s.h.2, s.h.3, s.h.4, s.h.5, s.h.6, s.h.7]
        for (i, w) in words.enumerated() {
            out[4 * i] = UInt8(w >> 24)
            out[4 * i + 1] = UInt8(truncatingIfNeeded: w >> 16)
            out[4 * i + 2] = UInt8(truncatingIfNeeded: w >> 8)
            out[4 * i + 3] = UInt8(truncatingIfNeeded: w)
        }
        return out
    }

    static func hash(_ data: [UInt8]) -> [UInt8] {
        data.withUnsafeBytes { SHA256().digest(appending: $0) }
    }

    private mutating func compress(_ block: UnsafeRawPointer) {
        // The message schedule lives on the stack: this runs twice per pseudonymised id.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 {
                let p = block + 4 * i
                w[i] = UInt32(p.load(as: UInt8.self)) << 24 | UInt32(p.load(fromByteOffset: 1, as: UInt8.self)) << 16
                    | UInt32(p.load(fromByteOffset: 2, as: UInt8.self)) << 8 | UInt32(p.load(fromByteOffset: 3, as: UInt8.self))
            }
            for i in 16..<64 {
                let s0 = w[i - 15].rotatedRight(7) ^ w[i - 15].rotatedRight(18) ^ (w[i - 15] >> 3)
                let s1 = w[i - 2].rotatedRight(17) ^ w[i - 2].rotatedRight(19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = h
            SHA256.k.withUnsafeBufferPointer { k in
                for i in 0..<64 {
                    let s1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                    let s0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    hh = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
        }
    }
}

extension UInt32 {
    @inline(__always) fileprivate func rotatedRight(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}

/// HMAC-SHA256 with a fixed key. The key's inner and outer pad blocks are absorbed once, so a
/// short message costs two compressions. Safe to share: it holds only immutable state.
struct HMACSHA256: Sendable {
    private let inner: SHA256
    private let outer: SHA256

    init(key: [UInt8]) {
        var k = key.count > 64 ? SHA256.hash(key) : key
        k += [UInt8](repeating: 0, count: 64 - k.count)
        var i = SHA256(), o = SHA256()
        i.absorbBlock(k.map { $0 ^ 0x36 })
        o.absorbBlock(k.map { $0 ^ 0x5c })
        inner = i
        outer = o
    }

    func mac(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        let innerDigest = inner.digest(appending: message)
        return innerDigest.withUnsafeBytes { outer.digest(appending: $0) }
    }

    func mac(_ message: [UInt8]) -> [UInt8] { message.withUnsafeBytes { mac($0) } }

    /// The MAC of a string's UTF-8 bytes in lowercase hex (64 characters).
    func hex(_ message: String) -> String {
        var m = message
        let digest = m.withUTF8 { mac(UnsafeRawBufferPointer($0)) }
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 64) { out in
            for (i, b) in digest.enumerated() {
                out[2 * i] = digits.utf8Start[Int(b >> 4)]
                out[2 * i + 1] = digits.utf8Start[Int(b & 15)]
            }
            return 64
        }
    }
}
