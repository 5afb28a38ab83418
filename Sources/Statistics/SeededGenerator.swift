import RealModule

/// A seeded pseudo-random generator: xoshiro256** (Blackman and Vigna, 2018), its 256-bit
/// state filled from the 64-bit seed by SplitMix64, as the authors recommend.
///
/// The same seed gives the same sequence on every platform and Swift version (unlike
/// `SystemRandomNumberGenerator`, and unlike `Int.random(in:using:)`, whose reduction is not
/// specified), so bootstrap intervals, isolation forests and simulated forecast intervals are
/// reproducible. A value type: copy it to fork the sequence; not for cryptography.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A uniform Double in [0, 1): the top 53 bits of `next()` times 2⁻⁵³.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform integer in 0..<bound (bound > 0), by Lemire's multiply-and-reject method, so
    /// no value is favoured.
    public mutating func next(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A standard normal draw (Box-Muller on two `nextDouble()`s; the second is discarded so
    /// the state advances by exactly two words per draw).
    public mutating func nextGaussian() -> Double {
        let u1 = 1 - nextDouble()  // in (0, 1], so the log is finite
        let u2 = nextDouble()
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
