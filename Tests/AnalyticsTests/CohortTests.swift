import Analytics
import EventStore
import Foundation
import Testing

@Suite struct CohortTests {
    var events: Events {
        var e = Events()
        for d in [1, 2, 3] as [Int64] { e.add("u1", T.at(day: d), "workout") }
        e.add("u1", T.at(day: 4), "subscribe")
        for h in [1, 2, 3] as [Int64] { e.add("u2", T.at(day: 1, hour: h), "workout", props: ["intensity": .string("high")]) }
        e.add("u3", T.at(day: 9), "workout")
        e.add("u3", T.at(day: 9, hour: 1), "subscribe")
        return e
    }

    func members(_ d: CohortDefinition) throws -> [String] {
        try Cohorts.run(Cohorts.Request(definition: d, asOf: T.at(day: 10)), on: events.reader).users
    }

    let threeWorkouts = CohortDefinition.performed(.init(action: "workout", minCount: 3))
    let subscribed = CohortDefinition.performed(.init(action: "subscribe"))

    @Test func andOrWindowsAndFilters() throws {
        #expect(try members(.and([threeWorkouts, subscribed])) == ["u1"])
        #expect(try members(.or([threeWorkouts, subscribed])) == ["u1", "u2", "u3"])
        #expect(try members(.performed(.init(action: "workout", withinDays: 2))) == ["u3"])
        #expect(try members(.performed(.init(action: "workout", from: T.at(day: 2), to: T.at(day: 4)))) == ["u1"])
        #expect(try members(.performed(.init(action: "workout", minCount: 3, filters: [.equals(.property("intensity"), .string("high"))]))) == ["u2"])
        #expect(try members(.and([.or([threeWorkouts, subscribed]), .performed(.init(action: "workout", withinDays: 8))])) == ["u1", "u3"])
        let limited = try Cohorts.run(Cohorts.Request(definition: .or([threeWorkouts, subscribed]), asOf: T.at(day: 10), userLimit: 2), on: events.reader)
        #expect(limited.count == 3)
        #expect(limited.users == ["u1", "u2"])
        #expect(limited.truncated)
    }

    @Test func definitionsDecodeFromTheirJSON() throws {
        let json = #"{"and": [{"action": "workout", "min_count": 3}, {"or": [{"action": "subscribe", "within_days": 30}]}]}"#
        let d = try JSONDecoder().decode(CohortDefinition.self, from: Data(json.utf8))
        #expect(d == .and([threeWorkouts, .or([.performed(.init(action: "subscribe", withinDays: 30))])]))
        let again = try JSONDecoder().decode(CohortDefinition.self, from: JSONEncoder().encode(d))
        #expect(again == d)
    }

    @Test func badDefinitions() throws {
        let zero = #expect(throws: AnalyticsError.self) { try members(.performed(.init(action: "workout", minCount: 0))) }
        #expect(zero?.says("definition.min_count") == true)
        let empty = #expect(throws: AnalyticsError.self) { try members(.and([subscribed, .or([])])) }
        #expect(empty?.says("definition.and[1].or: needs at least one definition") == true)
        var deep = subscribed
        for _ in 0..<10 { deep = .and([deep]) }
        let tooDeep = #expect(throws: AnalyticsError.self) { try members(deep) }
        #expect(tooDeep?.says("nested deeper than 10") == true)
        let both = #expect(throws: AnalyticsError.self) { try members(.performed(.init(action: "x", withinDays: 3, from: 0))) }
        #expect(both?.says("within_days or from/to") == true)
        let many = #expect(throws: AnalyticsError.self) { try members(.or(Array(repeating: subscribed, count: 51))) }
        #expect(many?.code == .tooLarge)
    }
}
