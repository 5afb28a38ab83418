import Insights
import TSDB

/// The `data` of the bottleneck, suggestion and health answers (shapes in docs/insights.md).
extension JSONWriter {
    mutating func bottlenecks(_ report: BottleneckReport, window: Int64) {
        beginObject()
        time("time", report.time)
        field("window", Double(window) / 1000)
        field("slo", report.slo)
        key("endpoints")
        beginArray()
        for e in report.endpoints {
            let s = e.stats
            beginObject()
            field("name", s.name)
            key("metric"); labels(s.labels)
            field("latencyShare", e.latencyShare)
            field("errorShare", e.errorShare)
            field("requestRate", s.requestRate)
            field("errorRatio", s.errorRatio)
            field("meanLatency", s.meanLatency)
            field("p50", s.p50?.value)
            field("p99", s.p99?.value)
            field("secondsPerSecond", s.time?.value)
            endObject()
        }
        endArray()
        key("hosts")
        beginArray()
        for h in report.hosts {
            let s = h.stats
            beginObject()
            field("host", s.host)
            key("instances"); strings(s.instances)
            field("saturation", h.saturation)
            field("cpu", s.cpu?.value)
            field("memory", s.memory?.value)
            field("disk", s.disk?.value)
            field("diskIO", s.diskIO?.value)
            field("network", s.network?.value)
            field("networkErrors", s.networkErrors?.value)
            field("targets", s.targets.count)
            field("down", s.down.count)
            endObject()
        }
        endArray()
        key("findings")
        beginArray()
        for f in report.findings {
            beginObject()
            field("kind", f.kind.rawValue)
            field("subject", f.subject)
            field("resource", f.resource)
            field("severity", f.severity.rawValue)
            field("value", f.value)
            field("share", f.share)
            field("rule", f.rule)
            evidence(f.evidence)
            endObject()
        }
        endArray()
        endObject()
    }

    mutating func suggestions(_ list: [Suggestion], time at: Int64, slo: Double) {
        beginObject()
        time("time", at)
        field("slo", slo)
        key("suggestions")
        beginArray()
        for s in list {
            beginObject()
            field("category", s.category.rawValue)
            field("title", s.title)
            field("detail", s.detail)
            field("subject", s.subject)
            field("impact", s.impact)
            field("effort", s.effort)
            field("priority", s.priority)
            field("rule", s.rule)
            evidence(s.evidence)
            endObject()
        }
        endArray()
        endObject()
    }

    mutating func health(_ report: HealthReport, time at: Int64, slo: Double) {
        beginObject()
        time("time", at)
        field("slo", slo)
        field("overall", report.overall)
        key("hosts")
        beginArray()
        for h in report.hosts {
            beginObject()
            field("host", h.host)
            field("score", h.score)
            key("components")
            beginArray()
            for c in h.components {
                beginObject()
                field("name", c.name)
                field("value", c.value)
                field("penalty", c.penalty)
                field("weight", c.weight)
                evidence(c.evidence)
                endObject()
            }
            endArray()
            endObject()
        }
        endArray()
        endObject()
    }
}
