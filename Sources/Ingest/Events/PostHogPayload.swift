import Foundation
import NIOCore

/// Finds the JSON text in a PostHog capture request, the many ways PostHog's SDKs send it:
/// the body itself; a `data` query parameter (GET) or form field (`application/x-www-form-urlencoded`);
/// base64 at either layer; gzip by `Content-Encoding`, by `compression=gzip|gzip-js`, or by
/// its magic bytes; LZ-String by `compression=lz64|lz-string`. Pure and thread-safe.
public enum PostHogPayload {
    public enum Compression: Sendable, Equatable {
        case none, gzip, lzString, base64

        /// PostHog's names for the `compression` option; nil for none or unknown.
        public init?(option: String?) {
            switch option?.lowercased() {
            case "gzip", "gzip-js": self = .gzip
            case "lz64", "lz-string": self = .lzString
            case "base64", "b64": self = .base64
            default: return nil
            }
        }
    }

    /// The request as far as the payload is concerned.
    public struct Request: Sendable {
        /// Query parameters, already percent-decoded, in order.
        public var query: [(String, String)]
        public var contentType: String?
        public var contentEncoding: String?
        public var body: [UInt8]

        public init(query: [(String, String)] = [], contentType: String? = nil, contentEncoding: String? = nil, body: [UInt8] = []) {
            self.query = query
            self.contentType = contentType
            self.contentEncoding = contentEncoding
            self.body = body
        }

        func queryValue(_ name: String) -> String? { query.last { $0.0 == name }?.1 }
    }

    /// The payload's JSON text. Throws `.badJSON` for an empty or malformed request,
    /// `.badCompression` for data that does not decode, `.tooLarge` past `limits.maxDecodedBytes`.
    public static func extract(_ request: Request, limits: EventLimits) throws(IngestError) -> [UInt8] {
        let limit = limits.maxDecodedBytes
        var raw: [UInt8]
        var headerHint: Compression?
        if let data = request.queryValue("data"), !data.isEmpty {
            raw = Array(data.utf8)
        } else if !request.body.isEmpty {
            raw = request.body
            // gzip and deflate bodies are decoded here; other codings PostHog's SDKs name in
            // this header (lz64, base64) are only hints about the payload inside.
            if let coding = try? ContentCoding(header: request.contentEncoding) {
                if coding != .identity { raw = Array(buffer: try coding.decode(ByteBuffer(bytes: raw), limit: limit)) }
            } else {
                headerHint = Compression(option: request.contentEncoding)
            }
        } else {
            throw IngestError(.badJSON, "request missing data payload")
        }
        if raw.count > limit { throw tooLarge(limit) }

        if !looksLikeForm(raw), looksLikeBase64(raw, allowSpaces: false), let decoded = base64(raw) {
            raw = decoded
        }
        var formData: [UInt8]?
        var formHint: Compression?
        if request.contentType?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            guard looksLikeForm(raw) else { throw IngestError(.badJSON, "expected form data in POST request payload") }
            let form = try FormDecoding.decode(raw)
            if var data = form.last(where: { $0.0 == "data" })?.1 {
                // A base64 `data` whose '+' became ' ' through form decoding is restored.
                if looksLikeBase64(data, allowSpaces: true) { data = data.map { $0 == 0x20 ? UInt8(ascii: "+") : $0 } }
                formData = data
            }
            formHint = Compression(option: form.last(where: { $0.0 == "compression" }).map { String(decoding: $0.1, as: UTF8.self) })
        }
        let hint = Compression(option: request.queryValue("compression")) ?? formHint ?? headerHint ?? Compression.none
        var payload = formData ?? raw

        if hint == .gzip || payload.starts(with: [0x1F, 0x8B, 0x08]) {
            do {
                payload = Array(buffer: try ContentCoding.gzip.decode(ByteBuffer(bytes: payload), limit: limit))
            } catch where error.code == .badCompression {
                throw IngestError(.badCompression, "invalid gzip data")
            }
        } else if hint == .lzString {
            payload = Array(try LZString.decompressFromBase64(payload, limit: limit).utf8)
        } else if hint == .base64 {
            guard let decoded = base64(payload) else { throw IngestError(.badCompression, "payload is not valid base64") }
            payload = decoded
        }
        // Older SDKs wrap the JSON in one more layer of base64.
        if looksLikeBase64(payload, allowSpaces: false), let decoded = base64(payload) { payload = decoded }
        if payload.count > limit { throw tooLarge(limit) }
        return payload
    }

    static func tooLarge(_ limit: Int) -> IngestError {
        IngestError(.tooLarge, "payload is larger than the limit of \(limit) bytes once decoded")
    }

    /// True when the text starts like a form PostHog's SDKs send (`data=`, `compression=`, ...).
    static func looksLikeForm(_ bytes: [UInt8]) -> Bool {
        let prefix = bytes.prefix(128)
        for field in ["data=", "_=", "ip=", "compression=", "ver="] {
            let f = Array(field.utf8)
            if prefix.starts(with: f) { return true }
            var i = prefix.startIndex
            while let amp = prefix[i...].firstIndex(of: UInt8(ascii: "&")) {
                if prefix[(amp + 1)...].starts(with: f) { return true }
                i = amp + 1
            }
        }
        return false
    }

    /// A cheap test, as PostHog's capture does: the first 128 bytes are base64 digits and the
    /// length is a multiple of 4. JSON (which starts with `{`, `[` or whitespace) never passes.
    static func looksLikeBase64(_ bytes: [UInt8], allowSpaces: Bool) -> Bool {
        guard !bytes.isEmpty, bytes.count % 4 == 0 else { return false }
        return bytes.prefix(128).allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=") || (allowSpaces && b == 0x20)
        }
    }

    static func base64(_ bytes: [UInt8]) -> [UInt8]? {
        var text = bytes.filter { $0 != 0x0A && $0 != 0x0D }
        while text.count % 4 != 0 { text.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(text)).map { [UInt8]($0) }
    }
}

/// `application/x-www-form-urlencoded` decoding: `a=1&b=x+y%21`, to byte values.
public enum FormDecoding {
    public static func decode(_ bytes: some Collection<UInt8>) throws(IngestError) -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let kv = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try unescape(kv[0])
            let value = kv.count > 1 ? try unescape(kv[1]) : []
            out.append((String(decoding: name, as: UTF8.self), value))
        }
        return out
    }

    static func unescape(_ s: some Collection<UInt8>) throws(IngestError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var it = s.makeIterator()
        while let b = it.next() {
            if b == UInt8(ascii: "+") {
                out.append(0x20)
            } else if b == UInt8(ascii: "%") {
                guard let h = it.next(), let l = it.next(), let hi = hexValue(h), let lo = hexValue(l) else {
                    throw IngestError(.badJSON, "malformed percent-encoding in form data")
                }
                out.append(hi << 4 | lo)
            } else {
                out.append(b)
            }
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - 55
        default: nil
        }
    }
}
