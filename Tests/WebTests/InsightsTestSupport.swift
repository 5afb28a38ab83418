import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Deterministic Gaussian noise (SplitMix64 and Box-Muller), so stored test data is the same on
/// every run.
struct TestNoise {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 0.5) / Double(1 << 53)
    }

    mutating func gaussian(mean: Double = 0, sd: Double = 1) -> Double {
        mean + sd * (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform())
    }
}

/// One series to store: its labels (with `__name__`) and samples (ms, value).
typealias StoredSeries = ([String: String], [(Int64, Double)])

/// Stores series through remote-write, as a sender would.
func store(_ client: some TestClientProtocol, _ series: [StoredSeries]) async throws {
    try await client.execute(uri: "/api/v1/write", method: .post, headers: remoteWriteHeaders, body: writeBody(series)) { r in
        #expect(r.status == .noContent)
    }
}

/// `name=value&...` with every value percent-encoded, for query strings and form bodies.
func formEncode(_ pairs: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
}

/// A time in ms as the Unix seconds the API takes.
func seconds(_ ms: Int64) -> String { String(Double(ms) / 1000) }

/// GETs `path?params` and returns the status and the parsed JSON body.
func getJSON(_ client: some TestClientProtocol, _ path: String, _ params: [(String, String)]) async throws
    -> (HTTPResponse.Status, [String: Any]) {
    try await client.execute(uri: path + "?" + formEncode(params), method: .get) { r in (r.status, try json(r.body)) }
}

/// POSTs a JSON text and returns the status and the parsed JSON body.
func postJSON(_ client: some TestClientProtocol, _ path: String, _ text: String) async throws -> (HTTPResponse.Status, [String: Any]) {
    try await client.execute(uri: path, method: .post, headers: [.contentType: "application/json"],
                             body: ByteBuffer(string: text)) { r in (r.status, try json(r.body)) }
}

/// The `data` object of a Prometheus-style success envelope.
func data(_ doc: [String: Any]) -> [String: Any] { doc["data"] as? [String: Any] ?? [:] }

/// Expects a 400 whose message contains `fragment`.
func expectBadRequest(_ answer: (HTTPResponse.Status, [String: Any]), _ fragment: String,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(answer.0 == .badRequest, "status \(answer.0) for \(answer.1)", sourceLocation: sourceLocation)
    let message = answer.1["error"] as? String ?? ""
    #expect(message.contains(fragment), "message: \(message)", sourceLocation: sourceLocation)
}
