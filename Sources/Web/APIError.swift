import Hummingbird

/// An error answered to an HTTP client in Prometheus's envelope:
/// `{"status":"error","errorType":"bad_data","error":"..."}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public enum Kind: String, Sendable {
        case badData = "bad_data"
        case execution = "execution"
        case internalError = "internal"
        case unavailable = "unavailable"
        case tooLarge = "too_large"
        case notFound = "not_found"
        case timeout = "timeout"
        case canceled = "canceled"
    }

    public var kind: Kind
    public var message: String
    public var status: HTTPResponse.Status

    public init(_ kind: Kind, _ message: String, status: HTTPResponse.Status? = nil) {
        self.kind = kind
        self.message = message
        switch (status, kind) {
        case (let s?, _): self.status = s
        case (nil, .badData): self.status = .badRequest
        case (nil, .execution): self.status = .unprocessableContent
        case (nil, .internalError): self.status = .internalServerError
        case (nil, .unavailable): self.status = .serviceUnavailable
        case (nil, .tooLarge): self.status = .contentTooLarge
        case (nil, .notFound): self.status = .notFound
        case (nil, .timeout): self.status = .serviceUnavailable
        case (nil, .canceled): self.status = .serviceUnavailable
        }
    }

    public static func badData(_ message: String) -> APIError { APIError(.badData, message) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.key("status"); w.string("error")
        w.key("errorType"); w.string(kind.rawValue)
        w.key("error"); w.string(message)
        w.endObject()
        var r = w.response
        r.status = status
        return r
    }
}
