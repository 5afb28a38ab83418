import MetricsTestKit
import SextantClient
import Testing

@Suite struct MeasureTests {
    struct Failure: Error, Equatable {}

    @Test func syncBlockIsTimedAndReturnsItsValue() throws {
        let metrics = TestMetrics()
        let value = measure("parse_duration_seconds", [("format", "csv")], factory: metrics) { 6 * 7 }
        #expect(value == 42)
        let timer = try metrics.expectTimer("parse_duration_seconds", [("format", "csv")])
        #expect(timer.values.count == 1)
        #expect(timer.values[0] >= 0)
        #expect(timer.displayUnit == .seconds)
        #expect(metrics.counters(label: "parse_errors_total").isEmpty)
    }

    @Test func asyncBlockIsTimed() async throws {
        let metrics = TestMetrics()
        let value = await measure("fetch_duration_seconds", factory: metrics) { () async -> String in
            await Task.yield()
            return "done"
        }
        #expect(value == "done")
        #expect(try metrics.expectTimer("fetch_duration_seconds").values.count == 1)
    }

    @Test func syncThrowIsTimedCountedAndRethrown() throws {
        let metrics = TestMetrics()
        #expect(throws: Failure()) {
            try measure("db_query_duration_seconds", [("table", "users")], factory: metrics) { () throws -> Int in throw Failure() }
        }
        #expect(try metrics.expectTimer("db_query_duration_seconds", [("table", "users")]).values.count == 1)
        #expect(try metrics.expectCounter("db_query_errors_total", [("table", "users")]).totalValue == 1)
    }

    @Test func asyncThrowIsTimedCountedAndRethrown() async throws {
        let metrics = TestMetrics()
        await #expect(throws: Failure()) {
            try await measure("checkout", factory: metrics) { () async throws -> Int in
                await Task.yield()
                throw Failure()
            }
        }
        #expect(try metrics.expectTimer("checkout").values.count == 1)
        #expect(try metrics.expectCounter("checkout_errors_total").totalValue == 1)
    }

    @Test func aMeasureMadeOnceRecordsEveryCall() async throws {
        let metrics = TestMetrics()
        let query = Measure("db_query_duration_seconds", [("table", "users")], factory: metrics)
        #expect(query { 1 } + query { 2 } == 3)
        #expect(await query { () async in 3 } == 3)
        #expect(throws: Failure()) { try query { () throws -> Int in throw Failure() } }
        await #expect(throws: Failure()) { try await query { () async throws -> Int in throw Failure() } }
        #expect(try metrics.expectTimer("db_query_duration_seconds", [("table", "users")]).values.count == 5)
        #expect(try metrics.expectCounter("db_query_errors_total", [("table", "users")]).totalValue == 2)
    }

    @Test func successesDoNotCountErrors() throws {
        let metrics = TestMetrics()
        for _ in 0..<3 { try measure("render_seconds", factory: metrics) { () throws in } }
        #expect(try metrics.expectTimer("render_seconds").values.count == 3)
        #expect(metrics.counters(label: "render_errors_total").isEmpty)
    }
}
