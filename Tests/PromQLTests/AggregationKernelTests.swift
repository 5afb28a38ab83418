import Testing
@testable import PromQL

/// Aggregation kernels; expected values from /work/shared/conformance/promql/aggregators.test.
@Suite struct AggregationKernelTests {
    private func agg(_ op: AggregationOperator, _ values: [Double], _ parameter: Double = .nan) -> Double? {
        FloatAggregator.aggregate(op, values, parameter: parameter)
    }

    // http_requests at 50m: api-server 100 200 300 400, app-server 500 600 700 800.
    private let api: [Double] = [100, 200, 300, 400]
    private let app: [Double] = [500, 600, 700, 800]

    // aggregators.test: "Simple sum/avg/count", SUM/AVG/MIN/MAX BY (job), stddev/stdvar.
    @Test func basicAggregations() {
        #expect(agg(.sum, api) == 1000 && agg(.sum, app) == 2600)
        #expect(agg(.avg, api) == 250 && agg(.avg, app) == 650)
        #expect(agg(.count, api) == 4 && agg(.group, api) == 1)
        #expect(agg(.min, api) == 100 && agg(.max, app) == 800)
        #expect(agg(.sum, api + app) == 3600)
        #expect(fnClose(agg(.stddev, api + app), 229.12878474779))
        #expect(agg(.stdvar, api + app) == 52500)
        #expect(fnClose(agg(.stddev, [100, 300, 500, 700]), 223.60679774998))
        #expect(agg(.stdvar, [100, 300, 500, 700]) == 50000)
        // "Float precision test for standard deviation and variance": three times 13.3.
        let x = 0 + 1.33 * 10
        #expect(agg(.stddev, [x, x, x]) == 0 && agg(.stdvar, [x, x, x]) == 0)
        #expect(agg(.sum, []) == nil)
    }

    // aggregators.test: "Tests for min/max" with a NaN in the group.
    @Test func minMaxNaN() {
        #expect(agg(.max, [1, 2, .nan, 3, 4]) == 4)
        #expect(agg(.min, [1, 2, .nan, 3, 4]) == 1)
        #expect(agg(.max, [.nan, 3, 4]) == 4)
        #expect(agg(.min, [.nan, 3]) == 3)
        #expect(agg(.max, [.nan, .nan])!.isNaN)
        #expect(agg(.min, [2, .nan]) == 2)
    }

