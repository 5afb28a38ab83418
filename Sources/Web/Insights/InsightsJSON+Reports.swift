import Insights
import Statistics
import TSDB

/// The `data` of the regression, anomaly and capacity answers (shapes in docs/insights.md).
extension JSONWriter {
    mutating func regression(_ report: RegressionReport, _ request: RegressionRequest) {
        beginObject()
        field("query", request.query)
        key("baseline"); range(request.baseline)
        key("current"); range(request.current)
        field("step", Double(request.step) / 1000)
        key("rule"); rule(request.rule)
        key("series")
        beginArray()
        for s in report.series {
            beginObject()
            key("metric"); labels(s.labels)
            comparisonFields(s.comparison)
            key("changePoint")
            if let c = s.changePoint {
                beginObject()
                time("time", c.time)
                field("before", c.shift.before)
                field("after", c.shift.after)
                field("sigmas", c.shift.sigmas)
                endObject()
            } else {
                raw("null")
            }
            endObject()
        }
        endArray()
        skipped(report.skipped)
        endObject()
    }

    mutating func anomalies(_ report: AnomalyReport, _ request: AnomalyRequest) {
        beginObject()
        field("query", request.query)
        time("start", request.range.start)
        time("end", request.range.end)
        field("step", Double(request.step) / 1000)
        field("method", report.method.rawValue)
        field("threshold", report.threshold)
        key("series")
        beginArray()
        for s in report.series {
            beginObject()
            key("metric"); labels(s.labels)
            field("points", s.pointCount)
            key("anomalies")
            beginArray()
            for a in s.anomalies {
                beginObject()
                time("time", a.time)
                field("value", a.value)
                field("score", a.score)
                field("baseline", a.baseline)
                field("scale", a.scale)
                endObject()
            }
            endArray()
            field("note", s.note)
            endObject()
        }
        endArray()
        endObject()
    }

    mutating func capacity(_ report: CapacityReport, _ request: CapacityRequest) {
        beginObject()
        field("query", request.query)
        time("start", request.range.start)
        time("end", request.range.end)
        field("step", Double(request.step) / 1000)
        field("threshold", request.threshold)
        field("direction", request.direction.rawValue)
        field("horizonSteps", report.horizonSteps)
        field("level", request.level)
        key("series")
        beginArray()
        for s in report.series {
            beginObject()
            key("metric"); labels(s.labels)
            key("last")
            beginObject()
            time("time", s.lastTime)
            field("value", s.lastValue)
            endObject()
            field("filled", s.filled)
            forecastModel(s.forecast)
            key("crossing")
            beginObject()
            field("status", s.crossing.status.rawValue)
            time("time", s.crossing.time)
            time("earliest", s.crossing.earliest)
            time("latest", s.crossing.latest)
            endObject()
            key("times")
            beginArray()
            for t in s.times { number(Double(t) / 1000) }
            endArray()
            forecastPoints(s.forecast.points)
            endObject()
        }
        endArray()
        skipped(report.skipped)
        endObject()
    }

    /// `"forecast": [...], "lower": [...], "upper": [...]`, one entry per step.
    mutating func forecastPoints(_ points: [ForecastPoint]) {
        key("forecast"); numbers(points.map(\.value))
        key("lower"); numbers(points.map(\.lower))
        key("upper"); numbers(points.map(\.upper))
    }
}
