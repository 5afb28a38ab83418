import Hummingbird
import Insights

/// `POST /api/v1/analysis/compare` and `POST /api/v1/analysis/forecast`: the comparison and the
/// forecast over numbers in a JSON body, answered as a bare JSON object (docs/insights.md).
/// The work runs through the query gate, as queries do: a million-value comparison sorts for
/// about a second and must not hold a cooperative-pool thread.
struct PostedAnalysis: Sendable {
    let queries: QueryRoutes

    func compare(_ req: Request) async throws -> Response {
        let body = try await PostedBody(req)
        let baseline = try body.numbers("baseline")
        let current = try body.numbers("current")
        var rule = VerdictRule()
        if let v = try body.number("alpha") { rule.alpha = v }
        if let v = try body.number("minEffect") { rule.minEffect = v }
        if let v = try body.number("minChangePercent") { rule.minChangePercent = v }
        if let v = try body.bool("higherIsBetter") { rule.higherIsBetter = v }
        let comparison = try await queries.run(timeout: queries.options.timeout) { [rule] _ in
            try Comparison(baseline: baseline, current: current, rule: rule)
        }
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.comparisonFields(comparison)
        w.key("rule"); w.rule(rule)
        w.endObject()
        return w.response
    }

    func forecast(_ req: Request) async throws -> Response {
        let body = try await PostedBody(req)
        let values = try body.numbers("values")
        guard let horizon = try body.integer("horizon", in: 1...InsightsLimits.maxHorizon) else {
            throw APIError.badData("\"horizon\" is missing; send the number of steps to forecast")
        }
        var options = ForecastOptions(horizon: horizon)
        options.seasonLength = try body.integer("seasonLength", in: 2...1000)
        if let v = try body.number("level") { options.level = v }
        if let text = try body.string("method") {
            guard let method = ForecastMethod(rawValue: text) else {
                throw APIError.badData("\"method\" is \"\(text.prefix(40))\"; use one of "
                    + ForecastMethod.allCases.map(\.rawValue).joined(separator: ", "))
            }
            options.method = method
        }
        let forecast = try await queries.run(timeout: queries.options.timeout) { [options] _ in
            try Forecaster.forecast(values, options: options)
        }
        var w = JSONWriter(capacity: 256 + 64 * horizon)
        w.beginObject()
        w.forecastModel(forecast)
        w.field("level", options.level)
        w.forecastPoints(forecast.points)
        w.endObject()
        return w.response
    }
}
