import Foundation
import Hummingbird

/// `/decide` and `/flags`: Sextant has no feature flags, so every version of the answer says
/// so, in the shape each SDK version expects, with the client config that lets posthog-js
/// start with session recording, surveys and heatmaps off (nothing for it to fetch or retry).
enum PostHogFlags {
    /// The answer, by PostHog's version rules: `/decide` v1 (or none) lists active flag keys,
    /// v2 maps them to values, v3 adds payloads, v4+ is the `/flags` v2 shape; `/flags` v2+ is
    /// `{"flags": {...}}`, below that the v3 shape. `/decide` always carries the client config,
    /// `/flags` with `config=true` or when neither `v` nor `config` is given.
    static func answer(_ request: Request, decide: Bool) -> Response {
        let query = (try? decodeForm(request.uri.query ?? "")) ?? []
        let version = query.last { $0.0 == "v" }.flatMap { Int($0.1) }
        let configParam = query.last { $0.0 == "config" }?.1.lowercased()
        let withConfig = decide || configParam == "true" || configParam == "1" || (version == nil && configParam == nil)
        let shape: Shape
        if decide {
            switch version ?? 1 {
            case 2: shape = .flagValues
            case 3: shape = .legacy
            case let v where v >= 4: shape = .details
            default: shape = .activeKeys
            }
        } else {
            shape = (version ?? 2) >= 2 ? .details : .legacy
        }
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        switch shape {
        case .activeKeys:
            w.key("featureFlags"); w.raw("[]")
        case .flagValues:
            w.key("featureFlags"); w.raw("{}")
        case .legacy:
            w.key("featureFlags"); w.raw("{}")
            w.key("featureFlagPayloads"); w.raw("{}")
            w.key("errorsWhileComputingFlags"); w.raw("false")
        case .details:
            w.key("flags"); w.raw("{}")
            w.key("errorsWhileComputingFlags"); w.raw("false")
        }
        w.key("requestId"); w.string(UUID().uuidString.lowercased())
        if withConfig { clientConfig(&w) }
        w.endObject()
        return w.response
    }

    enum Shape { case activeKeys, flagValues, legacy, details }

    /// The config members of a `/decide` answer: all optional features off.
    static func clientConfig(_ w: inout JSONWriter) {
        w.key("supportedCompression"); w.strings(["gzip", "gzip-js"])
        w.key("autocapture_opt_out"); w.raw("false")
        w.key("capturePerformance"); w.raw("false")
        w.key("config"); w.raw(#"{"enable_collect_everything":true}"#)
        w.key("elementsChainAsString"); w.raw("true")
        w.key("sessionRecording"); w.raw("false")
        w.key("surveys"); w.raw("false")
        w.key("heatmaps"); w.raw("false")
        w.key("siteApps"); w.raw("[]")
        w.key("toolbarParams"); w.raw("{}")
        w.key("isAuthenticated"); w.raw("false")
        w.key("defaultIdentifiedOnly"); w.raw("true")
        w.key("captureDeadClicks"); w.raw("false")
        w.key("autocaptureExceptions"); w.raw("false")
        w.key("errorTracking"); w.raw(#"{"autocaptureExceptions":false,"suppressionRules":[]}"#)
    }

    /// `/array/TOKEN/config`, which recent posthog-js reads before `/flags`: the same config,
    /// and no flags to ask for.
    static func remoteConfig(token: String) -> Response {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.key("token"); w.string(token)
        w.key("hasFeatureFlags"); w.raw("false")
        clientConfig(&w)
        w.endObject()
        return w.response
    }
}
