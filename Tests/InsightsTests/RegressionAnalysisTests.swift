import Insights
import Testing
import TSDB

@Suite struct RegressionAnalysisTests {
    static let query = "histogram_quantile(0.99, sum by (handler, le) (rate(http_request_duration_seconds_bucket[5m])))"
    static let baseline = TimeRange(start: monday, end: monday + 59 * minute)
    static let current = TimeRange(start: monday + 60 * minute, end: monday + 119 * minute)

    /// /search gets 30% slower at the start of the current window; /home does not change.
    func fake() -> FakeQuery {
        let f = FakeQuery()
        let search = noise(count: 60, mean: 0.2, sd: 0.02, seed: 1) + noise(count: 60, mean: 0.26, sd: 0.02, seed: 2)
        let home = noise(count: 120, mean: 0.05, sd: 0.005, seed: 3)
        f.series[Self.query] = [series(["handler": "/search"], start: monday, step: minute, search),
                                series(["handler": "/home"], start: monday, step: minute, home)]
        return f
    }

    @Test func findsTheRegressedSeriesAndWhenItChanged() throws {
        let f = fake()
        let report = try RegressionAnalysis.run(RegressionRequest(query: Self.query, baseline: Self.baseline, current: Self.current,
                                                                  step: minute), query: f.function)
        #expect(report.series.count == 2)
        #expect(report.skipped.isEmpty)
        let first = try #require(report.series.first)
        #expect(first.labels == labels(["handler": "/search"]))
        #expect(first.comparison.verdict == .regressed)
        #expect(abs((first.comparison.changePercent ?? 0) - 30) < 5)
        let point = try #require(first.changePoint)
        #expect(abs(point.time - (monday + 60 * minute)) <= 2 * minute)
        #expect(point.shift.after > point.shift.before)
        let home = report.series[1]
        #expect(home.comparison.verdict == .unchanged)
        #expect(home.changePoint == nil)
        #expect(f.asked == [Self.query, Self.query])
    }

    @Test func seriesInOnlyOneWindowAreSkippedWithTheReason() throws {
        let f = fake()
        f.series[Self.query]?.append(series(["handler": "/new"], start: Self.current.start, step: minute,
                                            noise(count: 60, mean: 1, sd: 0.1, seed: 4)))
        f.series[Self.query]?.append(series(["handler": "/short"], start: Self.baseline.start, step: minute, [1, 2, 3]))
        f.series[Self.query]?.append(series(["handler": "/short"], start: Self.current.start, step: minute, [1]))
        let report = try RegressionAnalysis.run(RegressionRequest(query: Self.query, baseline: Self.baseline, current: Self.current,
                                                                  step: minute), query: f.function)
        #expect(report.series.count == 2)
        let reasons = Dictionary(report.skipped.map { ($0.labels, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(reasons == [labels(["handler": "/new"]): "no samples in the baseline window",
                            labels(["handler": "/short"]): "1 finite samples in the current window; at least 2 needed"])
    }

    @Test func aWindowWithoutDataIsSaidSo() throws {
        let f = fake()
        let early = TimeRange(start: monday - 10 * day, end: monday - 9 * day)
        let e = #expect(throws: InsightsError.self) {
            try RegressionAnalysis.run(RegressionRequest(query: Self.query, baseline: early, current: Self.current, step: minute),
                                       query: f.function)
        }
        #expect(e?.code == .noData)
        #expect(e?.message == "the query returned no samples in the baseline window (2025-12-26T00:00:00Z to 2025-12-27T00:00:00Z); "
            + "check the window against the data's time range")
    }

    @Test func tooManySeriesIsSaidSo() throws {
        let f = fake()
        let e = #expect(throws: InsightsError.self) {
            try RegressionAnalysis.run(RegressionRequest(query: Self.query, baseline: Self.baseline, current: Self.current,
                                                         step: minute, maxSeries: 1), query: f.function)
        }
        #expect(e?.code == .tooLarge)
        #expect(e?.message.hasPrefix("the query returned 2 series in the baseline window; at most 1 are analysed") == true)
    }

    @Test func badWindowsAreRefusedBeforeQuerying() throws {
        let f = fake()
        let cases: [(TimeRange, TimeRange, Int64, String)] = [
            (Self.current, Self.baseline, minute, "must end before the current window"),
            (TimeRange(start: monday + hour, end: monday), Self.current, minute, "the baseline window ends"),
            (Self.baseline, Self.current, 0, "step must be positive"),
            (Self.baseline, TimeRange(start: monday + hour, end: monday + 30 * day), 1000, "points per series at this step"),
        ]
        for (b, c, step, message) in cases {
            let e = #expect(throws: InsightsError.self) {
                try RegressionAnalysis.run(RegressionRequest(query: Self.query, baseline: b, current: c, step: step), query: f.function)
            }
            #expect(e?.message.contains(message) == true, "\(e?.message ?? "")")
        }
        #expect(f.asked.isEmpty)
    }

    @Test func queryErrorsPassThrough() {
        struct EngineFailure: Error {}
        let failing: RangeQuery = { _, _, _, _ in throw EngineFailure() }
        #expect(throws: EngineFailure.self) {
            try RegressionAnalysis.run(RegressionRequest(query: "x", baseline: Self.baseline, current: Self.current, step: minute),
                                       query: failing)
        }
    }
}
