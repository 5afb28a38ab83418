import AppState
import EventStore
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Web

/// A small product's events (2026-01-05 is a Monday): three users through a funnel, an
/// experiment, AI recommendations and payments, and one event without a user.
enum AnalyticsFixture {
    static let monday: Int64 = 1_767_571_200_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    static var events: [Event] {
        var list: [Event] = []
        func add(_ user: String?, _ t: Int64, _ action: String, platform: String = "ios", value: Double? = nil,
                 props: [String: PropertyValue] = [:]) {
            list.append(Event(id: "e\(list.count)", timestamp: monday + t, userId: user, eventType: "user_action", category: "usage",
                              action: action, value: value, properties: props, device: DeviceInfo(platform: platform)))
        }
        let control: [String: PropertyValue] = ["experiment": .string("rec_model"), "variant": .string("control")]
        let test: [String: PropertyValue] = ["experiment": .string("rec_model"), "variant": .string("test")]
        let v1: [String: PropertyValue] = ["model_version": .string("rec-v1")], v2: [String: PropertyValue] = ["model_version": .string("rec-v2")]
        add("u1", hour, "signup")
        add("u1", hour + 1, "$experiment_exposure", props: control)
        add("u1", 2 * hour, "onboarding_completed")
        add("u1", 2 * hour + 1, "recommendation_shown", props: v1)
        add("u1", 2 * hour + 2, "recommendation_accepted", props: v1)
        add("u1", day, "workout_completed")
        add("u1", day + 1, "satisfaction_rated", value: 4, props: v1)
        add("u1", 2 * day, "subscription_started")
        add("u1", 2 * day + 1, "payment", value: 9.99)
        add("u2", hour, "signup", platform: "android")
        add("u2", hour + 1, "$experiment_exposure", platform: "android", props: test)
        add("u2", hour + 2, "recommendation_shown", platform: "android", props: v2)
        add("u2", hour + 3, "recommendation_rejected", platform: "android", props: v2)
        add("u2", 8 * day, "screen_view", platform: "android")
        add("u2", 10 * day, "onboarding_completed", platform: "android")
        add("u3", day + hour, "signup", platform: "web")
        add("u3", day + 2 * hour, "onboarding_completed", platform: "web")
        add("u3", day + 2 * hour + 1, "$experiment_exposure", platform: "web", props: test)
        add("u3", day + 2 * hour + 2, "recommendation_accepted", platform: "web", props: v2)
        add("u3", 3 * day, "payment", platform: "web", value: 20.01)
        add(nil, day, "screen_view")
        return list
    }

    /// The analytics and cohort routes over the fixture's events and a fresh in-memory AppState.
    static func app(events: [Event] = AnalyticsFixture.events) throws -> some ApplicationProtocol {
        let router = Router(context: SextantRequestContext.self)
        let analyses = AnalyticsRoutes(reader: MemoryEventReader(events: events), state: try AppState.inMemory(),
                                       evaluation: EvaluationQueue(maxConcurrency: 2), timeout: .seconds(60))
        analyses.register(on: router)
        CohortRoutes(analyses: analyses).register(on: router)
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

extension TestClientProtocol {
    /// POSTs `body` (JSON text) and returns the status and the parsed answer (empty when not an object).
    func postJSON(_ path: String, _ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await execute(uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) { r in
            (r.status, (try? JSONSerialization.jsonObject(with: Data(r.body.readableBytesView))) as? [String: Any] ?? [:])
        }
    }

    func getJSON(_ path: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await execute(uri: path, method: .get) { r in
            (r.status, (try? JSONSerialization.jsonObject(with: Data(r.body.readableBytesView))) as? [String: Any] ?? [:])
        }
    }
}

/// Reading JSONSerialization values in assertions.
func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }
func objects(_ value: Any?) -> [[String: Any]] { value as? [[String: Any]] ?? [] }
