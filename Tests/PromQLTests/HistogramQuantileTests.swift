import Testing
@testable import PromQL

/// Classic-bucket histogram_quantile / histogram_fraction; expected values from
/// /work/shared/conformance/promql/histograms.test (buckets taken at 50m, i.e. 10 × increment).
@Suite struct HistogramQuantileTests {
    private func buckets(_ pairs: [(String, Double)]) -> [ClassicBucket] {
        pairs.map { ClassicBucket(upperBound: HistogramQuantile.parseBucketLabel($0.0)!, count: $0.1) }
    }

    private func q(_ phi: Double, _ pairs: [(String, Double)]) -> Double {
        var b = buckets(pairs)
        return HistogramQuantile.bucketQuantile(phi, buckets: &b).value
    }

    private let testhistogramPositive: [(String, Double)] = [("0.1", 50), (".2", 70), ("1e0", 110), ("+Inf", 120)]
    private let testhistogramNegative: [(String, Double)] = [("-.2", 10), ("-0.1", 20), ("0.3", 20), ("+Inf", 30)]
    private let testhistogram3Positive: [(String, Double)] = [("0", 0), ("0.1", 50), (".2", 70), ("1e0", 110), ("+Inf", 110)]
    private let testhistogram3Negative: [(String, Double)] = [("-.25", 0), ("-.2", 10), ("-0.1", 20), ("0.3", 20), ("+Inf", 20)]

    // histograms.test: "Quantile value in lowest/highest bucket", "Finally some useful quantiles".
    @Test(arguments: [(0.0, 0.0, -0.2), (1, 1, 0.3), (0.2, 0.048, -0.2), (0.5, 0.15, -0.15), (0.8, 0.72, 0.3)])
    func testhistogram(phi: Double, positive: Double, negative: Double) {
        #expect(fnClose(q(phi, testhistogramPositive), positive))
        #expect(fnClose(q(phi, testhistogramNegative), negative))
    }

    // histograms.test: "Test histogram_quantile, native and classic." (testhistogram3).
    @Test(arguments: [(0.0, 0.0, -0.25), (0.25, 0.055, -0.225), (0.5, 0.125, -0.2), (0.75, 0.45, -0.15), (1, 1, -0.1)])
    func testhistogram3(phi: Double, positive: Double, negative: Double) {
        #expect(fnClose(q(phi, testhistogram3Positive), positive))
        #expect(fnClose(q(phi, testhistogram3Negative), negative))
    }

    // histograms.test: "Quantile too low / too high / invalid" and bucket-middle cases.
    @Test func specialPhis() {
        #expect(q(-0.1, testhistogramPositive) == -.infinity)
        #expect(q(1.01, testhistogramPositive) == .infinity)
        #expect(q(.nan, testhistogramPositive).isNaN)
        let h2: [(String, Double)] = [("0", 0), ("2", 1), ("4", 2), ("6", 3), ("+Inf", 3)]
        #expect(fnClose(q(1.0 / 6, h2), 1))
        #expect(fnClose(q(0.5, h2), 3))
        #expect(fnClose(q(5.0 / 6, h2), 5))
        // The +Inf check comes after the φ checks: out-of-range φ still gives ±Inf.
        #expect(q(2, [("1", 1)]) == .infinity)
    }

    // histograms.test: request_duration_seconds by job/instance at 50m (rates are proportional to
    // the counts, and the quantile is scale-free).
    @Test(arguments: [
        ([1, 3, 4] as [Double], 0.11, 0.15), ([2, 5, 6], 0.09, 0.13333333333333333),
        ([3, 4, 6], 0.06, 0.1), ([4, 7, 9], 0.0675, 0.11666666666666667),
        ([10, 19, 25], 0.075, 0.1277777777777778),
    ])
    func requestDuration(counts: [Double], q30: Double, q50: Double) {
        let pairs = zip(["0.1", "0.2", "+Inf"], counts).map { ($0, $1 * 10 / 600) }
        #expect(fnClose(q(0.3, pairs), q30))
        #expect(fnClose(q(0.5, pairs), q50))
    }

