import Analytics
import EventStore
import Testing

@Suite struct FunnelTests {
    static let steps = ["signup", "view", "buy"].map { Funnel.Step($0) }

    /// Users a-f, each a case of the rules (window 1 hour).
    var events: Events {
        var e = Events()
        let m = T.minute, t0 = T.at(day: 1)
        // a: all three in order.
        e.add("a", t0, "signup", platform: "android")
        e.add("a", t0 + 10 * m, "view")
        e.add("a", t0 + 50 * m, "buy")
        // b: a view at the signup's instant does not count; the later one does; buy is too late.
        e.add("b", t0, "signup")
        e.add("b", t0, "view")
        e.add("b", t0 + 5 * m, "view")
        e.add("b", t0 + 120 * m, "buy")
        // c: view before signup.
        e.add("c", t0, "view")
        e.add("c", t0 + m, "signup")
        // d: only the second signup leaves time for the buy.
        e.add("d", t0, "signup")
        e.add("d", t0 + 50 * m, "signup")
        e.add("d", t0 + 55 * m, "view")
        e.add("d", t0 + 100 * m, "buy", props: ["plan": .string("pro")])
        // e: a view exactly at the end of the window counts.
        e.add("e", t0, "signup")
        e.add("e", t0 + 60 * m, "view")
        // f: another event between signup and view (breaks strict only).
        e.add("f", t0, "signup")
        e.add("f", t0 + m, "scroll")
        e.add("f", t0 + 2 * m, "view")
        return e
    }

    func run(_ mode: Funnel.Mode, steps: [Funnel.Step] = steps, breakdown: EventField? = nil, on reader: (any EventReader)? = nil) throws -> Funnel.Result {
        try Funnel.run(Funnel.Request(steps: steps, mode: mode, windowSeconds: 3600, breakdown: breakdown), on: reader ?? events.reader)
    }

    @Test func sequential() throws {
        let result = try run(.sequential)
        #expect(result.steps.map(\.users) == [6, 5, 2])
        #expect(result.steps.map(\.dropOff) == [0, 1, 3])
        #expect(result.steps.map(\.conversionFromPrevious) == [1, 5.0 / 6, 2.0 / 5])
        #expect(result.steps.map(\.conversionFromFirst) == [1, 5.0 / 6, 2.0 / 6])
        // view: a 600 s, b 300, d 300 (from the later signup), e 3600, f 120; buy: a 2400, d 2700
        #expect(result.steps.map(\.medianSecondsToConvert) == [nil, 300, 2550])
    }

    @Test func strictBreaksOnOtherEventsOnly() throws {
        let result = try run(.strict)
        #expect(result.steps.map(\.users) == [6, 4, 2])  // f's scroll breaks it; b's simultaneous view does not
    }

    @Test func anyOrder() throws {
        let result = try run(.anyOrder)
        #expect(result.steps.map(\.users) == [6, 6, 2])  // c did both steps, in the other order
    }

    @Test func breakdownByFirstTouch() throws {
        let result = try run(.sequential, breakdown: .column(.platform))
        let breakdowns = try #require(result.breakdowns)
        #expect(breakdowns.map(\.breakdown) == [.string("ios"), .string("android")])
        #expect(breakdowns.map { $0.steps.map(\.users) } == [[5, 4, 1], [1, 1, 1]])
        #expect(result.steps.map(\.users) == [6, 5, 2])
    }

    @Test func stepFilters() throws {
        var steps = FunnelTests.steps
        steps[2].filters = [.equals(.property("plan"), .string("pro"))]
        #expect(try run(.sequential, steps: steps).steps.map(\.users) == [6, 5, 1])
    }

    @Test func sameAnswerWhenBlocksOverlap() throws {
        for mode in Funnel.Mode.allCases {
            #expect(try run(mode, on: OverlappingReader(events: events.list, blocks: 4)) == run(mode))
        }
    }

    @Test func badRequests() throws {
        let reader = events.reader
        let empty = #expect(throws: AnalyticsError.self) { try Funnel.run(Funnel.Request(steps: []), on: reader) }
        #expect(empty?.says("steps: a funnel needs at least one step") == true)
        let window = #expect(throws: AnalyticsError.self) { try Funnel.run(Funnel.Request(steps: FunnelTests.steps, windowSeconds: 0), on: reader) }
        #expect(window?.says("window_seconds: 0 is not positive") == true)
        let mode = #expect(throws: AnalyticsError.self) {
            try decode(Funnel.Request.self, #"{"steps": [{"action": "a"}], "mode": "loose"}"#)
        }
        #expect(mode?.says("mode: unknown value \"loose\"") == true)
        let missing = #expect(throws: AnalyticsError.self) { try decode(Funnel.Request.self, #"{"mode": "strict"}"#) }
        #expect(missing?.says("steps: required") == true)
        let action = #expect(throws: AnalyticsError.self) {
            try Funnel.run(decode(Funnel.Request.self, #"{"steps": [{"action": "a"}, {"action": ""}]}"#), on: reader)
        }
        #expect(action?.says("steps[1].action: must not be empty") == true)
        let many = #expect(throws: AnalyticsError.self) {
            try Funnel.run(Funnel.Request(steps: Array(repeating: Funnel.Step("a"), count: 21)), on: reader)
        }
        #expect(many?.says("more than the 20 allowed") == true)
    }
}
