import Foundation
import Synchronization
@testable import EventStore

/// A fresh empty directory under the system's temporary folder, removed by `cleanup`.
struct TempDir {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "sextant-events-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }

    /// Every regular file below the directory, as paths relative to it.
    func files() -> [String] {
        let e = FileManager.default.enumerator(atPath: path)
        var out: [String] = []
        while let name = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDir), !isDir.boolValue {
                out.append(name)
            }
        }
        return out.sorted()
    }
}

/// A clock the test moves by hand (ms since the epoch).
final class FakeClock: Sendable {
    private let ms: Atomic<Int64>
    init(_ start: Int64) { ms = Atomic(start) }
    var now: Int64 { ms.load(ordering: .relaxed) }
    func advance(days: Int64) { ms.add(days * 86_400_000, ordering: .relaxed) }
}

let jan1: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
let day: Int64 = 86_400_000

func options(_ clock: FakeClock) -> EventStoreOptions {
    var o = EventStoreOptions()
    o.now = { clock.now }
    return o
}

/// Events with every field used, spread over `days` days, deterministic.
func sampleEvents(_ n: Int, days: Int64 = 3, users: Int = 5, prefix: String = "e") -> [Event] {
    (0..<n).map { i in
        var props: [String: PropertyValue] = ["screen": .string("s\(i % 4)")]
        if i % 3 == 0 { props["n"] = .number(Double(i) * 0.5) }
        if i % 5 == 0 { props["flag"] = .bool(i % 2 == 0) }
        if i % 7 == 0 { props["nothing"] = .null }
        if i % 11 == 0 { props["obj"] = .json("{\"a\":[1,2]}") }
        return Event(
            id: "\(prefix)-\(i)", timestamp: jan1 + Int64(i) * (days * day / Int64(max(n, 1))),
            userId: i % 9 == 0 ? nil : "user-\(i % users)", sessionId: i % 4 == 0 ? nil : "sess-\(i / 10)",
            eventType: i % 2 == 0 ? "user_action" : "system_event", category: i % 6 == 0 ? "billing" : "usage",
            action: ["signup", "open", "pay", "tap"][i % 4], label: i % 8 == 0 ? "label-\(i)" : nil,
            value: i % 3 == 1 ? [9.99, 45.3, -2, 1e300, 0.1 + 0.2][i % 5] : nil, properties: props,
            device: DeviceInfo(platform: i % 2 == 0 ? "ios" : nil, appVersion: "3.\(i % 3)", osVersion: i % 5 == 0 ? nil : "17"),
            userSegment: i % 10 == 0 ? "pro" : nil)
    }
}

/// One event as analyses see it through the reader: every field but the id, strings resolved.
struct Row: Hashable {
    var timestamp: Int64
    var user: String?
    var strings: [String?]
    var value: Double?
    var properties: [String: PropertyValue]

    init(_ e: Event, user: String?) {
        timestamp = e.timestamp
        self.user = user
        strings = TermColumn.allCases.map { e.string($0) }
        value = e.value
        properties = e.properties
    }
}

/// Every event the reader serves, as rows; users come back under their canonical name.
func rows(_ reader: any EventReader, from: Int64? = nil, to: Int64? = nil) -> [Row] {
    var out: [Row] = []
    for b in reader.blocks(from: from, to: to) {
        let ts = b.timestamps(), us = b.users(), vs = b.values()
        let cols = TermColumn.allCases.map { b.terms($0) }
        let keys = b.propertyKeys().map { k -> (String, [UInt32]) in
            guard case .string(let name) = reader.terms.term(k) else { return ("?", []) }
            return (name, b.property(k) ?? [])
        }
        for i in 0..<b.count {
            var e = Event(id: "", timestamp: ts[i], eventType: "", category: "", action: "", value: vs[i].isNaN ? nil : vs[i])
            for c in TermColumn.allCases {
                let id = cols[c.rawValue][i]
                if id != 0, case .string(let s) = reader.terms.term(id) { e.setString(c, s) }
            }
            for (name, col) in keys where col[i] != 0 { e.properties[name] = reader.terms.term(col[i]) }
            out.append(Row(e, user: us[i] == 0 ? nil : reader.users.name(us[i])))
        }
    }
    return out
}

func expectedRows(_ events: [Event], canonical: (String) -> String = { $0 }) -> [Row] {
    events.map { Row($0, user: $0.userId.map(canonical)) }
}

/// Multiset equality of two row lists.
func sameRows(_ a: [Row], _ b: [Row]) -> Bool {
    var counts: [Row: Int] = [:]
    for r in a { counts[r, default: 0] += 1 }
    for r in b { counts[r, default: 0] -= 1 }
    return counts.values.allSatisfy { $0 == 0 }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
