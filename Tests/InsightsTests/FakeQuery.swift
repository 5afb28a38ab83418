import Insights
import Statistics
import TSDB

/// A stand-in for the engine: each query text maps to fixed series; a call returns the
/// samples inside [start, end] (instant calls, start == end, the latest sample at or before
/// it), and records what was asked.
final class FakeQuery: @unchecked Sendable {
    var series: [String: [SeriesSamples]] = [:]
    private(set) var asked: [String] = []

    var function: RangeQuery {
        { [self] query, start, end, _ in
            asked.append(query)
            let all = series[query] ?? []
            if start == end {
                return all.compactMap { s in
                    s.samples.last { $0.t <= end }.map { SeriesSamples(labels: s.labels, samples: [Sample(t: end, v: $0.v)]) }
                }
            }
            return all.map { SeriesSamples(labels: $0.labels, samples: $0.samples.filter { $0.t >= start && $0.t <= end }) }
                .filter { !$0.samples.isEmpty }
        }
    }
}

let minute: Int64 = 60_000
let hour: Int64 = 3_600_000
let day: Int64 = 86_400_000
/// 2026-01-05, a Monday.
let monday: Int64 = 1_767_571_200_000

func labels(_ d: [String: String]) -> Labels { Labels(d) }

/// Gaussian noise around `mean` with deviation `sd`, one value per step from `start`.
func noise(count: Int, mean: Double, sd: Double, seed: UInt64) -> [Double] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { _ in mean + sd * g.nextGaussian() }
}

func series(_ l: [String: String], start: Int64, step: Int64, _ values: [Double]) -> SeriesSamples {
    SeriesSamples(labels: Labels(l), samples: values.enumerated().map { Sample(t: start + Int64($0.offset) * step, v: $0.element) })
}
