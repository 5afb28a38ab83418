import Foundation
@testable import TSDB

/// A fresh empty directory under the system's temporary folder, removed by `cleanup`.
struct TempDir {
    let path: String

    init(_ name: String = "tsdb") {
        path = NSTemporaryDirectory() + "sextant-\(name)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// A small seeded generator, so property tests are repeatable.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension DB {
    /// Appends samples for one series (test convenience).
    @discardableResult
    func add(_ labels: Labels, _ samples: [(Int64, Double)]) throws -> [RejectedSample] {
        let ref = try seriesRefs(for: [labels])
        return try append(refs: ref, owners: [Int32](repeating: 0, count: samples.count),
                          samples: samples.map { Sample(t: $0.0, v: $0.1) })
    }

    /// Every sample of the series with these labels, in time order.
    func all(_ labels: Labels) throws -> [Sample] {
        let q = querier(mint: Int64.min, maxt: Int64.max)
        let matchers = labels.pairs.map { Matcher.equal($0.name, $0.value) }
        return try q.select(matchers).first { $0.labels == labels }?.samples ?? []
    }
}

func series(_ name: String, _ extra: [String: String] = [:]) -> Labels {
    var d = extra
    d[Labels.metricName] = name
    return Labels(d)
}

/// Compares samples bit-for-bit (NaN payloads included).
func same(_ a: [Sample], _ b: [Sample]) -> Bool { a == b }
