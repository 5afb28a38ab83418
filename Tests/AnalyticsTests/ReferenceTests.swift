import Analytics
import EventStore
import Foundation
import Testing

/// Every analysis the DuckDB reference defines, on the same generated events, number for number.
@Suite struct ReferenceTests {
    @Test func dauIsUniqueUsersByDayAndPlatform() throws {
        guard let w = try ReferenceWorkload.get() else { return }
        let result = try Trends.run(Trends.Request(math: .uniqueUsers, interval: .day, breakdown: .column(.platform)), on: w.reader)
        var ours: [String: Int] = [:]
        for s in result.series {
            for p in s.points where p.value != 0 { ours["\(p.label) \(s.breakdown?.description ?? "null")"] = Int(p.value) }
        }
        var theirs: [String: Int] = [:]
        for r in w.rows("dau") { theirs["\(r.string(0)) \(r.string(1))"] = r.int(2) }
        #expect(!theirs.isEmpty)
        #expect(ours == theirs)
    }
}
