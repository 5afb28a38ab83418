import Insights
import Statistics
import TSDB

/// JSON for Insights' results: numbers as JSON numbers (null for NaN, ±Inf or absent), times
/// in Unix seconds.
extension JSONWriter {
    mutating func number(_ v: Double?) {
        guard let v, v.isFinite else { raw("null"); return }
        raw(v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)")
    }

    mutating func field(_ name: String, _ v: Double?) { key(name); number(v) }
    mutating func field(_ name: String, _ v: Int) { key(name); raw(String(v)) }
    mutating func field(_ name: String, _ v: String?) {
        key(name)
        if let v { string(v) } else { raw("null") }
    }
    mutating func field(_ name: String, _ v: Bool) { key(name); raw(v ? "true" : "false") }
    /// A time in ms as Unix seconds.
    mutating func time(_ name: String, _ ms: Int64?) { field(name, ms.map { Double($0) / 1000 }) }

    mutating func numbers(_ list: [Double]) {
        beginArray()
        for v in list { number(v) }
        endArray()
    }

    mutating func sample(_ s: Comparison.Sample) {
        beginObject()
        field("count", s.count)
        field("mean", s.mean)
        field("median", s.median)
        field("stddev", s.standardDeviation)
        field("min", s.minimum)
        field("max", s.maximum)
        field("p50", s.p50)
        field("p95", s.p95)
        field("p99", s.p99)
        endObject()
    }

    /// The comparison's members (inside an object the caller opened).
    mutating func comparisonFields(_ c: Comparison) {
        field("verdict", c.verdict.rawValue)
        field("reason", c.reason)
        key("baseline"); sample(c.baseline)
        key("current"); sample(c.current)
        field("meanDifference", c.meanDifference)
        field("changePercent", c.changePercent)
        key("welch")
        if let w = c.welch {
            beginObject()
            field("t", w.t)
            field("df", w.degreesOfFreedom)
            field("p", w.pValue)
            endObject()
        } else {
            raw("null")
        }
        key("mannWhitney")
        beginObject()
        field("u", c.mannWhitney.u)
        field("p", c.mannWhitney.pValue)
        field("method", c.mannWhitney.method == .exact ? "exact" : "asymptotic")
        endObject()
        field("cohensD", c.cohensD)
    }

    mutating func rule(_ r: VerdictRule) {
        beginObject()
        field("alpha", r.alpha)
        field("minEffect", r.minEffect)
        field("minChangePercent", r.minChangePercent)
        field("higherIsBetter", r.higherIsBetter)
        endObject()
    }

    mutating func range(_ r: TimeRange) {
        beginObject()
        time("start", r.start)
        time("end", r.end)
        endObject()
    }

    mutating func skipped(_ list: [SkippedSeries]) {
        key("skipped")
        beginArray()
        for s in list {
            beginObject()
            key("metric"); labels(s.labels)
            field("reason", s.reason)
            endObject()
        }
        endArray()
    }

    mutating func evidence(_ list: [Evidence]) {
        key("evidence")
        beginArray()
        for e in list {
            beginObject()
            field("query", e.query)
            key("metric"); labels(e.labels)
            field("value", e.value)
            endObject()
        }
        endArray()
    }

    /// The model behind a forecast: method, season, back-tests, smoothing parameters.
    mutating func forecastModel(_ f: Forecast) {
        field("method", f.method.rawValue)
        key("seasonLength")
        if let m = f.seasonLength { raw(String(m)) } else { raw("null") }
        key("backtest")
        if let b = f.backtest {
            beginObject()
            field("mape", b.mape)
            field("mae", b.mae)
            field("heldBack", f.heldBack)
            endObject()
        } else {
            raw("null")
        }
        key("candidates")
        beginArray()
        for b in f.backtests {
            beginObject()
            field("method", b.method.rawValue)
            field("mape", b.mape)
            field("mae", b.mae)
            endObject()
        }
        endArray()
        key("parameters")
        beginObject()
        field("alpha", f.model.parameters.alpha)
        field("beta", f.model.parameters.beta)
        field("gamma", f.model.parameters.gamma)
        endObject()
    }
}
