import EventStore
import Testing

@Suite struct MemoryEventReaderTests {
    func event(_ id: String, _ t: Int64, user: String?, action: String, props: [String: PropertyValue] = [:]) -> Event {
        Event(id: id, timestamp: t, userId: user, eventType: "user_action", category: "usage", action: action,
              properties: props, device: DeviceInfo(platform: "ios"))
    }

    @Test func blocksAreDaysInTimeOrderWithSharedIds() {
        let day: Int64 = 86_400_000
        let reader = MemoryEventReader(events: [
            event("b", day + 5, user: "u1", action: "signup"),
            event("a", 7, user: "u2", action: "signup", props: ["plan": .string("annual")]),
            event("c", 3, user: "u1", action: "open"),
        ])
        let blocks = reader.blocks(from: nil, to: nil)
        #expect(blocks.map(\.count) == [2, 1])
        #expect(blocks[0].timestamps() == [3, 7])
        let signup = reader.terms.id(of: .string("signup"))!
        #expect(blocks[0].terms(.action)[1] == signup)
        #expect(blocks[1].terms(.action)[0] == signup)
        #expect(blocks[0].users() == [reader.users.id(of: "u1")!, reader.users.id(of: "u2")!])
        let plan = reader.terms.id(of: .string("plan"))!
        #expect(blocks[0].property(plan) == [0, reader.terms.id(of: .string("annual"))!])
        #expect(blocks[1].property(plan) == nil)
        #expect(reader.blocks(from: day, to: nil).count == 1)
        #expect(reader.blocks(from: nil, to: day).count == 1)
    }

    @Test func mergedPersonsShareAnId() {
        let reader = MemoryEventReader(events: [
            event("a", 1, user: "anon-1", action: "open"),
            event("b", 2, user: "alice", action: "signup"),
        ], aliases: [("anon-1", "alice")])
        let users = reader.blocks(from: nil, to: nil)[0].users()
        #expect(users[0] == users[1])
        #expect(reader.users.id(of: "anon-1") == reader.users.id(of: "alice"))
    }
}
