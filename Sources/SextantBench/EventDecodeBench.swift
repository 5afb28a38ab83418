import ArgumentParser
import EventStore
import Foundation
import Ingest

/// Decoding of native event batches (`POST /api/analytics/events`), the way gen_events.py's
/// workload arrives: batches of 1,000 events. Compares Sextant's decoder with Foundation's
/// JSONSerialization mapped to the same `Event`s.
struct EventDecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "event-decode", abstract: "Native event batch decoding, events per second.")

    @Option(help: "NDJSON file from gen_events.py (plain text; gunzip it first). Default: 20,000 synthetic events.")
    var file: String?
    @Option(help: "Events per batch.") var batch = 1000
    @Option(help: "Run only the cases whose name starts with this.") var only: String?

    func run() throws {
        let lines = try file.map(readLines) ?? synthetic(20_000)
        let bodies = stride(from: 0, to: lines.count, by: batch).map { i in
            let slice = lines[i..<min(i + batch, lines.count)]
            return Array(("{\"batchId\":\"b\(i)\",\"clientTimestamp\":\"2026-01-31T00:00:00.000Z\",\"events\":[" + slice.joined(separator: ",") + "]}").utf8)
        }
        let bytes = bodies.reduce(0) { $0 + $1.count }
        print("\(lines.count) events in \(bodies.count) batches, \(bytes / lines.count) bytes/event")
        let now: Int64 = 1_769_817_600_000
        let plain = PrivacyRules(scrubKeys: [])
        let full = PrivacyRules(pseudonymizeKey: "bench-key", scrubKeys: KeyScrubber.defaultKeys)
        var kept = 0
        try run("sextant decode", items: lines.count) {
            kept = 0
            for b in bodies { kept += try NativeEventDecoder.decode(b).events.count }
        }
        try run("sextant decode + prepare", items: lines.count) {
            kept = 0
            for b in bodies {
                kept += try NativeEventDecoder.decode(b, scrubber: plain.scrubber).prepare(now: now, limits: EventLimits(), privacy: plain).events.count
            }
        }
        try run("sextant + scrub + pseudonymise", items: lines.count) {
            kept = 0
            for b in bodies {
                kept += try NativeEventDecoder.decode(b, scrubber: full.scrubber).prepare(now: now, limits: EventLimits(), privacy: full).events.count
            }
        }
        try run("JSONSerialization + mapping", items: lines.count) {
            kept = 0
            for b in bodies { kept += try foundationDecode(b).count }
        }
        print("  \(kept) events kept of \(lines.count)")
    }

    /// Times `body` like `measure`, by the process's CPU time as well as the wall clock: on a
    /// shared machine the wall clock mostly measures waiting for a core.
    private func run(_ name: String, items: Int, _ body: () throws -> Void) rethrows {
        if let only, !name.hasPrefix(only) { return }
        func cpu() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
        try body()
        var cpuTimes: [Double] = [], wallTimes: [Double] = []
        for _ in 0..<7 {
            let c0 = cpu(), w0 = ContinuousClock.now
            try body()
            let w = ContinuousClock.now - w0
            cpuTimes.append(cpu() - c0)
            wallTimes.append(Double(w.components.seconds) + Double(w.components.attoseconds) * 1e-18)
        }
        let c = cpuTimes.sorted()[3], w = wallTimes.sorted()[3]
        print(String(format: "%-34@ cpu %7.1f ns/event  %6.0fk events/s per core   (wall %.0fk/s)",
                     name as NSString, c / Double(items) * 1e9, Double(items) / c / 1e3, Double(items) / w / 1e3))
    }

    private func readLines(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    /// Events shaped like gen_events.py's: a fitness app's screens, AI recommendations, payments.
    private func synthetic(_ n: Int) -> [String] {
        let actions = [("app_opened", "navigation", "{}"), ("screen_view", "navigation", #"{"screen":"workouts"}"#),
                       ("recommendation_shown", "ai", #"{"model_version":"rec-v2"}"#),
                       ("workout_completed", "workout", #"{"source":"ai"}"#),
                       ("payment", "billing", #"{"plan":"monthly","currency":"USD"}"#)]
        return (0..<n).map { i in
            let u = i % 997, (action, category, props) = actions[i % actions.count]
            let value = action == "payment" ? #","value":9.99"# : ""
            let t = Timestamp.format(1_767_225_600_000 + Int64(i) * 60_000)
            return #"{"id":"u\#(u)-\#(i)","timestamp":"\#(t)","userId":"u\#(u)","sessionId":"u\#(u)-s\#(i / 50)","eventType":"user_action","category":"\#(category)","action":"\#(action)","properties":\#(props),"deviceInfo":{"platform":"ios","appVersion":"3.2.1","osVersion":"17.4"},"privacyFlags":{"canTrack":\#(u % 33 != 0),"canProfile":true,"canShare":false,"consentDate":"2026-01-01T00:00:00.000Z","consentVersion":"2026-01"}\#(value)}"#
        }
    }

    /// The same work with Foundation: parse to `Any`, then pick the fields out.
    private func foundationDecode(_ body: [UInt8]) throws -> [Event] {
        guard let root = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let list = root["events"] as? [[String: Any]] else { throw ValidationError("bad body") }
        return list.compactMap { e in
            guard let id = e["id"] as? String, let ts = (e["timestamp"] as? String).flatMap(Timestamp.parseRFC3339),
                  let type = e["eventType"] as? String, let category = e["category"] as? String,
                  let action = e["action"] as? String, let device = e["deviceInfo"] as? [String: Any],
                  let flags = e["privacyFlags"] as? [String: Any], flags["canTrack"] as? Bool == true else { return nil }
            var props: [String: PropertyValue] = [:]
            for (k, v) in e["properties"] as? [String: Any] ?? [:] {
                switch v {
                case let s as String: props[k] = .string(s)
                case let n as NSNumber: props[k] = .number(n.doubleValue)
                default: props[k] = .null
                }
            }
            return Event(id: id, timestamp: ts, userId: e["userId"] as? String, sessionId: e["sessionId"] as? String,
                         eventType: type, category: category, action: action, value: e["value"] as? Double,
                         properties: props, device: DeviceInfo(platform: device["platform"] as? String,
                                                               appVersion: device["appVersion"] as? String,
                                                               osVersion: device["osVersion"] as? String))
        }
    }
}
