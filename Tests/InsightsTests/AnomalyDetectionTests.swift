import Foundation
import Insights
import Testing
import TSDB

@Suite struct AnomalyDetectionTests {
    static let query = "rate(http_requests_total[5m])"

    /// Three days of 5-minute values with a daily cycle (peak at noon), rising slowly, with spikes.
    static func daily(spikes: [Int: Double], seed: UInt64 = 1) -> [Double] {
        let base = noise(count: 3 * 288, mean: 0, sd: 2, seed: seed)
        return base.enumerated().map { i, e in
            let phase: Double = 2 * Double.pi * Double(i % 288 - 72) / 288
            let cycle: Double = 30 * sin(phase)
            return 100 + 0.01 * Double(i) + cycle + e + (spikes[i] ?? 0)
        }
    }

    func run(_ values: [Double], _ method: AnomalyMethod, threshold: Double? = nil, step: Int64 = 5 * minute) throws -> (AnomalyReport, [Int]) {
        let f = FakeQuery()
        f.series[Self.query] = [series(["job": "api"], start: monday, step: step, values)]
        let range = TimeRange(start: monday, end: monday + Int64(values.count - 1) * step)
        let report = try AnomalyDetection.run(AnomalyRequest(query: Self.query, range: range, step: step, method: method,
                                                             threshold: threshold), query: f.function)
        let indexes = report.series.first?.anomalies.map { Int(($0.time - monday) / step) } ?? []
        return (report, indexes)
    }

    @Test func robustFollowsTheCycleAndFindsTheSpikes() throws {
        let spikes = [40: 25.0, 300: -25, 700: 30]
        let (report, found) = try run(Self.daily(spikes: spikes), .robust)
        #expect(found == [40, 300, 700])
        #expect(report.threshold == 5.5)
        let point = try #require(report.series.first?.anomalies.first)
        // Judged against the rolling median near that hour, not the overall level.
        let phase: Double = 2 * Double.pi * Double(40 - 72) / 288
        let expected: Double = 100.4 + 30 * sin(phase)
        #expect(abs(point.baseline - expected) < 2)
        #expect(point.score > 5)
        #expect(point.scale.map { $0 > 1 && $0 < 4 } == true)
    }

    @Test func zscoreMissesSpikesInsideTheCycleRobustDoesNot() throws {
        // A spike at the trough is ordinary against the global mean and σ.
        let values = Self.daily(spikes: [360: 25])
        #expect(try run(values, .zscore).1 == [])
        #expect(try run(values, .robust).1 == [360])
    }

    @Test func seasonalJudgesEachHourOfTheWeekAgainstItsHistory() throws {
        // Four weeks of history before the analysed week, and a spike at a usually quiet hour.
        let all: [Double] = noise(count: 5 * 168, mean: 0, sd: 2, seed: 9).enumerated().map { i, e in
            let level: Double = i % 24 >= 9 && i % 24 < 17 ? 150 : 50
            let spike: Double = i == 4 * 168 + 30 ? 40 : 0
            return level + e + spike
        }
        let f = FakeQuery()
        let historyStart = monday - 28 * day
        f.series[Self.query] = [series(["job": "api"], start: historyStart, step: hour, all)]
        let range = TimeRange(start: monday, end: monday + 167 * hour)
        let report = try AnomalyDetection.run(AnomalyRequest(query: Self.query, range: range, step: hour, method: .seasonal),
                                              query: f.function)
        let points = try #require(report.series.first).anomalies
        #expect(points.map(\.time) == [monday + 30 * hour])
        #expect(abs(points[0].baseline - 50) < 3)
        #expect(f.asked.count == 2)
        #expect(report.series.first?.note == nil)
    }

    @Test func seasonalWithoutHistorySaysWhichPointsItCouldNotScore() throws {
        let (report, _) = try run(Array(Self.daily(spikes: [:]).prefix(14 * 24)), .seasonal, step: hour)
        // Two weeks of hourly values give each hour of week 1 other value: too few.
        #expect(report.series.first?.note == "336 points not scored: their hour of week has fewer than 3 other values in the history and window")
    }

    @Test func isolationForestFindsIsolatedJumps() throws {
        let flat = noise(count: 300, mean: 20, sd: 1, seed: 4)
        var values = flat
        values[120] += 15
        values[200] -= 15
        // The default (0.7, the benchmark's best F1) trades a little precision for recall on
        // such short series; the spikes themselves score well above it.
        let (report, found) = try run(values, .isolationForest, threshold: 0.8)
        #expect(found == [120, 200])
        #expect(report.series.first?.anomalies.allSatisfy { $0.scale == nil && $0.score <= 1 } == true)
    }

    @Test func changepointFlagsLevelShifts() throws {
        let values = noise(count: 200, mean: 10, sd: 1, seed: 5) + noise(count: 200, mean: 16, sd: 1, seed: 6)
        let (report, found) = try run(values, .changepoint)
        #expect(found.count == 1)
        #expect(abs((found.first ?? 0) - 200) <= 2)
        let p = try #require(report.series.first?.anomalies.first)
        #expect(abs(p.baseline - 10) < 0.5)
        #expect(p.score > 4)
    }

    @Test func badRequests() throws {
        let values = Self.daily(spikes: [:])
        #expect(throws: InsightsError(.invalidInput, "threshold is 2.0; isolation-forest scores are in (0, 1]")) {
            try run(values, .isolationForest, threshold: 2)
        }
        #expect(throws: InsightsError(.invalidInput, "threshold is -1.0; it must be finite and > 0")) { try run(values, .robust, threshold: -1) }
        let f = FakeQuery()
        let e = #expect(throws: InsightsError.self) {
            try AnomalyDetection.run(AnomalyRequest(query: Self.query, range: TimeRange(start: monday, end: monday + day), step: hour),
                                     query: f.function)
        }
        #expect(e?.code == .noData)
        #expect(throws: InsightsError.self) {
            try AnomalyDetection.run(AnomalyRequest(query: Self.query, range: TimeRange(start: monday, end: monday + day), step: hour,
                                                    window: 4), query: f.function)
        }
    }

    @Test func shortSeriesAreReportedNotScored() throws {
        let (report, found) = try run([1, 2, 3], .robust)
        #expect(found.isEmpty)
        #expect(report.series.first?.note == "3 points; at least 8 needed to score")
    }
}
