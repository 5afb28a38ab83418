import Analytics
import Foundation
import Hummingbird

/// Analysis results as HTTP answers: the module's JSON (snake_case keys, docs/analytics.md),
/// plus, for experiments, AI and revenue, the camelCase keys other tools read
/// (docs/analytics-api.md, "Shapes other tools rely on").
enum AnalyticsAnswer {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        // No analysis should produce them; if one did, the answer says so rather than failing.
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }

    static func json(_ value: some Encodable) throws -> Data {
        do {
            return try encoder().encode(value)
        } catch {
            throw APIError(.internalError, "the answer could not be encoded: \(error)")
        }
    }

    /// The module's JSON with keys added at the top level by `extend` (values: strings,
    /// `NSNumber`s, `NSNull`, arrays or objects of those). Parsed by `JSONTree`, which keeps
    /// every double exact.
    static func extended(_ value: some Encodable, _ extend: (inout [String: Any]) -> Void) throws -> Data {
        let data = try json(value)
        guard var object = (try? JSONTree.parse(data)) as? [String: Any] else {
            throw APIError(.internalError, "the answer is not a JSON object")
        }
        extend(&object)
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Adds `zTest` (the non-control variant with the smallest p-value against the control:
    /// `variant`, `z`, `pValue`, `lift`) and `bayes` (`chanceToWin` of that variant,
    /// `chanceToBeBest`, `posteriorMean` and `credibleInterval` by variant).
    static func experiment(_ r: Experiment.Result) throws -> Data {
        let tested = r.variants.filter { $0.variant != r.control && $0.pValue != nil }
            .min { ($0.pValue ?? 1, $0.variant.description) < ($1.pValue ?? 1, $1.variant.description) }
        return try extended(r) { o in
            o["zTest"] = [
                "variant": string(tested?.variant.description), "z": number(tested?.z),
                "pValue": number(tested?.pValue), "lift": number(tested?.lift),
            ] as [String: Any]
            var best: [String: Any] = [:], mean: [String: Any] = [:], interval: [String: Any] = [:]
            for v in r.variants {
                best[v.variant.description] = number(v.chanceToBeBest)
                mean[v.variant.description] = number(v.posteriorMean)
                interval[v.variant.description] = v.credibleInterval.map { $0.map { NSNumber(value: $0) } } ?? NSNull()
            }
            o["bayes"] = ["chanceToWin": number(tested?.chanceToBeBest), "chanceToBeBest": best,
                          "posteriorMean": mean, "credibleInterval": interval] as [String: Any]
        }
    }

    /// Adds to each model `modelVersion`, `acceptanceRate` and `satisfaction` (mean rating).
    static func ai(_ r: AIRecommendations.Result) throws -> Data {
        try extended(r) { o in
            guard var models = o["models"] as? [[String: Any]] else { return }
            for (i, m) in r.models.enumerated() where i < models.count {
                models[i]["modelVersion"] = m.model == .null ? NSNull() : m.model.description
                models[i]["acceptanceRate"] = number(m.acceptanceRate)
                models[i]["satisfaction"] = number(m.meanSatisfaction)
            }
            o["models"] = models
        }
    }

    /// Adds `points` (`[["YYYY-MM-DD", revenue], ...]`), `total`, `activeUsers` (`arpu` is there).
    static func revenue(_ r: Business.Result) throws -> Data {
        try extended(r) { o in
            o["points"] = r.periods.map { [$0.start, NSNumber(value: $0.revenue)] as [Any] }
            o["total"] = NSNumber(value: r.totalRevenue)
            o["activeUsers"] = number(r.activeUsers)
        }
    }

    /// A number for `extended`'s tree, `NSNull` for nil.
    static func number(_ value: Double?) -> Any { value.map { NSNumber(value: $0) } ?? NSNull() }
    static func number(_ value: Int) -> Any { NSNumber(value: value) }
    static func string(_ value: String?) -> Any { value ?? NSNull() }

    static func response(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
