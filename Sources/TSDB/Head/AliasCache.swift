import Synchronization

/// Maps the raw wire bytes of a label set (as a sender encodes it) to the head series, so that
/// ingest can skip building strings and validating labels for series it has seen before.
///
/// Different byte strings may name the same series (label order, empty values); each gets its own
/// entry. Safe to use concurrently.
final class AliasCache: Sendable {
    struct Entry {
        let key: [UInt8]
        let series: MemSeries
    }

    final class Stripe: Sendable {
        let map = Mutex<[UInt64: [Entry]]>([:])
    }

    private let stripes: [Stripe] = (0..<32).map { _ in Stripe() }

    private func stripe(_ hash: UInt64) -> Stripe { stripes[Int(hash % 32)] }

    func get(hash: UInt64, matches: ([UInt8]) -> Bool) -> MemSeries? {
        stripe(hash).map.withLock { map in
            map[hash]?.first { matches($0.key) }?.series
        }
    }

    func put(hash: UInt64, key: [UInt8], series: MemSeries) {
        stripe(hash).map.withLock { map in
            if map[hash]?.contains(where: { $0.key == key }) == true { return }
            map[hash, default: []].append(Entry(key: key, series: series))
        }
    }
}
