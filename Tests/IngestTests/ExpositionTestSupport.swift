import Ingest
import TSDB

/// One parsed line, as a test states it: `name{a="1", b="2"}` (labels in written order), the
/// value and the timestamp.
struct ParsedSample: Equatable, CustomStringConvertible {
    var series: String
    var value: Double
    var timestamp: Int64?

    static func == (a: ParsedSample, b: ParsedSample) -> Bool {
        a.series == b.series && a.timestamp == b.timestamp && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }

    var description: String { "\(series) \(value) \(timestamp.map(String.init) ?? "-")" }
}

struct ParsedExposition {
    var samples: [ParsedSample] = []
    var metadata: [String: MetricMetadata] = [:]
}

func parseExposition(_ text: String, _ format: ExpositionFormat) throws -> ParsedExposition {
    var out = ParsedExposition()
    let bytes = Array(text.utf8)
    try bytes.withUnsafeBytes { raw in
        var p = ExpositionParser(raw, format: format)
        while let entry = try p.next() {
            switch entry {
            case .sample:
                var labels: [Label] = []
                try p.labels(into: &labels)
                let name = labels.removeFirst().value
                let inside = labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ")
                out.samples.append(ParsedSample(series: labels.isEmpty ? name : "\(name){\(inside)}", value: p.value, timestamp: p.timestamp))
            case .type: out.metadata[try p.metadataName(), default: MetricMetadata()].type = p.metricType.rawValue
            case .help: out.metadata[try p.metadataName(), default: MetricMetadata()].help = try p.metadataText()
            case .unit: out.metadata[try p.metadataName(), default: MetricMetadata()].unit = try p.metadataText()
            }
        }
    }
    return out
}

/// The error message parsing `text` gives, or nil when it parses.
func expositionError(_ text: String, _ format: ExpositionFormat) -> String? {
    do {
        _ = try parseExposition(text, format)
        return nil
    } catch {
        return (error as? IngestError)?.message ?? "\(error)"
    }
}
