import TSDB

/// One `relabel_configs` / `metric_relabel_configs` step, with Prometheus's semantics.
///
/// The values of `sourceLabels` (missing ones as "") are joined with `separator`; `regex` is
/// anchored at both ends. Actions:
/// - `replace`: when the regex matches, `targetLabel` (itself expanded) is set to `replacement`
///   expanded with the match (`$1`, `${1}`, `${name}`); an empty result deletes it.
/// - `keep` / `drop`: drop the series or target when the regex does not / does match.
/// - `keepequal` / `dropequal`: drop when the joined value differs from / equals `targetLabel`'s.
/// - `hashmod`: `targetLabel` = last 8 bytes of MD5(value), big-endian, modulo `modulus`.
/// - `labelmap`: for each label whose name matches, copy its value to the expanded replacement.
/// - `labeldrop` / `labelkeep`: delete the labels whose names match / do not match.
/// - `lowercase` / `uppercase`: `targetLabel` = the value in lower / upper case.
public struct RelabelConfig: Sendable {
    public enum Action: String, Sendable, CaseIterable {
        case replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase
    }

    public static let defaultRegex = "(.*)"
    public static let defaultReplacement = "$1"

    public var sourceLabels: [String] = []
    public var separator = ";"
    public var regex: AnchoredRegex
    public var modulus: UInt64 = 0
    public var targetLabel = ""
    public var replacement = RelabelConfig.defaultReplacement
    public var action = Action.replace

    /// A step with Prometheus's defaults (`replace`, regex `(.*)`, replacement `$1`).
    public init() { regex = RelabelConfig.defaultRegexValue }

    static let defaultRegexValue: AnchoredRegex = {
        guard let re = try? AnchoredRegex(defaultRegex) else { preconditionFailure("the default relabel regex does not compile") }
        return re
    }()

    /// Checks the combination of fields as Prometheus 3 does; the message names the problem.
    public func validate() -> String? {
        let needsTarget: Set<Action> = [.replace, .hashmod, .lowercase, .uppercase, .keepequal, .dropequal]
        if needsTarget.contains(action) && targetLabel.isEmpty {
            return "relabel configuration for \(action.rawValue) action requires 'target_label' value"
        }
        if action == .hashmod && modulus == 0 {
            return "relabel configuration for hashmod requires non-zero modulus"
        }
        let noReplacement: Set<Action> = [.lowercase, .uppercase, .keepequal, .dropequal]
        if noReplacement.contains(action) && replacement != RelabelConfig.defaultReplacement {
            return "'replacement' can not be set for \(action.rawValue) action"
        }
        if action == .keepequal || action == .dropequal {
            if regex.pattern != RelabelConfig.defaultRegex || modulus != 0 || separator != ";" {
                return "\(action.rawValue) action requires only 'source_labels' and 'target_label', and no other fields"
            }
        }
        if action == .labeldrop || action == .labelkeep {
            if !sourceLabels.isEmpty || !targetLabel.isEmpty || modulus != 0 || separator != ";"
                || replacement != RelabelConfig.defaultReplacement {
                return "\(action.rawValue) action requires only 'regex', and no other fields"
            }
        }
        if action == .labelmap && replacement.isEmpty {
            return "\"\" is invalid 'replacement' for labelmap action"
        }
        return nil
    }
}

/// Labels being relabeled: a small unsorted list with last-write-wins setters, where setting
/// an empty value deletes, as Prometheus's `labels.Builder` does.
public struct LabelBuilder: Sendable {
    public private(set) var labels: [Label]

    public init(_ labels: [Label]) { self.labels = labels }

    public func get(_ name: String) -> String {
        for l in labels where l.name == name { return l.value }
        return ""
    }

    public mutating func set(_ name: String, _ value: String) {
        if let i = labels.firstIndex(where: { $0.name == name }) {
            if value.isEmpty { labels.remove(at: i) } else { labels[i].value = value }
        } else if !value.isEmpty {
            labels.append(Label(name, value))
        }
    }

    public mutating func delete(_ name: String) { labels.removeAll { $0.name == name } }
}

extension RelabelConfig {
    /// Applies `steps` in order; false when one of them drops the series or target.
    public static func apply(_ steps: [RelabelConfig], to lb: inout LabelBuilder) -> Bool {
        for step in steps where !step.apply(to: &lb) { return false }
        return true
    }

    /// Applies this step; false when it drops the series or target.
    public func apply(to lb: inout LabelBuilder) -> Bool {
        let value: String
        switch sourceLabels.count {
        case 0: value = ""
        case 1: value = lb.get(sourceLabels[0])
        default: value = sourceLabels.map { lb.get($0) }.joined(separator: separator)
        }
        switch action {
        case .drop:
            if regex.matches(value) { return false }
        case .keep:
            if !regex.matches(value) { return false }
        case .dropequal:
            if lb.get(targetLabel) == value { return false }
        case .keepequal:
            if lb.get(targetLabel) != value { return false }
        case .replace:
            guard let result = regex.expand(replacement, matching: value),
                  let target = regex.expand(targetLabel, matching: value), !target.isEmpty else { break }
            lb.set(target, result)
        case .lowercase:
            lb.set(targetLabel, value.lowercased())
        case .uppercase:
            lb.set(targetLabel, value.uppercased())
        case .hashmod:
            let digest = MD5.digest(Array(value.utf8))
            var tail: UInt64 = 0
            for b in digest[8..<16] { tail = tail << 8 | UInt64(b) }
            lb.set(targetLabel, String(tail % modulus))
        case .labelmap:
            for l in lb.labels {
                if let name = regex.expand(replacement, matching: l.name) { lb.set(name, l.value) }
            }
        case .labeldrop:
            for l in lb.labels where regex.matches(l.name) { lb.delete(l.name) }
        case .labelkeep:
            for l in lb.labels where !regex.matches(l.name) { lb.delete(l.name) }
        }
        return true
    }
}