    // aggregators.test: "Tests for avg" and "Test summing and averaging extreme values".
    @Test func avgAndSumExtremes() {
        let big = 9.988465674311579e+307
        #expect(agg(.avg, [8, 10, 12]) == 10)
        #expect(agg(.avg, [0, .infinity, .infinity, 0]) == .infinity)
        #expect(agg(.avg, [.infinity, 0, .infinity]) == .infinity)
        #expect(agg(.avg, [.infinity, .infinity, -.infinity])!.isNaN)
        #expect(agg(.avg, [-.infinity, -.infinity, 0]) == -.infinity)
        #expect(agg(.avg, [-.infinity, 0, -.infinity]) == -.infinity)
        #expect(agg(.avg, [-.infinity, -.infinity, .infinity])!.isNaN)
        #expect(agg(.avg, [-.infinity, 0, .infinity])!.isNaN)
        #expect(agg(.avg, [big, big, big, big]) == big)
        #expect(agg(.avg, [-big, -big, -big, -big]) == -big)
        #expect(agg(.avg, [-big, -big, big, big]) == 0)
        #expect(agg(.avg, [1, .nan, 3])!.isNaN)
        #expect(agg(.sum, [2, 8, 1e100, -1e100]) == 10)
        #expect(agg(.avg, [2, 8, 1e100, -1e100]) == 2.5)
        #expect(agg(.sum, [.infinity, 2]) == .infinity && agg(.sum, [2, .infinity]) == .infinity)
        #expect(agg(.avg, [.infinity, 2]) == .infinity && agg(.avg, [2, .infinity]) == .infinity)
        #expect(agg(.sum, [-.infinity, 2]) == -.infinity && agg(.avg, [2, -.infinity]) == -.infinity)
        #expect(agg(.sum, [.infinity, -.infinity])!.isNaN && agg(.avg, [.infinity, -.infinity])!.isNaN)
        #expect(agg(.sum, [.nan, 2])!.isNaN && agg(.avg, [2, .nan])!.isNaN)
        // "Demonstrate robustness of direct mean calculation": avg of 8…12 times 52 is exactly 52.
        for n in 8...12 { #expect(agg(.avg, Array(repeating: 52, count: n)) == 52) }
    }

    // aggregators.test: stddev/stdvar with NaN and Inf members.
    @Test func stddevSpecials() {
        #expect(agg(.stddev, [1, 2]) == 0.5 && agg(.stdvar, [1, 2]) == 0.25)
        #expect(agg(.stddev, [1, 2, .nan])!.isNaN && agg(.stdvar, [.nan, 1, 2])!.isNaN)
        #expect(agg(.stddev, [.nan])!.isNaN && agg(.stddev, [1])! == 0)
        #expect(agg(.stddev, [1, 2, .infinity])!.isNaN && agg(.stdvar, [.infinity, 1, 2])!.isNaN)
        #expect(agg(.stddev, [.infinity])!.isNaN)
    }

    // aggregators.test: "Tests for quantile" (0.8 and 0.2, NaN member, NaN φ).
    @Test func quantile() {
        #expect(fnClose(agg(.quantile, [0, 1], 0.8), 0.8))
        #expect(fnClose(agg(.quantile, [0, 1, 2], 0.8), 1.6))
        #expect(fnClose(agg(.quantile, [0, 1, 4], 0.8), 2.8))
        #expect(fnClose(agg(.quantile, [0, 1, .nan], 0.8), 0.6))
        #expect(fnClose(agg(.quantile, [0, 1], 0.2), 0.2))
        #expect(fnClose(agg(.quantile, [0, 1, 2], 0.2), 0.4))
        #expect(fnClose(agg(.quantile, [0, 1, 4], 0.2), 0.4))
        #expect(agg(.quantile, [0, 1, .nan], 0.2)!.isNaN)
        #expect(agg(.quantile, [0, 1], .nan)!.isNaN)
        #expect(agg(.quantile, [0, 1], -1) == -.infinity && agg(.quantile, [0, 1], 1.5) == .infinity)
        #expect(FunctionAnnotation.invalidQuantile(.nan).text(position: "1:10")
            == "PromQL warning: quantile value should be between 0 and 1, got NaN (1:10)")
        #expect(FunctionAnnotation.invalidQuantile(-0.1).text == "PromQL warning: quantile value should be between 0 and 1, got -0.1")
        #expect(FunctionAnnotation.invalidQuantile(1.01).text == "PromQL warning: quantile value should be between 0 and 1, got 1.01")
        #expect(FunctionAnnotation.invalidRatio(1.1, cappedTo: 1).text
            == "PromQL warning: ratio value should be between -1 and 1, got 1.1, capping to 1")
    }

    // aggregators.test: "Tests for topk/bottomk" (input in label order as the TSDB returns it).
    @Test func topkBottomk() {
        // Series sorted by labels: canary api 0/1, production api 0/1/2(NaN), canary app 0/1,
        // production app 0/1.
        let values: [Double] = [300, 400, 100, 200, .nan, 700, 800, 500, 600]
        #expect(AggregationKernels.topK(values, k: 3).map { values[$0] } == [800, 700, 600])
        #expect(AggregationKernels.topK(values, k: 3, bottom: true).map { values[$0] } == [100, 200, 300])
        let canaryApp: [Double] = [700, 800]
        #expect(AggregationKernels.topK(canaryApp, k: 5).map { canaryApp[$0] } == [800, 700])
        #expect(AggregationKernels.topK(canaryApp, k: 5, bottom: true).map { canaryApp[$0] } == [700, 800])
        // NaN is sorted away from the top/bottom.
        let prod: [Double] = [100, 200, .nan]
        let top = AggregationKernels.topK(prod, k: 3)
        #expect(top == [1, 0, 2])
        #expect(AggregationKernels.topK(prod, k: 3, bottom: true) == [0, 1, 2])
        #expect(AggregationKernels.topK([.nan, 1], k: 1) == [1])
        #expect(AggregationKernels.topK([.nan, 1], k: 1, bottom: true) == [1])
        #expect(AggregationKernels.topK([.nan, .nan], k: 1).count == 1)
        #expect(AggregationKernels.topK(prod, k: 0).isEmpty)
        // k is capped at the input size and Go's int64 conversion applies.
        #expect(AggregationKernels.kLimit(parameter: 9999999999, inputSeriesCount: 2) == 2)
        #expect(AggregationKernels.kLimit(parameter: 2.9, inputSeriesCount: 9) == 2)
        #expect(AggregationKernels.kLimit(parameter: 0.5, inputSeriesCount: 9) == 0)
        #expect(AggregationKernels.kLimit(parameter: 1e20, inputSeriesCount: 9) == 0)
        #expect(AggregationKernels.kLimit(parameter: -3, inputSeriesCount: 9) == 0)
    }

    /// Property: topk keeps the k largest values (as a multiset), output descending, NaNs last.
    @Test func topkProperty() {
        var rng = FnSplitMix64(seed: 5)
        for _ in 0..<500 {
            let n = Int.random(in: 1...40, using: &rng)
            let values: [Double] = (0..<n).map { _ in
                Int.random(in: 0...9, using: &rng) == 0 ? .nan : Double(Int.random(in: 0...15, using: &rng))
            }
            let k = Int.random(in: 1...45, using: &rng)
            for bottom in [false, true] {
                let chosen = AggregationKernels.topK(values, k: k, bottom: bottom).map { values[$0] }
                #expect(chosen.count == min(k, n))
                let numbers = values.filter { !$0.isNaN }.sorted(by: bottom ? (<) : (>))
                let expected = Array(numbers.prefix(k))
                #expect(chosen.prefix(expected.count).elementsEqual(expected))
                #expect(chosen.dropFirst(expected.count).allSatisfy { $0.isNaN })
            }
        }
    }

    // functions.test: "Tests for sort/sort_desc" (input in label order).
    @Test func sortOrder() {
        let values: [Double] = [300, 400, .nan, 100, 200, 700, 800, 500, 600]
        #expect(AggregationKernels.sortOrder(values, descending: false).map { values[$0] }.prefix(8)
            == [100, 200, 300, 400, 500, 600, 700, 800])
        #expect(values[AggregationKernels.sortOrder(values, descending: false).last!].isNaN)
        #expect(AggregationKernels.sortOrder(values, descending: true).map { values[$0] }.prefix(8)
            == [800, 700, 600, 500, 400, 300, 200, 100])
        #expect(values[AggregationKernels.sortOrder(values, descending: true).last!].isNaN)
        // Equal values keep input order (Go's insertion sort for short inputs).
        #expect(AggregationKernels.sortOrder([1, 1, 0], descending: false) == [2, 0, 1])
        let long = (0..<30).map { Double($0 % 3) }
        let order = AggregationKernels.sortOrder(long, descending: false)
        #expect(order.map { long[$0] } == long.sorted())
    }

    // aggregators.test: "Tests for count_values" label values.
    @Test func countValuesLabels() {
        #expect(AggregationKernels.countValuesLabel(6) == "6")
        #expect(AggregationKernels.countValuesLabel(7) == "7")
        #expect(AggregationKernels.countValuesLabel(0.1) == "0.1")
    }

    @Test func runningMeanSwitchesToIncremental() {
        var m = RunningMean(1.7e308)
        m.add(1.7e308)
        m.add(-1.7e308)
        #expect(fnClose(m.value, 1.7e308 / 3))
        var plain = RunningMean(1)
        for v in [2.0, 3, 4] { plain.add(v) }
        #expect(plain.value == 2.5)
    }
}
