import Testing
@testable import TSDB

private struct PostingsRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A sorted list of distinct ids below `range`, of a random density, sometimes tiny or empty.
private func randomList<T: BinaryInteger>(_ rng: inout PostingsRNG, _ range: Int, maxCount: Int) -> [T] {
    let n = Int.random(in: 0...maxCount, using: &rng)
    return Set((0..<n).map { _ in Int.random(in: 0..<range, using: &rng) }).sorted().map { T($0) }
}

@Suite struct PostingsMathTests {
    func check<T: BinaryInteger & Hashable>(_ type: T.Type, seed: UInt64) {
        var rng = PostingsRNG(state: seed)
        for _ in 0..<500 {
            let range = Int.random(in: 1...5000, using: &rng)
            // Mix long and short lists so both the merge and the galloping paths run.
            let a: [T] = randomList(&rng, range, maxCount: Bool.random(using: &rng) ? 3000 : 20)
            let b: [T] = randomList(&rng, range, maxCount: Bool.random(using: &rng) ? 3000 : 20)
            let c: [T] = randomList(&rng, range, maxCount: 200)
            let sa = Set(a), sb = Set(b), sc = Set(c)
            #expect(PostingsMath.intersect(a, b) == sa.intersection(sb).sorted())
            #expect(PostingsMath.intersect(b, a) == sa.intersection(sb).sorted())
            #expect(PostingsMath.union(a, b) == sa.union(sb).sorted())
            #expect(PostingsMath.subtract(a, b) == sa.subtracting(sb).sorted())
            #expect(PostingsMath.subtract(b, a) == sb.subtracting(sa).sorted())
            #expect(PostingsMath.intersect([a, b, c]) == sa.intersection(sb).intersection(sc).sorted())
            #expect(PostingsMath.union([a, b, c, [], a]) == sa.union(sb).union(sc).sorted())
        }
        #expect(PostingsMath.intersect([[T]]()) == [])
        #expect(PostingsMath.union([[T]]()) == [])
        #expect(PostingsMath.union([[T(3)]]) == [3])
    }

    @Test func uint32() { check(UInt32.self, seed: 1) }
    @Test func uint64() { check(UInt64.self, seed: 2) }

    @Test func gallopingEdges() {
        let long = Array(stride(from: UInt32(0), to: 100_000, by: 3))
        for x: [UInt32] in [[0], [99_999], [99_998], [1, 2, 3], [0, 3, 99_996, 200_000], [150_000]] {
            #expect(PostingsMath.intersect(x, long) == x.filter { $0 % 3 == 0 && $0 < 100_000 })
            #expect(PostingsMath.subtract(x, long) == x.filter { !($0 % 3 == 0 && $0 < 100_000) })
        }
    }
}
