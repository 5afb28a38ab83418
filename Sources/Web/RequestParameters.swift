import Hummingbird

/// Query-string parameters merged with those of a form-encoded POST body, as Prometheus's API
/// accepts both (Grafana sends long queries by POST).
struct RequestParameters: Sendable {
    private var pairs: [(String, String)]

    static let maxFormBytes = 4 << 20

    /// Decodes keys as well as values (clients send `match%5B%5D`), and `+` as a space, as Go does.
    init(_ request: Request) async throws {
        pairs = try decodeForm(request.uri.query ?? "")
        if request.method == .post,
           request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            let body = try await collectBody(request, limit: RequestParameters.maxFormBytes)
            pairs += try decodeForm(String(buffer: body))
        }
    }

    func get(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
    func getAll(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// A time parameter in milliseconds, or `fallback` when absent.
    func time(_ name: String, default fallback: Int64) throws -> Int64 {
        guard let s = get(name), !s.isEmpty else { return fallback }
        return try parseTime(s, name: name)
    }

    /// The `match[]` selectors, parsed.
    func matchers() throws -> [[Matcher]] {
        try getAll("match[]").map { try SeriesSelector.parse($0) }
    }
}

/// Decodes `application/x-www-form-urlencoded` text: `a=1&b=x+y%21`.
func decodeForm(_ text: String) throws -> [(String, String)] {
    func unescape(_ s: Substring) throws -> String {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%") {
                guard it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) else {
                    throw APIError.badData("malformed percent-encoding in form body")
                }
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { throw APIError.badData("form body is not valid UTF-8") }
        return s
    }
    return try text.split(separator: "&").map { pair in
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (try unescape(kv[0]), kv.count > 1 ? try unescape(kv[1]) : "")
    }
}

import TSDB
