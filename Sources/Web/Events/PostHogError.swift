import Hummingbird
import Ingest

/// An error answered to a PostHog SDK, in the body PostHog's API uses:
/// `{"type": "validation_error", "code": "invalid_payload", "detail": "...", "attr": null}`.
/// The SDKs show `detail` to the developer; they do not retry 4xx answers.
struct PostHogError: Error, HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var type: String
    var code: String
    var detail: String

    static func invalidPayload(_ detail: String) -> PostHogError {
        PostHogError(status: .badRequest, type: "validation_error", code: "invalid_payload", detail: detail)
    }

    /// The HTTP answer PostHog's capture gives for each decoding failure.
    init(_ e: IngestError) {
        switch e.code {
        case .unauthorized: self.init(status: .unauthorized, type: "authentication_error", code: "invalid_api_key", detail: e.message)
        case .tooLarge: self.init(status: .contentTooLarge, type: "validation_error", code: "payload_too_large", detail: e.message)
        default: self = .invalidPayload(e.description)
        }
    }

    init(status: HTTPResponse.Status, type: String, code: String, detail: String) {
        self.status = status
        self.type = type
        self.code = code
        self.detail = detail
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.key("type"); w.string(type)
        w.key("code"); w.string(code)
        w.key("detail"); w.string(detail)
        w.key("attr"); w.raw("null")
        w.endObject()
        var r = w.response
        r.status = status
        return r
    }
}
