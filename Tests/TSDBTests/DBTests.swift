import Foundation
import Testing
@testable import TSDB

/// Where the data lives when it is read back: the same checks run against each.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case head, blocks, reopenedWAL, reopenedBlocks
    var testDescription: String { rawValue }

    /// Moves the database's data into this backend and returns the database to read from.
    func prepare(_ db: DB, dir: String) throws -> DB {
        switch self {
        case .head: return db
        case .blocks:
            try db.flush()
            return db
        case .reopenedWAL:
            try db.close()
            return try DB(directory: dir)
        case .reopenedBlocks:
            try db.flush()
            try db.close()
            return try DB(directory: dir)
        }
    }
}

@Suite struct DBTests {
    let t0: Int64 = 1_767_225_600_000

    @Test(arguments: Backend.allCases)
    func roundTripEdgeValues(backend: Backend) throws {
        let dir = TempDir(); defer { dir.cleanup() }
        var db = try DB(directory: dir.path)
        let values: [Double] = [0, -0.0, 1.5, -1e308, .greatestFiniteMagnitude, .leastNonzeroMagnitude,
                                .infinity, -.infinity, .nan, .staleMarker, 42]
        let samples = values.enumerated().map { (t0 + Int64($0.offset) * 15_000, $0.element) }
        try db.add(series("edge", ["job": "x"]), samples)
        db = try backend.prepare(db, dir: dir.path)
        let got = try db.all(series("edge", ["job": "x"]))
        #expect(got.count == values.count)
        #expect(zip(got, samples).allSatisfy { $0.t == $1.0 && $0.v.bitPattern == $1.1.bitPattern })
        #expect(got[9].v.isStaleMarker)
        try db.close()
    }

    @Test(arguments: Backend.allCases)
    func outOfOrderAndDuplicates(backend: Backend) throws {
        let dir = TempDir(); defer { dir.cleanup() }
        var db = try DB(directory: dir.path)
        let l = series("ooo")
        try db.add(l, [(t0 + 10_000, 1), (t0 + 20_000, 2), (t0 + 30_000, 3)])
        try db.add(l, [(t0 + 5_000, 0.5)])           // before everything
        try db.add(l, [(t0 + 15_000, 1.5)])          // in the middle
        try db.add(l, [(t0 + 20_000, 2)])            // exact repeat: idempotent
        try db.add(l, [(t0 + 30_000, 33)])           // new value for the newest timestamp: last write wins
        try db.add(l, [(t0 + 10_000, 11)])           // new value for an older timestamp: last write wins
        db = try backend.prepare(db, dir: dir.path)
        let got = try db.all(l).map { [Double($0.t - t0), $0.v] }
        #expect(got == [[5_000, 0.5], [10_000, 11], [15_000, 1.5], [20_000, 2], [30_000, 33]])
        try db.close()
    }

    @Test(arguments: Backend.allCases)
    func matchersSelectSeries(backend: Backend) throws {
        let dir = TempDir(); defer { dir.cleanup() }
        var db = try DB(directory: dir.path)
        for (i, code) in ["200", "404", "500"].enumerated() {
            for h in ["a", "b"] {
                try db.add(series("http_requests_total", ["code": code, "handler": h]), [(t0, Double(i))])
            }
        }
        try db.add(series("up", ["job": "node"]), [(t0, 1)])
        db = try backend.prepare(db, dir: dir.path)
        let q = db.querier(mint: t0 - 1, maxt: t0 + 1)
        func count(_ m: [Matcher]) throws -> Int { try q.select(m).count }
        let name = Matcher.equal("__name__", "http_requests_total")
        #expect(try count([name]) == 6)
        #expect(try count([name, try Matcher(.notEqual, "code", "200")]) == 4)
        #expect(try count([name, try Matcher(.regexMatch, "code", "5..|404")]) == 4)
        #expect(try count([name, try Matcher(.regexNoMatch, "code", "2.*")]) == 4)
        #expect(try count([name, try Matcher(.regexMatch, "code", "2|4")]) == 0)   // anchored
        #expect(try count([try Matcher(.equal, "job", "")]) == 6)                  // label absent
        #expect(try count([try Matcher(.regexMatch, "__name__", ".+")]) == 7)
        #expect(try q.series([name]).count == 6)
        #expect(try q.labelNames([]) == ["__name__", "code", "handler", "job"])
        #expect(try q.labelValues("code", []) == ["200", "404", "500"])
        // Outside the time range nothing is found.
        #expect(try db.querier(mint: t0 + 1, maxt: t0 + 1000).select([name]).isEmpty)
        try db.close()
    }

