import Testing
@testable import Statistics

/// Change points (PELT against brute force and ruptures, CUSUM against its recursion), anomaly
/// scores against scipy, the hour-of-week baseline against numpy grouping, and the isolation
/// forest against scikit-learn.
@Suite struct DetectionTests {
    struct PELTCase: Decodable { let name: String; let values: [Double]; let penalty: Double; let minSegmentLength: Int; let bruteForce: [Int]; let ruptures: [Int]? }
    struct Alarm: Decodable { let index, start: Int; let direction: String }
    struct CUSUMCase: Decodable { let values: [Double]; let baseline: Int; let slack, threshold, target, sigma: Double; let upper, lower: [Double]; let alarms: [Alarm] }
    struct ChangeFile: Decodable { let pelt: [PELTCase]; let cusum: [CUSUMCase]; let ruptures: Bool }

    @Test func peltIsOptimalAndMatchesRuptures() throws {
        let f: ChangeFile = try Fixtures.load("changepoints")
        if !f.ruptures { print("skipped ruptures comparison: pip install ruptures, then rerun scripts/statistics_fixtures.py") }
        for c in f.pelt {
            let cps = try peltChangePoints(c.values, penalty: c.penalty, minSegmentLength: c.minSegmentLength)
            #expect(cps == c.bruteForce, "\(c.name): \(cps) vs optimal \(c.bruteForce)")
            if let r = c.ruptures { #expect(cps == r, "\(c.name): \(cps) vs ruptures \(r)") }
        }
        #expect(try peltChangePoints([1, 2, 3], penalty: 1, minSegmentLength: 2) == [])
        #expect(throws: StatisticsError.self) { try peltChangePoints([1, .nan], penalty: 1) }
        #expect(throws: StatisticsError.self) { try peltChangePoints([1, 2], penalty: -1) }
    }

    @Test func cusumFollowsPage() throws {
        let f: ChangeFile = try Fixtures.load("changepoints")
        for c in f.cusum {
            let r = try cusum(c.values, baseline: c.baseline, slack: c.slack, threshold: c.threshold)
            expectClose(r.upper, c.upper, relative: 1e-9, absolute: 1e-12, "upper k=\(c.slack)")
            expectClose(r.lower, c.lower, relative: 1e-9, absolute: 1e-12, "lower k=\(c.slack)")
            #expect(r.alarms == c.alarms.map { CUSUMAlarm(index: $0.index, start: $0.start, direction: $0.direction == "up" ? .up : .down) })
            #expect(!r.alarms.isEmpty)
        }
        #expect(throws: StatisticsError.self) { try cusum([1, 1, 1, 1]) }
    }

    struct ZCase: Decodable { let values, z: [Double]; let robust: [Double]? }
    struct Bucket: Decodable { let count: Int; let median, scale: Double }
    struct Probe: Decodable { let timestamp, value: Double; let score: Double? }
    struct Seasonal: Decodable { let timestamps, values: [Double]; let utcOffsetSeconds: Int; let buckets: [Bucket?]; let probes: [Probe] }
    struct AnomalyFile: Decodable { let zscores: [ZCase]; let madScale: Double; let seasonal: Seasonal }

    @Test func anomalyScoresMatchScipy() throws {
        let f: AnomalyFile = try Fixtures.load("anomaly")
        expectClose(madNormalScale, f.madScale, relative: 1e-15, "1/Φ⁻¹(3/4)")
        for c in f.zscores {
            expectClose(try zScores(c.values), c.z, relative: 1e-12, absolute: 1e-14, "z of \(c.values.count) values")
            if let robust = c.robust {
                expectClose(try robustZScores(c.values), robust, relative: 1e-12, absolute: 1e-14, "robust z")
            }
        }
        // MAD 0: the mean absolute deviation takes over, so the spike still stands out.
        let flat = try robustZScores([1, 1, 1, 1, 1, 9, 1])
        #expect(flat[5] > 5 && flat[0] == 0)
        #expect(try robustZScores([2, 2, 2]) == [0, 0, 0])
        #expect(throws: StatisticsError.self) { try zScores([3, 3]) }
    }

    @Test func seasonalBaselineGroupsByHourOfWeek() throws {
        let s = try Fixtures.load("anomaly", as: AnomalyFile.self).seasonal
        let baseline = try SeasonalBaseline(timestamps: s.timestamps, values: s.values, utcOffsetSeconds: s.utcOffsetSeconds)
        for (hour, expected) in s.buckets.enumerated() {
            let ours = baseline.buckets[hour]
            #expect((ours == nil) == (expected == nil), "hour \(hour)")
            if let ours, let expected {
                #expect(ours.count == expected.count, "hour \(hour) count")
                expectClose(ours.median, expected.median, relative: 1e-12, "hour \(hour) median")
                expectClose(ours.scale, expected.scale, relative: 1e-12, "hour \(hour) scale")
            }
        }
        for p in s.probes {
            let score = baseline.score(p.value, at: p.timestamp)
            #expect((score == nil) == (p.score == nil))
            if let score, let expected = p.score { expectClose(score, expected, relative: 1e-12, "score at \(p.timestamp)") }
        }
        // 2024-01-01 00:30 UTC was a Monday.
        #expect(SeasonalBaseline.hourOfWeek(1_704_069_000) == 0)
        #expect(SeasonalBaseline.hourOfWeek(1_704_069_000, -3600) == 167)
    }

    struct PathLengths: Decodable { let n: [Int]; let c: [Double] }
    struct ForestFile: Decodable { let data: [[Double]]; let sklearnScores: [Double]; let top8: [Int]; let averagePathLength: PathLengths }

    @Test func isolationForestRanksLikeSklearn() throws {
        let f: ForestFile = try Fixtures.load("iforest")
        for (n, c) in zip(f.averagePathLength.n, f.averagePathLength.c) {
            #expect(IsolationForest.averagePathLength(n) == c, "c(\(n))")
        }
        for seed: UInt64 in [1, 2, 3] {
            let forest = try IsolationForest(data: f.data, seed: seed)
            let scores = try forest.scores(f.data)
            let top = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(8).sorted()
            #expect(top == f.top8, "seed \(seed): top 8 \(top) vs sklearn \(f.top8)")
            // Same distribution of scores as sklearn's: inlier medians agree to a few percent.
            let ourMedian = try median(scores), theirMedian = try median(f.sklearnScores)
            expectClose(ourMedian, theirMedian, relative: 0.05, "median score")
        }
        let again = try IsolationForest(data: f.data, seed: 1).score(f.data[0])
        #expect(again == (try IsolationForest(data: f.data, seed: 1).score(f.data[0])))
        #expect(throws: StatisticsError.self) { try IsolationForest(data: [[1, 2], [3]], seed: 0) }
    }
}
