import ArgumentParser
import TSDB

/// Encoding and decoding of XOR chunks for the series shapes a fleet sends.
struct ChunkBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chunk", abstract: "XOR chunk encode and decode, ns per sample.")

    @Option(help: "Chunks per run.") var chunks = 2000

    func run() throws {
        var rng = SystemRandomNumberGenerator()
        let shapes: [(String, (Int) -> Double)] = [
            ("gauge (random float)", { _ in Double.random(in: 0..<1, using: &rng) }),
            ("counter (2 decimals)", { i in (Double(i) * 12.34).rounded() / 100 }),
            ("constant", { _ in 1 }),
        ]
        for (name, value) in shapes {
            let input = (0..<120).map { i in Sample(t: 1_767_225_600_000 + Int64(i) * 15_000 + Int64.random(in: 0..<5), v: value(i)) }
            var encoded: [[UInt8]] = []
            measure("encode \(name)", items: chunks * input.count) {
                encoded = (0..<chunks).map { _ in
                    var c = XORChunk()
                    for s in input { c.append(t: s.t, v: s.v) }
                    return c.bytes
                }
            }
            var out: [Sample] = []
            try measure("decode \(name)", items: chunks * input.count) {
                for bytes in encoded {
                    out.removeAll(keepingCapacity: true)
                    try bytes.withUnsafeBytes { try XORChunk.decode($0, into: &out) }
                }
            }
            blackHole(out)
            print("  \(Double(encoded[0].count) / Double(input.count)) bytes/sample")
        }
    }
}
