import TSDB

/// What a line-protocol write becomes: series for `DB.store`, and what was left out.
public struct InfluxConversion: Sendable {
    public var batch = SeriesBatch()
    /// String fields skipped: Sextant stores numbers only.
    public var skippedStringFields = 0
    /// Up to 10 of the skipped fields, as `measurement.field`.
    public var skippedStringNames: [String] = []
    /// Points refused here (a timestamp out of range in the request's precision).
    public var problems: [String] = []
}

/// Turns parsed line protocol into series the way VictoriaMetrics does by default:
/// - each numeric field is one series named `{measurement}_{field}` (`cpu usage_idle=1` ->
///   `cpu_usage_idle`, and `cpu value=1` -> `cpu_value`: no special case for `value`);
/// - tags become labels as they are (no renaming);
/// - booleans are stored as 1 and 0; integers and unsigned integers as floats;
/// - string fields are skipped and counted (VictoriaMetrics stores them as 0, which hides them);
/// - the database (`db` of `/write`, `bucket` of `/api/v2/write`) becomes a `db` label, unless
///   the line has a `db` tag;
/// - a line without a timestamp gets the server's time.
public enum InfluxSeries {
    /// - Parameter now: the server's time in milliseconds.
    public static func convert(_ lines: InfluxLines, precision: InfluxPrecision, database: String?, now: Int64) -> InfluxConversion {
        var out = InfluxConversion()
        var names = SpanCache()
        var values = SpanCache()
        let db = database.flatMap { $0.isEmpty ? nil : $0 }
        lines.text.withUnsafeBytes { text in
            for p in lines.points {
                let t: Int64
                if let ts = p.timestamp {
                    guard let ms = precision.milliseconds(ts) else {
                        if out.problems.count < 10 { out.problems.append("line \(p.line): timestamp \(ts) is out of range for precision \(precision)") }
                        continue
                    }
                    t = ms
                } else {
                    t = now
                }
                var labels: [Label] = []
                labels.reserveCapacity(p.tags.count + 2)
                var hasDB = false
                for i in p.tags {
                    let tag = lines.tags[Int(i)]
                    let key = names.get(tag.key, text) { String(decoding: $0, as: UTF8.self) } ?? ""
                    if key == "db" { hasDB = true }
                    labels.append(Label(key, values.get(tag.value, text) { String(decoding: $0, as: UTF8.self) } ?? ""))
                }
                if let db, !hasDB { labels.append(Label("db", db)) }
                let measurement = names.get(p.measurement, text) { String(decoding: $0, as: UTF8.self) } ?? ""
                for i in p.fields {
                    let field = lines.fields[Int(i)]
                    let key = names.get(field.key, text) { String(decoding: $0, as: UTF8.self) } ?? ""
                    if field.kind == .string {
                        out.skippedStringFields += 1
                        if out.skippedStringNames.count < 10 { out.skippedStringNames.append(measurement + "." + key) }
                        continue
                    }
                    var series: [Label] = []
                    series.reserveCapacity(labels.count + 1)
                    series.append(contentsOf: labels)
                    series.append(Label(Labels.metricName, measurement + "_" + key))
                    out.batch.append(series, [Sample(t: t, v: field.value)])
                }
            }
        }
        return out
    }
}
