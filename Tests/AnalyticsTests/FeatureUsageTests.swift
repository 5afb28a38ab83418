import Analytics
import EventStore
import Testing

@Suite struct FeatureUsageTests {
    var events: Events {
        var e = Events()
        e.add("u1", T.at(hour: 1), "screen_view", props: ["screen": .string("home")])
        e.add("u1", T.at(hour: 2), "screen_view", props: ["screen": .string("coach")])
        e.add("u2", T.at(hour: 1), "screen_view", props: ["screen": .string("home")])
        e.add("u3", T.at(hour: 1), "open")
        e.add("u1", T.at(day: 1), "screen_view", props: ["screen": .string("coach")])
        return e
    }

    @Test func byPropertyValue() throws {
        let r = try FeatureUsage.run(FeatureUsage.Request(featureField: .property("screen"), action: "screen_view"), on: events.reader)
        #expect(r.activeUsers == 3)
        #expect(r.activeUsersOverTime.map(\.value) == [3, 1])
        #expect(r.features.map(\.feature) == [.string("coach"), .string("home")])
        #expect(r.features.map(\.users) == [1, 2])
        #expect(r.features.map(\.events) == [2, 2])
        #expect(r.features.map(\.adoption) == [1.0 / 3, 2.0 / 3])
        #expect(r.features[0].periods.map(\.users) == [1, 1])
        #expect(r.features[0].periods.map(\.adoption) == [1.0 / 3, 1])
    }

    @Test func listedFeatures() throws {
        let features = [FeatureUsage.Feature(name: "coach", action: "screen_view", filters: [.equals(.property("screen"), .string("coach"))]),
                        FeatureUsage.Feature(name: "any screen", action: "screen_view")]
        let r = try FeatureUsage.run(FeatureUsage.Request(features: features, interval: .week), on: events.reader)
        #expect(r.features.map(\.feature) == [.string("coach"), .string("any screen")])
        #expect(r.features.map(\.users) == [1, 2])
        #expect(r.features.map(\.events) == [2, 4])
        #expect(r.features[1].periods.map(\.start) == ["2026-01-05"])
        let both = #expect(throws: AnalyticsError.self) {
            try FeatureUsage.run(FeatureUsage.Request(features: features, featureField: .property("screen")), on: events.reader)
        }
        #expect(both?.says("either features or feature_field") == true)
    }
}
