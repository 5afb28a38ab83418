/// Property keys that are never stored: personal data a sender should not have put in an event.
///
/// A key matches when it equals one of the configured keys ignoring ASCII case (`Email`,
/// `EMAIL`); matching keys are removed at every depth of a property value, in objects inside
/// arrays, and in PostHog's `$set`/`$set_once`. Thread-safe (immutable).
public struct KeyScrubber: Sendable {
    /// The keys scrubbed when none are configured.
    public static let defaultKeys = ["email", "phone", "name", "first_name", "last_name", "full_name",
                                     "address", "password", "ssn", "credit_card"]

    private let keys: Set<String>
    /// Bit n set when some key is n bytes long (n < 64), so most keys are passed over without
    /// building a lowercased copy.
    private let lengths: UInt64
    private let hasLongKeys: Bool

    public init(keys: some Sequence<String>) {
        let lowered = Set(keys.map { $0.lowercased() }.filter { !$0.isEmpty })
        self.keys = lowered
        var bits: UInt64 = 0
        var long = false
        for k in lowered {
            if k.utf8.count < 64 { bits |= 1 << UInt64(k.utf8.count) } else { long = true }
        }
        lengths = bits
        hasLongKeys = long
    }

    public var isEmpty: Bool { keys.isEmpty }

    public func matches(_ key: String) -> Bool {
        let n = key.utf8.count
        if n < 64 ? lengths & (1 << UInt64(n)) == 0 : !hasLongKeys { return false }
        return keys.contains(asciiLowercased(key))
    }

    private func asciiLowercased(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { return s }
        return String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Removes matching keys from every object inside `value`.
    public func scrub(_ value: inout JSONValue) {
        switch value {
        case .object(var members):
            members.removeAll { matches($0.key) }
            for i in members.indices { scrub(&members[i].value) }
            value = .object(members)
        case .array(var items):
            for i in items.indices { scrub(&items[i]) }
            value = .array(items)
        default:
            break
        }
    }
}
