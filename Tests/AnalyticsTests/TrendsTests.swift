import Analytics
import EventStore
import Foundation
import Testing

@Suite struct TrendsTests {
    /// Three users over three days; values on purchases.
    var events: Events {
        var e = Events()
        e.add("a", T.at(hour: 1), "open", props: ["plan": .string("pro")])
        e.add("a", T.at(hour: 2), "open", props: ["plan": .string("pro")])
        e.add("b", T.at(hour: 3), "open", platform: "android")
        e.add("a", T.at(hour: 4), "buy", props: ["plan": .string("pro")], value: 10)
        e.add("c", T.at(day: 1, hour: 1), "open", props: ["plan": .string("free")], platform: "web")
        e.add("b", T.at(day: 1, hour: 2), "buy", platform: "android", value: 5)
        e.add("b", T.at(day: 1, hour: 3), "buy", platform: "android")  // no value
        e.add(nil, T.at(day: 2, hour: 1), "open", platform: nil)      // no user
        e.add("c", T.at(day: 2, hour: 2), "buy", props: ["plan": .string("free")], platform: "web", value: 7)
        return e
    }

    func points(_ s: Trends.Series) -> [Double] { s.points.map(\.value) }

    @Test func mathsByDay() throws {
        let reader = events.reader
        let count = try Trends.run(Trends.Request(), on: reader)
        #expect(count.series.count == 1)
        #expect(count.series[0].breakdown == nil)
        #expect(count.series[0].points.map(\.label) == ["2026-01-05", "2026-01-06", "2026-01-07"])
        #expect(points(count.series[0]) == [4, 3, 2])
        #expect(count.series[0].total == 9)

        let unique = try Trends.run(Trends.Request(math: .uniqueUsers), on: reader)
        #expect(points(unique.series[0]) == [2, 2, 1])  // the event without a user is not a user
        #expect(unique.series[0].total == 3)

        let sum = try Trends.run(Trends.Request(action: "buy", math: .sum), on: reader)
        #expect(points(sum.series[0]) == [10, 5, 7])
        let average = try Trends.run(Trends.Request(action: "buy", math: .average), on: reader)
        #expect(points(average.series[0]) == [10, 5, 7])  // the purchase without a value is left out
        #expect(average.series[0].total == 22.0 / 3)
    }

    @Test func breakdownByPropertyHasANullSeries() throws {
        let result = try Trends.run(Trends.Request(math: .count, breakdown: .property("plan")), on: events.reader)
        #expect(result.series.map(\.breakdown) == [.null, .string("pro"), .string("free")])  // most events first
        #expect(result.series.map(\.total) == [4, 3, 2])
        #expect(points(result.series[0]) == [1, 2, 1])
        #expect(points(result.series[1]) == [3, 0, 0])
        #expect(result.warnings.isEmpty)
    }

    @Test func breakdownIsCappedAndSaysSo() throws {
        let result = try Trends.run(Trends.Request(breakdown: .column(.platform), breakdownLimit: 2), on: events.reader)
        // android 3, ios 3, web 2, and null 1 (the event without a platform); ties by value
        #expect(result.series.map(\.breakdown) == [.string("android"), .string("ios")])
        #expect(result.series.map(\.total) == [3, 3])
        #expect(result.warnings.count == 1)
        #expect(result.warnings[0].contains("has 4 values"))
    }

    @Test func filtersAndRange() throws {
        let reader = events.reader
        let ios = try Trends.run(Trends.Request(filters: [.equals(.column(.platform), .string("ios"))]), on: reader)
        #expect(points(ios.series[0]) == [3, 0, 0])
        let notPro = try Trends.run(Trends.Request(filters: [EventFilter(.property("plan"), .neq, value: .string("pro"))]), on: reader)
        #expect(notPro.series[0].total == 6)
        let inPlans = try Trends.run(Trends.Request(filters: [EventFilter(.property("plan"), .in, values: [.string("free"), .string("gold")])]), on: reader)
        #expect(inPlans.series[0].total == 2)
        let hasPlan = try Trends.run(Trends.Request(filters: [EventFilter(.property("plan"), .isSet)]), on: reader)
        #expect(hasPlan.series[0].total == 5)
        let unknown = try Trends.run(Trends.Request(action: "never", filters: []), on: reader)
        #expect(unknown.series[0].total == 0)

        let day2 = try Trends.run(Trends.Request(interval: .hour, from: T.at(day: 1), to: T.at(day: 1, hour: 3)), on: reader)
        #expect(day2.series[0].points.map(\.label) == ["2026-01-06T00:00:00Z", "2026-01-06T01:00:00Z", "2026-01-06T02:00:00Z"])
        #expect(points(day2.series[0]) == [0, 1, 1])
    }

    @Test func sameAnswerWhenBlocksOverlap() throws {
        let request = Trends.Request(math: .uniqueUsers, interval: .hour, breakdown: .column(.platform))
        let plain = try Trends.run(request, on: events.reader)
        let overlapping = try Trends.run(request, on: OverlappingReader(events: events.list, blocks: 3))
        #expect(plain == overlapping)
    }

    @Test func badRequestsSayWhatIsWrong() throws {
        let interval = #expect(throws: AnalyticsError.self) { try decode(Trends.Request.self, #"{"interval": "fortnight"}"#) }
        #expect(interval?.says("interval: unknown value \"fortnight\"") == true)
        let field = #expect(throws: AnalyticsError.self) { try decode(Trends.Request.self, #"{"breakdown": "colour"}"#) }
        #expect(field?.says("breakdown: unknown field \"colour\"") == true)
        let limit = #expect(throws: AnalyticsError.self) { try Trends.run(Trends.Request(breakdownLimit: 0), on: events.reader) }
        #expect(limit?.says("breakdown_limit") == true)
        let range = #expect(throws: AnalyticsError.self) { try Trends.run(Trends.Request(from: 10, to: 10), on: events.reader) }
        #expect(range?.code == .invalidRequest)
        let run = #expect(throws: AnalyticsError.self) {
            try Trends.run(decode(Trends.Request.self, #"{"filters": [{"field": "platform", "op": "in"}]}"#), on: events.reader)
        }
        #expect(run?.says("filters[0].values") == true)
        let type = #expect(throws: AnalyticsError.self) { try decode(Trends.Request.self, #"{"from": "yesterday"}"#) }
        #expect(type?.says("from: expected a number") == true)
        let points = #expect(throws: AnalyticsError.self) {
            try Trends.run(Trends.Request(interval: .minute, from: 0, to: T.day * 100), on: events.reader)
        }
        #expect(points?.code == .tooLarge)
    }

    @Test func resultsEncodeAsDocumented() throws {
        let result = try Trends.run(Trends.Request(breakdown: .column(.platform), breakdownLimit: 1), on: events.reader)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(result), as: UTF8.self)
        #expect(json.contains(#"{"interval":"day","series":[{"breakdown":"android","points":[["2026-01-05",1],["2026-01-06",2],["2026-01-07",0]],"total":3}],"warnings":["#))
    }
}
