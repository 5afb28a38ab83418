import EventStore
import Foundation

/// Reads the workload of `../shared/bench/gen_events.py` (gzip-compressed newline-delimited
/// events in Sextant's native format) into `Event`s, for the analytics tests and benchmark.
///
/// Events whose `privacyFlags.canTrack` is false are dropped, as ingestion drops them.
/// Not a production decoder: it trusts the generator's output and reports the first bad line.
public enum GeneratedEvents {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `path`, gunzipped first when its name ends in `.gz`.
    public static func load(path: String) throws -> [Event] {
        let data = path.hasSuffix(".gz") ? try gunzip(path) : try Data(contentsOf: URL(fileURLWithPath: path))
        // Line boundaries first: splitting `Data` itself costs an exclusivity check per byte.
        let lines: [Range<Int>] = data.withUnsafeBytes { bytes in
            var out: [Range<Int>] = [], start = 0
            for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
                if i > start { out.append(start..<i) }
                start = i + 1
            }
            if start < bytes.count { out.append(start..<bytes.count) }
            return out
        }
        var events: [Event] = []
        events.reserveCapacity(lines.count)
        for (n, line) in lines.enumerated() {
            guard let o = try JSONSerialization.jsonObject(with: data.subdata(in: line)) as? [String: Any],
                  let event = event(o) else { throw LoadError(description: "\(path): line \(n + 1) is not an event") }
            let privacy = o["privacyFlags"] as? [String: Any]
            if privacy?["canTrack"] as? Bool == false { continue }
            events.append(event)
        }
        return events
    }

    static func event(_ o: [String: Any]) -> Event? {
        guard let id = o["id"] as? String, let ts = (o["timestamp"] as? String).flatMap(parseTimestamp),
              let eventType = o["eventType"] as? String, let category = o["category"] as? String,
              let action = o["action"] as? String else { return nil }
        let device = o["deviceInfo"] as? [String: Any]
        var properties: [String: PropertyValue] = [:]
        for (key, value) in o["properties"] as? [String: Any] ?? [:] { properties[key] = property(value) }
        return Event(id: id, timestamp: ts, userId: o["userId"] as? String, sessionId: o["sessionId"] as? String,
                     eventType: eventType, category: category, action: action, label: o["label"] as? String,
                     value: (o["value"] as? NSNumber)?.doubleValue, properties: properties,
                     device: DeviceInfo(platform: device?["platform"] as? String, appVersion: device?["appVersion"] as? String,
                                        osVersion: device?["osVersion"] as? String),
                     userSegment: o["userSegment"] as? String)
    }

    static func property(_ value: Any) -> PropertyValue {
        switch value {
        case let s as String: return .string(s)
        // JSON booleans are the NSNumbers of C type `c` (char), on Linux as on Darwin.
        case let n as NSNumber: return String(cString: n.objCType) == "c" ? .bool(n.boolValue) : .number(n.doubleValue)
        case is NSNull: return .null
        default:
            let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data()
            return .json(String(decoding: data, as: UTF8.self))
        }
    }

    static func gunzip(_ path: String) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-dc", path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw LoadError(description: "gzip -dc \(path) exited with \(p.terminationStatus)") }
        return data
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` (RFC 3339 with milliseconds) as ms since the epoch.
    static func parseTimestamp(_ s: String) -> Int64? {
        guard let date = try? Date(s, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
