import Hummingbird
import Ingest
import PromQL
import TSDB

/// Builds JSON text directly into bytes: responses here are large and regular, and Prometheus's
/// exact shapes (values as strings, fixed field order) are easier to state than to coax out of
/// `JSONEncoder`. Callers pair every `begin` with its `end`.
struct JSONWriter {
    var bytes: [UInt8] = []
    private var needsComma = false

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = false
    }

    mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")) }
    mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")) }
    mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ s: String) {
        separate()
        appendQuoted(s)
        needsComma = true
    }

    /// A number or literal written as-is (the caller guarantees it is valid JSON).
    mutating func raw(_ s: String) {
        separate()
        bytes.append(contentsOf: s.utf8)
        needsComma = true
    }

    mutating func labels(_ labels: Labels) {
        beginObject()
        for p in labels.pairs {
            key(p.name)
            string(p.value)
        }
        endObject()
    }

    mutating func strings(_ list: [String]) {
        beginArray()
        for s in list { string(s) }
        endArray()
    }

    private mutating func appendQuoted(_ s: String) {
        JSONValue.appendQuoted(s, to: &bytes)
    }

    var response: Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `{"status":"success","data":<what body writes>}` as a response.
    static func success(_ body: (inout JSONWriter) -> Void) -> Response {
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        w.key("status")
        w.string("success")
        w.key("data")
        body(&w)
        w.endObject()
        return w.response
    }
}

/// Prometheus's text for a float in results: Go's `FormatFloat(v, 'f', -1, 64)`, with `NaN`,
/// `+Inf` and `-Inf`.
func formatValue(_ v: Double) -> String { formatPromValue(v) }