    // histograms.test: "A histogram with nonmonotonic bucket counts".
    @Test func nonMonotonic() {
        var b = buckets([("0.1", 20), ("1", 10), ("10", 50), ("100", 40), ("1000", 90), ("+Inf", 80)])
        let r = HistogramQuantile.bucketQuantile(0.01, buckets: &b)
        #expect(fnClose(r.value, 0.0045))
        #expect(r.forcedMonotonicity)
        #expect(r.minBucket == 1 && r.maxBucket == .infinity && r.maxDiff == 10)
        var b2 = buckets([("0.1", 20), ("1", 10), ("10", 50), ("100", 40), ("1000", 90), ("+Inf", 80)])
        #expect(fnClose(HistogramQuantile.bucketQuantile(0.5, buckets: &b2).value, 8.5))
        var b3 = buckets([("0.1", 20), ("1", 10), ("10", 50), ("100", 40), ("1000", 90), ("+Inf", 80)])
        #expect(fnClose(HistogramQuantile.bucketQuantile(0.99, buckets: &b3).value, 979.75))

        var info = MonotonicityInfo(metricName: "", timestamp: 3_000_000, result: r)
        info.merge(MonotonicityInfo(metricName: "", timestamp: 3_060_000, result: r))
        #expect(info.text(position: "1:21") == "PromQL info: input to histogram_quantile needed to be fixed for monotonicity "
            + "(see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile), from buckets 1 to +Inf, "
            + "with a max diff of 10, over 2 samples from 1970-01-01T00:50:00Z to 1970-01-01T00:51:00Z (1:21)")
    }

    // histograms.test: "Buckets with different representations of the same upper bound."
    @Test func mergedBounds() {
        let ins1: [(String, Double)] = [("0.1", 10), ("0.2", 10), ("2e-1", 10), ("2.0e-1", 10), ("+Inf", 40)]
        #expect(fnClose(q(0.5, ins1), 0.15))
        #expect(fnClose(q(0.75, ins1), 0.2))
        #expect(fnClose(q(1, ins1), 0.2))
        #expect(q(0.5, [("+inf", 0), ("+Inf", 0)]).isNaN)
    }

    @Test func edgeCases() {
        #expect(q(0.5, []).isNaN)
        #expect(q(0.5, [("1", 5), ("2", 7)]).isNaN)          // no +Inf bucket
        #expect(q(0.5, [("+Inf", 5)]).isNaN)                  // fewer than 2 buckets
        #expect(q(0.5, [("1", 0), ("+Inf", 0)]).isNaN)        // no observations
        #expect(q(0.9, [("1", 5), ("+Inf", 10)]) == 1)        // rank in +Inf bucket → 2nd highest bound
        #expect(q(0.2, [("-1", 5), ("+Inf", 10)]) == -1)      // lowest bucket with bound ≤ 0
        #expect(fnClose(q(0.25, [("2", 10), ("+Inf", 20)]), 1)) // lowest bucket starts at 0
        // Unsorted input, and float noise below the tolerance is ignored without an annotation.
        var b = [ClassicBucket(upperBound: .infinity, count: 10), ClassicBucket(upperBound: 1, count: 10 + 1e-14),
                 ClassicBucket(upperBound: 0.5, count: 5)]
        let r = HistogramQuantile.bucketQuantile(0.5, buckets: &b)
        #expect(fnClose(r.value, 0.5) && !r.forcedMonotonicity && r.fixedPrecision)
    }

    // histograms.test: histogram_fraction on classic buckets.
    @Test func fractions() {
        func f(_ lower: Double, _ upper: Double, _ pairs: [(String, Double)]) -> Double {
            var b = buckets(pairs)
            return HistogramQuantile.bucketFraction(lower: lower, upper: upper, buckets: &b)
        }
        let h2: [(String, Double)] = [("0", 0), ("2", 10), ("4", 20), ("6", 30), ("+Inf", 30)]
        #expect(fnClose(f(0, 4, h2), 0.6666666666666666))
        #expect(fnClose(f(0, 6, h2), 1))
        #expect(fnClose(f(0, 3.5, h2), 0.5833333333333334))
        #expect(fnClose(f(0, 0.2, testhistogram3Positive), 0.6363636363636364))
        #expect(fnClose(f(0, 0.2, testhistogram3Negative), 0))
        let pos: [(String, Double)] = [("1", 1), ("2", 3), ("3", 6), ("+Inf", 100)]
        let neg: [(String, Double)] = [("-3", 10), ("-2", 12), ("-1", 15), ("+Inf", 100)]
        #expect(fnClose(f(0, 1.5, pos), 0.02))
        #expect(fnClose(f(-4, -2, neg), 0.02))
        #expect(fnClose(f(-.infinity, -1.5, neg), 0.135))
        #expect(fnClose(f(-.infinity, .infinity, pos), 1))
        #expect(fnClose(f(-.infinity, .infinity, neg), 1))
        #expect(fnClose(f(4, 5, pos), 0))
        #expect(fnClose(f(0, 1, neg), 0))
        #expect(fnClose(f(2, 5, pos), 0.03))
        #expect(fnClose(f(400, .infinity, pos), 0.94))
        #expect(f(2, 2, pos) == 0 && f(3, 2, pos) == 0)
        #expect(fnClose(f(0, 1, [("+Inf", 100)]), 0))
        #expect(f(0, 5, [("1", 0), ("2", 0), ("3", 0), ("+Inf", 0)]).isNaN)
        #expect(fnClose(f(2, 3.5, pos), 0.03))
        #expect(fnClose(f(0.5, 2, pos), 0.025))
        #expect(fnClose(f(1, 3, pos), 0.05))
        #expect(fnClose(f(0.1, 0.75, [("0.5", 2.5), ("1", 7.5), ("+Inf", 100)]), 0.045))
        #expect(fnClose(f(-1, 1, [("-2", 5), ("-1", 10), ("0", 15), ("1", 20), ("+Inf", 100)]), 0.1))
        #expect(f(.nan, 1, [("1", 1), ("+Inf", 100)]).isNaN)
        #expect(f(0, .nan, [("1", 1), ("+Inf", 100)]).isNaN)
        #expect(fnClose(f(-10, -5, [("1", 1), ("2", 3), ("+Inf", 10)]), 0))
        #expect(fnClose(f(5, 10, [("1", 1), ("2", 3), ("+Inf", 10)]), 0))
    }

    @Test func bucketLabelParsing() {
        #expect(HistogramQuantile.parseBucketLabel("0.1") == 0.1)
        #expect(HistogramQuantile.parseBucketLabel(".2") == 0.2)
        #expect(HistogramQuantile.parseBucketLabel("1e0") == 1)
        #expect(HistogramQuantile.parseBucketLabel("2.0e-1") == 0.2)
        #expect(HistogramQuantile.parseBucketLabel("+Inf") == .infinity)
        #expect(HistogramQuantile.parseBucketLabel("+inf") == .infinity)
        #expect(HistogramQuantile.parseBucketLabel("-Infinity") == -.infinity)
        #expect(HistogramQuantile.parseBucketLabel("NaN")?.isNaN == true)
        #expect(HistogramQuantile.parseBucketLabel("0x1p-2") == 0.25)
        #expect(HistogramQuantile.parseBucketLabel("1_000") == 1000)
        #expect(HistogramQuantile.parseBucketLabel("-7") == -7)
        for bad in ["", "Hello World", "1e400", "-1e400", "0x10", "1__0", "_1", "1_", " 1", "1 ", "+nan", "1.2.3", "e5", "1e", "infin"] {
            #expect(HistogramQuantile.parseBucketLabel(bad) == nil, "\(bad)")
        }
        // Warning text, with and without the metric name (histograms.test expectations).
        #expect(FunctionAnnotation.badBucketLabel(metricName: "series", le: "Hello World").text(position: "1:21")
            == "PromQL warning: bucket label \"le\" is missing or has a malformed value of \"Hello World\" for metric name \"series\" (1:21)")
        #expect(FunctionAnnotation.badBucketLabel(metricName: "", le: "").text
            == "PromQL warning: bucket label \"le\" is missing or has a malformed value of \"\"")
        #expect(FunctionAnnotation.badBucketLabel(metricName: "", le: "").isWarning)
    }

    /// Property: the quantile is monotone in φ and stays within the finite bounds.
    @Test func quantileIsMonotone() {
        var rng = FnSplitMix64(seed: 99)
        for _ in 0..<300 {
            let n = Int.random(in: 1...10, using: &rng)
            var bound = Double.random(in: -5...5, using: &rng)
            var count = 0.0
            var pairs: [ClassicBucket] = []
            for _ in 0..<n {
                count += Double(Int.random(in: 0...20, using: &rng))
                pairs.append(ClassicBucket(upperBound: bound, count: count))
                bound += Double.random(in: 0.1...3, using: &rng)
            }
            pairs.append(ClassicBucket(upperBound: .infinity, count: count + Double(Int.random(in: 0...5, using: &rng))))
            pairs.shuffle(using: &rng)
            var previous = -Double.infinity
            for step in 0...20 {
                var b = pairs
                let v = HistogramQuantile.bucketQuantile(Double(step) / 20, buckets: &b).value
                if v.isNaN { continue }
                #expect(v >= previous - 1e-9)
                #expect(v.isFinite)
                previous = v
            }
        }
    }
}
