import Analytics
import EventStore
import Foundation

/// Small hand-made event sets for the analysis tests.
enum T {
    /// 2026-01-05 00:00 UTC, a Monday.
    static let monday: Int64 = 1_767_571_200_000
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    /// `monday` plus `days`, `hours` and `minutes`.
    static func at(day d: Int64 = 0, hour h: Int64 = 0, minute m: Int64 = 0, ms: Int64 = 0) -> Int64 {
        monday + d * day + h * hour + m * minute + ms
    }
}

/// Builds events with unique ids.
struct Events {
    private(set) var list: [Event] = []

    mutating func add(_ user: String?, _ t: Int64, _ action: String, props: [String: PropertyValue] = [:],
                      platform: String? = "ios", value: Double? = nil, session: String? = nil, category: String = "usage") {
        list.append(Event(id: "e\(list.count)", timestamp: t, userId: user, sessionId: session, eventType: "user_action",
                          category: category, action: action, value: value, properties: props,
                          device: DeviceInfo(platform: platform)))
    }

    var reader: MemoryEventReader { MemoryEventReader(events: list) }
}

/// A reader whose blocks overlap in time: the events go round-robin into `blocks` blocks, so
/// every block spans the whole range.
struct OverlappingReader: EventReader {
    let terms: any TermLookup
    let users: any UserLookup
    let stored: [MemoryEventBlock]

    init(events: [Event], blocks: Int) {
        let t = TermDictionary(), u = UserDictionary()
        stored = (0..<blocks).map { b in
            MemoryEventBlock(events: events.enumerated().filter { $0.offset % blocks == b }.map(\.element), terms: t, users: u)
        }
        terms = t
        users = u
    }

    func blocks(from: Int64?, to: Int64?) -> [any EventBlock] { stored }
}

extension AnalyticsError {
    /// Whether this error says `text` somewhere.
    func says(_ text: String) -> Bool { message.contains(text) }
}

/// Decodes a request from JSON text the way the HTTP layer does.
func decode<R: Decodable>(_ type: R.Type, _ json: String) throws(AnalyticsError) -> R {
    try AnalyticsRequest.decode(type, from: Data(json.utf8))
}
