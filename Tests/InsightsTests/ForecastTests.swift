import Foundation
import Insights
import Statistics
import Testing
import TSDB

@Suite struct ForecastTests {
    @Test func autoPicksHoltForATrendAndHoltWintersForACycle() throws {
        let trend: [Double] = noise(count: 120, mean: 0, sd: 1, seed: 1).enumerated().map { i, e in 50 + 2 * Double(i) + e }
        let t = try Forecaster.forecast(trend, options: ForecastOptions(horizon: 10))
        #expect(t.method == .holt)
        #expect(t.points.count == 10)
        #expect(abs(t.points[9].value - (50 + 2 * 129)) < 5)
        #expect(t.points.allSatisfy { $0.lower < $0.value && $0.value < $0.upper })
        #expect(t.backtests.map(\.method) == [.simple, .holt])
        #expect(t.heldBack == 24)
        #expect(t.backtest.flatMap(\.mape).map { $0 < 2 } == true)

        let cycle: [Double] = noise(count: 24 * 8, mean: 0, sd: 1, seed: 2).enumerated().map { i, e in
            let phase: Double = 2 * Double.pi * Double(i) / 24
            return 100 + 20 * sin(phase) + e
        }
        let c = try Forecaster.forecast(cycle, options: ForecastOptions(horizon: 24))
        #expect(c.method == .holtWinters)
        #expect(c.seasonLength == 24)
        #expect(c.backtests.count == 3)
        let sixth: Double = 100 + 20 * sin(2 * Double.pi * 6 / 24)
        #expect(abs(c.points[5].value - sixth) < 4)
    }

    @Test func aChosenMethodIsUsedAndBacktested() throws {
        let values = noise(count: 50, mean: 10, sd: 1, seed: 3)
        let f = try Forecaster.forecast(values, options: ForecastOptions(horizon: 5, method: .simple))
        #expect(f.method == .simple)
        #expect(f.backtests.map(\.method) == [.simple])
        #expect(Set(f.points.map(\.value)).count == 1)
    }

    @Test(arguments: [
        ([1.0, 2.0], ForecastOptions(horizon: 1), "values has 2 entries; at least 3 needed"),
        ([1.0, 2.0, .nan], ForecastOptions(horizon: 1), "values[2] is nan; values must be finite numbers"),
        ([1.0, 2.0, 3.0], ForecastOptions(horizon: 0), "horizon is 0; it must be in 1...10000"),
        ([1.0, 2.0, 3.0], ForecastOptions(horizon: 10_001), "horizon is 10001; it must be in 1...10000"),
        ([1.0, 2.0, 3.0], ForecastOptions(horizon: 1, seasonLength: 1), "seasonLength is 1; it must be in 2...1000"),
        ([1.0, 2.0, 3.0, 4.0], ForecastOptions(horizon: 1, method: .holtWinters, seasonLength: 4),
         "holt_winters with seasonLength 4 needs two full seasons (8 values); got 4"),
        ([1.0, 2.0, 3.0], ForecastOptions(horizon: 1, level: 1), "level is 1.0; it must be in (0, 1)"),
    ])
    func badForecastsAreRefused(_ values: [Double], _ options: ForecastOptions, _ message: String) {
        #expect(throws: InsightsError(.invalidInput, message)) { try Forecaster.forecast(values, options: options) }
    }

    @Test func tooManyValuesAreRefused() {
        let e = #expect(throws: InsightsError.self) {
            try Forecaster.forecast([Double](repeating: 1, count: InsightsLimits.maxForecastValues + 1), options: ForecastOptions(horizon: 1))
        }
        #expect(e?.code == .tooLarge)
    }
}

@Suite struct CapacityPlanningTests {
    static let query = "node_filesystem_size_bytes - node_filesystem_avail_bytes"

    /// Disk use growing 1 GB a day from 100 GB, hourly for 20 days, with gaps.
    func fake(gap: Bool = false) -> FakeQuery {
        let f = FakeQuery()
        let values: [Double] = noise(count: 20 * 24, mean: 0, sd: 0.05, seed: 1).enumerated().map { i, e in 100 + Double(i) / 24 + e }
        var s = series(["instance": "db-1"], start: monday, step: hour, values)
        if gap { s.samples.removeSubrange(100..<105) }
        f.series[Self.query] = [s, series(["instance": "db-2"], start: monday, step: hour, noise(count: 20 * 24, mean: 50, sd: 0.5, seed: 2))]
        return f
    }

    func request(threshold: Double, direction: ThresholdDirection = .above, horizon: Int64 = 30 * day) -> CapacityRequest {
        CapacityRequest(query: Self.query, range: TimeRange(start: monday, end: monday + 20 * day - hour), step: hour,
                        threshold: threshold, direction: direction, horizon: horizon)
    }

    @Test func predictsWhenTheDiskFills() throws {
        let f = fake(gap: true)
        let report = try CapacityPlanning.run(request(threshold: 130), query: f.function)
        #expect(report.horizonSteps == 720)
        let first = try #require(report.series.first)
        #expect(first.labels == labels(["instance": "db-1"]))
        #expect(first.filled == 5)
        #expect(first.crossing.status == .predicted)
        // 100 + days/1: 130 is reached 30 days after the start, 10 days after the last sample.
        let expected = monday + 30 * day
        let time = try #require(first.crossing.time)
        #expect(abs(time - expected) < day)
        let earliest = try #require(first.crossing.earliest)
        #expect(earliest <= time)
        if let latest = first.crossing.latest { #expect(latest >= time) }
        #expect(first.times.count == 720 && first.times[0] == first.lastTime + hour)
        let flat = report.series[1]
        #expect(flat.crossing.status == .notWithinHorizon)
        #expect(flat.crossing.time == nil)
    }

    @Test func alreadyCrossedAndFallingThresholds() throws {
        let f = fake()
        let report = try CapacityPlanning.run(request(threshold: 60, direction: .below), query: f.function)
        let db2 = try #require(report.series.first { $0.labels == labels(["instance": "db-2"]) })
        #expect(db2.crossing.status == .alreadyCrossed)
        #expect(db2.crossing.time == db2.lastTime)
        let db1 = try #require(report.series.first { $0.labels == labels(["instance": "db-1"]) })
        #expect(db1.crossing.status == .notWithinHorizon)
    }

    @Test func badRequests() throws {
        let f = fake()
        #expect(throws: InsightsError(.invalidInput, "horizon is 20000 steps at this step; it must be 1...10000 steps")) {
            try CapacityPlanning.run(request(threshold: 1, horizon: 20_000 * hour), query: f.function)
        }
        var r = request(threshold: 1)
        r.seasonLength = 90 * minute
        #expect(throws: InsightsError(.invalidInput, "seasonLength must be a positive multiple of step")) {
            try CapacityPlanning.run(r, query: f.function)
        }
        #expect(throws: InsightsError(.invalidInput, "threshold must be a finite number")) {
            try CapacityPlanning.run(request(threshold: .nan), query: f.function)
        }
        #expect(f.asked.isEmpty)
    }
}