    @Test func headAndBlocksMergeAcrossCuts() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let db = try DB(directory: dir.path)
        let l = series("m")
        try db.add(l, (0..<100).map { (t0 + Int64($0) * 1000, Double($0)) })
        try db.flush()
        try db.add(l, (100..<200).map { (t0 + Int64($0) * 1000, Double($0)) })
        try db.add(l, [(t0 + 50_000, -1)])          // late overwrite of a sample already in a block
        let got = try db.all(l)
        #expect(got.count == 200)
        #expect(got[50].v == -1)
        #expect(got[199].v == 199)
        try db.flush()
        #expect(try db.all(l) == got)
        // The two overlapping blocks of the first window are merged, keeping the newest value.
        try db.maintain()
        #expect(db.blocks.count == 1)
        #expect(try db.all(l) == got)
        try db.close()
        let reopened = try DB(directory: dir.path)
        #expect(try reopened.all(l) == got)
        try reopened.close()
    }

    @Test func retentionByTimeDropsOldBlocks() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        var opts = DBOptions()
        opts.retention = 6 * 3600 * 1000
        let db = try DB(directory: dir.path, options: opts)
        let l = series("r")
        let hour: Int64 = 3600 * 1000
        try db.add(l, (0..<24).map { (t0 + Int64($0) * hour, Double($0)) })
        try db.flush()
        #expect(db.blocks.count == 12)
        db.applyRetention()
        let kept = try db.all(l)
        // Blocks ending before newest - 6h are gone; the ones overlapping the last 6h stay.
        #expect(kept.first!.t >= t0 + 16 * hour)
        #expect(kept.last!.t == t0 + 23 * hour)
        // Samples older than the retention period are refused, and say why.
        let rejected = try db.add(l, [(t0, 0)])
        #expect(rejected.count == 1 && rejected[0].reason.contains("retention"))
        try db.close()
    }

    @Test func retentionBySizeKeepsNewest() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        var opts = DBOptions()
        opts.retentionBytes = 1
        let db = try DB(directory: dir.path, options: opts)
        let hour: Int64 = 3600 * 1000
        try db.add(series("s"), (0..<10).map { (t0 + Int64($0) * hour, Double($0)) })
        try db.flush()
        #expect(db.blocks.count == 5)
        try db.maintain()
        #expect(db.blocks.isEmpty)
        try db.close()
    }

    @Test func futureSamplesAreRefused() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let db = try DB(directory: dir.path)
        let future = Int64(Date().timeIntervalSince1970 * 1000) + 48 * 3600 * 1000
        let rejected = try db.add(series("f"), [(t0, 1), (future, 2)])
        #expect(rejected.map(\.index) == [1])
        #expect(rejected[0].reason.contains("ahead"))
        #expect(try db.all(series("f")).count == 1)
        try db.close()
    }

    @Test func snapshotHoldsEverythingAndOpensAsADatabase() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let db = try DB(directory: dir.path)
        try db.add(series("a"), [(t0, 1), (t0 + 1000, 2)])
        try db.flush()
        try db.add(series("b"), [(t0 + 2000, 3)])       // still in the head
        let name = try db.snapshot()
        let snapDir = dir.path + "/snapshots/" + name
        #expect(FileManager.default.fileExists(atPath: snapDir))
        // New writes after the snapshot are not in it.
        try db.add(series("c"), [(t0 + 3000, 4)])
        let copy = try DB(directory: snapDir)
        #expect(try copy.all(series("a")).count == 2)
        #expect(try copy.all(series("b")).count == 1)
        #expect(try copy.all(series("c")).isEmpty)
        try copy.close()
        try db.close()
    }

    @Test func damagedBlockIsSetAside() throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let db = try DB(directory: dir.path)
        try db.add(series("a"), [(t0, 1)])
        let metas = try db.flush()
        try db.add(series("b"), [(t0 + 1000, 2)])
        try db.close()
        // Damage the block's index.
        let index = dir.path + "/" + metas[0].id + "/index"
        try Data(repeating: 0xAB, count: 64).write(to: URL(fileURLWithPath: index))
        let reopened = try DB(directory: dir.path)
        #expect(reopened.blocks.isEmpty)
        #expect(FileManager.default.fileExists(atPath: dir.path + "/corrupted/" + metas[0].id))
        #expect(try reopened.all(series("b")).count == 1)   // the rest is still served
        try reopened.close()
    }

    @Test func concurrentWritersAndReaders() async throws {
        let dir = TempDir(); defer { dir.cleanup() }
        let db = try DB(directory: dir.path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<4 {
                group.addTask {
                    for i in 0..<200 {
                        try db.add(series("c", ["w": "\(w)", "k": "\(i % 10)"]), [(t0 + Int64(i) * 1000, Double(i))])
                    }
                }
            }
            group.addTask {
                for _ in 0..<50 {
                    _ = try db.querier(mint: Int64.min, maxt: Int64.max).select([.equal("__name__", "c")])
                }
            }
            group.addTask {
                for _ in 0..<3 { try db.flush() }
            }
            try await group.waitForAll()
        }
        let all = try db.querier(mint: Int64.min, maxt: Int64.max).select([.equal("__name__", "c")])
        #expect(all.count == 40)
        #expect(all.reduce(0) { $0 + $1.samples.count } == 800)
        try db.close()
        let reopened = try DB(directory: dir.path)
        let again = try reopened.querier(mint: Int64.min, maxt: Int64.max).select([.equal("__name__", "c")])
        #expect(again.reduce(0) { $0 + $1.samples.count } == 800)
        try reopened.close()
    }
}
