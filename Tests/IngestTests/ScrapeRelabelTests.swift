import Foundation
@testable import Ingest
import Testing
import TSDB

/// Relabeling cases from Prometheus's documented semantics (prometheus.io configuration docs,
/// `<relabel_config>`); hashmod figures checked against Python's hashlib.
@Suite struct ScrapeRelabelTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var input: [String: String]
        var steps: [Step]
        /// nil: dropped.
        var output: [String: String]?
        var description: String { name }
    }

    struct Step: Sendable {
        var action: RelabelConfig.Action = .replace
        var source: [String] = []
        var separator = ";"
        var regex = RelabelConfig.defaultRegex
        var target = ""
        var replacement = RelabelConfig.defaultReplacement
        var modulus: UInt64 = 0

        func config() throws -> RelabelConfig {
            var c = RelabelConfig()
            c.action = action
            c.sourceLabels = source
            c.separator = separator
            c.regex = try AnchoredRegex(regex)
            c.targetLabel = target
            c.replacement = replacement
            c.modulus = modulus
            return c
        }
    }

    static let cases: [Case] = [
        Case(name: "replace copies a value", input: ["a": "foo"], steps: [Step(source: ["a"], target: "b")],
             output: ["a": "foo", "b": "foo"]),
        Case(name: "replace with groups", input: ["a": "foo"],
             steps: [Step(source: ["a"], regex: "f(.*)", target: "d", replacement: "ch${1}-ch${1}")],
             output: ["a": "foo", "d": "choo-choo"]),
        // Relabel regexes are RE2: Go's `(?P<name>...)` groups and one-letter `\pL` classes work.
        Case(name: "RE2 named group", input: ["__address__": "node-1.example:9100"],
             steps: [Step(source: ["__address__"], regex: #"(?P<host>[^.:]+)[^:]*:\d+"#, target: "host", replacement: "${host}")],
             output: ["__address__": "node-1.example:9100", "host": "node-1"]),
        Case(name: "RE2 one-letter class", input: ["a": "Zürich1"],
             steps: [Step(action: .keep, source: ["a"], regex: #"\pL+\d"#)], output: ["a": "Zürich1"]),
        Case(name: "sources joined by separator", input: ["a": "foo", "b": "bar"],
             steps: [Step(source: ["a", "b"], regex: "(.*);(.*)", target: "c", replacement: "$2-$1")],
             output: ["a": "foo", "b": "bar", "c": "bar-foo"]),
        Case(name: "custom separator", input: ["a": "foo", "b": "bar"],
             steps: [Step(source: ["a", "b"], separator: "/", regex: "foo/bar", target: "c", replacement: "ok")],
             output: ["a": "foo", "b": "bar", "c": "ok"]),
        Case(name: "the regex is anchored", input: ["a": "foo"],
             steps: [Step(source: ["a"], regex: "o", target: "b", replacement: "hit")], output: ["a": "foo"]),
        Case(name: "no match, no change", input: ["a": "foo"],
             steps: [Step(source: ["a"], regex: "x(.*)", target: "a", replacement: "$1")], output: ["a": "foo"]),
        Case(name: "empty result deletes the target", input: ["a": "foo", "b": "bar"],
             steps: [Step(source: ["a"], target: "b", replacement: "")], output: ["a": "foo"]),
        Case(name: "missing source is empty", input: ["a": "foo"],
             steps: [Step(source: ["missing"], regex: "", target: "e", replacement: "empty")], output: ["a": "foo", "e": "empty"]),
        Case(name: "target label from a group", input: ["a": "some-name"],
             steps: [Step(source: ["a"], regex: "some-([^-]+)", target: "${1}_label", replacement: "x")],
             output: ["a": "some-name", "name_label": "x"]),
        Case(name: "$1x is the group named 1x, which is empty", input: ["a": "foo"],
             steps: [Step(source: ["a"], regex: "(f)oo", target: "b", replacement: "$1x")], output: ["a": "foo"]),
        Case(name: "$$ is a dollar", input: ["a": "foo"],
             steps: [Step(source: ["a"], target: "b", replacement: "$$1")], output: ["a": "foo", "b": "$1"]),
        Case(name: "keep keeps on match", input: ["a": "foo"], steps: [Step(action: .keep, source: ["a"], regex: "f.*")],
             output: ["a": "foo"]),
        Case(name: "keep drops on no match", input: ["a": "foo"], steps: [Step(action: .keep, source: ["a"], regex: "bar")],
             output: nil),
        Case(name: "keep with a missing label drops", input: ["a": "foo"], steps: [Step(action: .keep, source: ["b"], regex: ".+")],
             output: nil),
        Case(name: "drop drops on match", input: ["a": "foo"], steps: [Step(action: .drop, source: ["a"], regex: "f.*")],
             output: nil),
        Case(name: "drop keeps on no match", input: ["a": "foo"], steps: [Step(action: .drop, source: ["a"], regex: "b.*")],
             output: ["a": "foo"]),
        Case(name: "keepequal keeps equal", input: ["a": "1", "b": "1"], steps: [Step(action: .keepequal, source: ["a"], target: "b")],
             output: ["a": "1", "b": "1"]),
        Case(name: "keepequal drops different", input: ["a": "1", "b": "2"], steps: [Step(action: .keepequal, source: ["a"], target: "b")],
             output: nil),
        Case(name: "dropequal drops equal", input: ["a": "1", "b": "1"], steps: [Step(action: .dropequal, source: ["a"], target: "b")],
             output: nil),
        Case(name: "dropequal keeps different", input: ["a": "1", "b": "2"], steps: [Step(action: .dropequal, source: ["a"], target: "b")],
             output: ["a": "1", "b": "2"]),
        Case(name: "hashmod", input: ["a": "foo", "b": "bar", "c": "baz"],
             steps: [Step(action: .hashmod, source: ["c"], target: "d", modulus: 1000)],
             output: ["a": "foo", "b": "bar", "c": "baz", "d": "976"]),
        Case(name: "hashmod over joined sources", input: ["b": "bar", "c": "baz"],
             steps: [Step(action: .hashmod, source: ["b", "c"], target: "shard", modulus: 8)],
             output: ["b": "bar", "c": "baz", "shard": "2"]),
        Case(name: "labelmap copies matching labels", input: ["__meta_kubernetes_pod": "p1", "__meta_x": "y", "job": "j"],
             steps: [Step(action: .labelmap, regex: "__meta_kubernetes_(.+)", replacement: "k8s_$1")],
             output: ["__meta_kubernetes_pod": "p1", "__meta_x": "y", "job": "j", "k8s_pod": "p1"]),
        Case(name: "labeldrop", input: ["a": "1", "b": "2", "c": "3"], steps: [Step(action: .labeldrop, regex: "a|b")],
             output: ["c": "3"]),
        Case(name: "labelkeep", input: ["a": "1", "b": "2", "c": "3"], steps: [Step(action: .labelkeep, regex: "a|c")],
             output: ["a": "1", "c": "3"]),
        Case(name: "lowercase", input: ["a": "FoO"], steps: [Step(action: .lowercase, source: ["a"], target: "l")],
             output: ["a": "FoO", "l": "foo"]),
        Case(name: "uppercase over two labels", input: ["a": "foo", "b": "Bar"],
             steps: [Step(action: .uppercase, source: ["a", "b"], target: "u")], output: ["a": "foo", "b": "Bar", "u": "FOO;BAR"]),
        Case(name: "steps run in order", input: ["a": "foo"],
             steps: [Step(source: ["a"], target: "b", replacement: "bar"), Step(action: .drop, source: ["b"], regex: "bar")],
             output: nil),
    ]

    @Test(arguments: cases)
    func relabel(_ c: Case) throws {
        var lb = LabelBuilder(c.input.map { Label($0.key, $0.value) })
        let kept = RelabelConfig.apply(try c.steps.map { try $0.config() }, to: &lb)
        if let want = c.output {
            #expect(kept)
            #expect(Labels(lb.labels) == Labels(want))
        } else {
            #expect(!kept)
        }
    }

    @Test func md5MatchesTheRFCVectors() {
        func hex(_ s: String) -> String { MD5.digest(Array(s.utf8)).map { String(format: "%02x", $0) }.joined() }
        #expect(hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(hex(String(repeating: "a", count: 100)) == "36a92cc94a9e0fa21f625f8bfb007adf")
    }

    @Test(arguments: [
        (Step(), "relabel configuration for replace action requires 'target_label' value"),
        (Step(action: .hashmod, target: "x"), "relabel configuration for hashmod requires non-zero modulus"),
        (Step(action: .lowercase, target: "x", replacement: "y"), "'replacement' can not be set for lowercase action"),
        (Step(action: .keepequal, regex: "a", target: "x"), "keepequal action requires only 'source_labels' and 'target_label', and no other fields"),
        (Step(action: .labeldrop, source: ["a"]), "labeldrop action requires only 'regex', and no other fields"),
        (Step(action: .keep, source: ["a"]), nil),
    ] as [(Step, String?)])
    func validation(step: Step, message: String?) throws {
        #expect(try step.config().validate() == message)
    }
}
