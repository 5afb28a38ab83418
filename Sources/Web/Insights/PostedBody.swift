import Hummingbird
import Ingest
import Insights

/// A JSON object posted to `/api/v1/analysis/…`, with typed reads that refuse bad members with
/// a message naming the member (and the index, for arrays).
struct PostedBody {
    /// Room for `InsightsLimits.maxPostedValues` numbers of about 25 characters each.
    static let maxBytes = 32 << 20

    let root: JSONValue

    init(_ request: Request) async throws {
        let body = try await collectBody(request, limit: PostedBody.maxBytes)
        let bytes = Array(body.readableBytesView)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw APIError.badData("the request body is empty; send a JSON object")
        }
        do {
            root = try JSONValue.parse(bytes, maxDepth: 3)
        } catch {
            throw APIError.badData("the request body is not valid JSON: " + PostedBody.explain(error, bytes))
        }
        guard case .object = root else { throw APIError.badData("the request body must be a JSON object") }
    }

    /// The parser's message, or a plainer one when the text holds NaN or Infinity, which JSON
    /// cannot carry but clients (Python's json.dumps) write.
    static func explain(_ error: IngestError, _ bytes: [UInt8]) -> String {
        if let offset = error.offset, offset < bytes.count {
            let rest = bytes[offset...].prefix(9)
            for word in ["NaN", "Infinity", "-Infinity"] where rest.starts(with: word.utf8) {
                return "\(word) at byte \(offset); JSON has no NaN or Infinity, and values must be finite numbers"
            }
        }
        return error.description
    }

    /// A required array of finite numbers, at most `InsightsLimits.maxPostedValues` long.
    func numbers(_ name: String) throws -> [Double] {
        guard let value = root[name] else { throw APIError.badData("\"\(name)\" is missing; send an array of numbers") }
        guard case .array(let items) = value else {
            throw APIError.badData("\"\(name)\" must be an array of numbers, not \(PostedBody.kind(value))")
        }
        if items.isEmpty { throw APIError.badData("\"\(name)\" is empty; send at least 2 numbers") }
        if items.count > InsightsLimits.maxPostedValues {
            throw APIError.badData("\"\(name)\" has \(items.count) values; at most \(InsightsLimits.maxPostedValues) are accepted")
        }
        var out: [Double] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .number(let v) = item else {
                throw APIError.badData("\"\(name)\"[\(i)] is \(PostedBody.kind(item)); values must be numbers")
            }
            // strtod turns 1e999 into inf.
            if !v.isFinite { throw APIError.badData("\"\(name)\"[\(i)] is out of range; values must be finite numbers") }
            out.append(v)
        }
        return out
    }

    func number(_ name: String) throws -> Double? {
        guard let value = root[name], value != .null else { return nil }
        guard case .number(let v) = value, v.isFinite else {
            throw APIError.badData("\"\(name)\" must be a finite number, not \(PostedBody.kind(value))")
        }
        return v
    }

    /// An integer member in `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let v = try number(name) else { return nil }
        guard v == v.rounded(), v >= Double(range.lowerBound), v <= Double(range.upperBound) else {
            throw APIError.badData("\"\(name)\" is \(JSONValue.number(v).compactText); it must be an integer in "
                + "\(range.lowerBound)...\(range.upperBound)")
        }
        return Int(v)
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = root[name], value != .null else { return nil }
        guard case .bool(let b) = value else { throw APIError.badData("\"\(name)\" must be true or false, not \(PostedBody.kind(value))") }
        return b
    }

    func string(_ name: String) throws -> String? {
        guard let value = root[name], value != .null else { return nil }
        guard case .string(let s) = value else { throw APIError.badData("\"\(name)\" must be a string, not \(PostedBody.kind(value))") }
        return s
    }

    /// How a value is described in messages: `the string "12ms"`, `an object`, `null`.
    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return JSONValue.number(d).compactText
        case .string(let s): return "the string \"\(s.prefix(40))\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
