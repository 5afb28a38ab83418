import Hummingbird
import Insights

/// Insights' errors answered in Prometheus's error envelope: every one is the caller's to fix
/// (a bad parameter, a window without data, more series than the cap), so all are 400 bad_data.
extension InsightsError: HTTPResponseError {
    public var status: HTTPResponse.Status { .badRequest }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try APIError.badData(message).response(from: request, context: context)
    }
}
