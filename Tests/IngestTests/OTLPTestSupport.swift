@testable import Ingest
import Testing
import TSDB

typealias E = OTLPEncoder

/// 2026-01-01T00:00:00Z in Unix nanoseconds.
let otlpT0: UInt64 = 1_767_225_600_000_000_000
let otlpNow: Int64 = 1_767_225_600_000

/// Series as Prometheus prints them (`name{a="b"}`, labels sorted, empty values dropped) with
/// their samples, plus what the translation refused.
struct Translated {
    var series: [String: [Sample]] = [:]
    var translation: OTLPTranslation

    init(_ t: OTLPTranslation) {
        translation = t
        for e in t.batch.entries {
            // Every series made must be one storage accepts.
            if case .failure(let error) = SeriesValidator.validate(e.labels) { Issue.record("\(error)") }
            series[Labels(e.labels).description, default: []] += e.samples
        }
    }

    func value(_ description: String) -> Double? { series[description]?.last?.v }
}

func translate(_ resources: [E.Resource], options: OTLPTranslationOptions = OTLPTranslationOptions(),
               state: OTLPDeltaState = OTLPDeltaState()) throws -> Translated {
    let data = try OTLPProtobufDecoder.decode(E.encode(resources))
    return Translated(try OTLPTranslator.translate(data, options: options, deltas: state, now: otlpNow))
}

func translateJSON(_ json: String, state: OTLPDeltaState = OTLPDeltaState()) throws -> Translated {
    let data = try OTLPJSONDecoder.decode(Array(json.utf8))
    return Translated(try OTLPTranslator.translate(data, deltas: state, now: otlpNow))
}

/// One resource with one scope holding `metrics`.
func resource(_ attributes: E.Attributes = [("service.name", .string("shop"))], scope: String = "",
              _ metrics: [E.Metric]) -> [E.Resource] {
    [E.Resource(attributes, scopes: [E.Scope(name: scope, metrics: metrics)])]
}

func resource(_ metrics: [E.Metric]) -> [E.Resource] {
    resource([("service.name", .string("shop"))], metrics)
}
