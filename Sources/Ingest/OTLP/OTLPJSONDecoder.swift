import Foundation

/// Decodes OTLP/HTTP JSON bodies (`ExportMetricsServiceRequest` in protobuf's JSON mapping)
/// into the same flat form as the protobuf decoder.
///
/// Accepted, as protobuf's own JSON parsers accept them: keys in lowerCamelCase or as the
/// original field names; 64-bit integers as strings or numbers (whole values in any notation,
/// `"1e3"` included); doubles as numbers or `"NaN"`, `"Infinity"`, `"-Infinity"` and numeric
/// strings; enums as numbers or names; `null` for any field; bytes in base64 (standard or
/// URL-safe, padding optional). Trace and span ids of exemplars are hex, as the OTLP spec
/// requires for JSON, and checked for length. Unknown keys are ignored, as the spec requires.
/// A wrong type for a known key is `.badSyntax` naming the key and its byte offset.
public enum OTLPJSONDecoder {
    /// - Throws: `.badSyntax` for malformed input; `.tooLarge` past `limits.maxSamples` data
    ///   points or `limits.maxLabelPairs` attributes.
    public static func decode(_ body: [UInt8], limits: RemoteWriteLimits = RemoteWriteLimits()) throws(IngestError) -> OTLPMetricsData {
        guard body.count <= Int(Int32.max) / 2 else {
            throw IngestError(.tooLarge, "body of \(body.count) bytes is over 1 GiB")
        }
        var failure: IngestError?
        var result = OTLPMetricsData()
        body.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                failure = IngestError(.badSyntax, "invalid JSON: empty body", offset: 0)
                return
            }
            var d = Decoder(reader: OTLPJSONReader(base: base, count: buffer.count), limits: limits)
            do throws(IngestError) {
                try d.request()
                result = d.data
                result.text = body
                result.text.append(contentsOf: d.reader.arena)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return result
    }

    struct Decoder {
        var reader: OTLPJSONReader
        let limits: RemoteWriteLimits
        var data = OTLPMetricsData()

        init(reader: OTLPJSONReader, limits: RemoteWriteLimits) {
            self.reader = reader
            self.limits = limits
        }

        func key(_ k: TextSpan, _ camel: StaticString, _ snake: StaticString? = nil) -> Bool {
            reader.isKey(k, camel, snake)
        }

        func name(_ k: TextSpan) -> String { String(decoding: reader.copyBytes(k), as: UTF8.self) }

        mutating func request() throws(IngestError) {
            try reader.beginObject()
            var first = true
            while let k = try reader.nextKey(first: &first) {
                if reader.readNull() { continue }
                if key(k, "resourceMetrics", "resource_metrics") {
                    try array { (d: inout Decoder) throws(IngestError) in try d.resourceMetrics() }
                } else {
                    try reader.skipValue()
                }
            }
            try reader.expectEnd()
        }

        /// Calls `element` for each element of an array (or nothing for `null`).
        mutating func array(_ element: (inout Decoder) throws(IngestError) -> Void) throws(IngestError) {
            if reader.readNull() { return }
            try reader.beginArray()
            var first = true
            while try reader.nextElement(first: &first) {
                if reader.readNull() { continue }
                try element(&self)
            }
        }

        mutating func resourceMetrics() throws(IngestError) {
            var resource = OTLPMetricsData.Resource()
            let scopeStart = Int32(data.scopes.count)
            try reader.beginObject()
            var first = true
            while let k = try reader.nextKey(first: &first) {
                if reader.readNull() { continue }
                if key(k, "resource") {
                    try reader.beginObject()
                    var f = true
                    while let rk = try reader.nextKey(first: &f) {
                        if !reader.readNull() && key(rk, "attributes") {
                            resource.attributes = try attributes()
                        } else {
                            try reader.skipValue()
                        }
                    }
                } else if key(k, "scopeMetrics", "scope_metrics") {
                    try array { (d: inout Decoder) throws(IngestError) in try d.scopeMetrics() }
                } else {
                    try reader.skipValue()
                }
            }
            resource.scopes = scopeStart..<Int32(data.scopes.count)
            data.resources.append(resource)
        }

        mutating func scopeMetrics() throws(IngestError) {
            var scope = OTLPMetricsData.Scope()
            let metricStart = Int32(data.metrics.count)
            try reader.beginObject()
            var first = true
            while let k = try reader.nextKey(first: &first) {
                if reader.readNull() { continue }
                if key(k, "scope") {
                    try reader.beginObject()
                    var f = true
                    while let sk = try reader.nextKey(first: &f) {
                        if reader.readNull() { continue }
                        if key(sk, "name") {
                            scope.name = try string(sk)
                        } else if key(sk, "version") {
                            scope.version = try string(sk)
                        } else if key(sk, "attributes") {
                            scope.attributes = try attributes()
                        } else {
                            try reader.skipValue()
                        }
                    }
                } else if key(k, "metrics") {
                    try array { (d: inout Decoder) throws(IngestError) in try d.metric() }
                } else if key(k, "schemaUrl", "schema_url") {
                    scope.schemaURL = try string(k)
                } else {
                    try reader.skipValue()
                }
            }
            scope.metrics = metricStart..<Int32(data.metrics.count)
            data.scopes.append(scope)
        }

        mutating func metric() throws(IngestError) {
            var m = OTLPMetricsData.Metric()
            let pointStart = data.points.count
            try reader.beginObject()
            var first = true
            while let k = try reader.nextKey(first: &first) {
                if reader.readNull() { continue }
                let kind: OTLPMetricsData.Kind
                if key(k, "name") {
                    m.name = try string(k)
                    continue
                } else if key(k, "unit") {
                    m.unit = try string(k)
                    continue
                } else if key(k, "gauge") {
                    kind = .gauge
                } else if key(k, "sum") {
                    kind = .sum
                } else if key(k, "histogram") {
                    kind = .histogram
                } else if key(k, "exponentialHistogram", "exponential_histogram") {
                    kind = .exponentialHistogram
                } else if key(k, "summary") {
                    kind = .summary
                } else {
                    try reader.skipValue()
                    continue
                }
                data.points.removeSubrange(pointStart...)
                m.kind = kind
                try metricData(&m)
            }
            m.points = Int32(pointStart)..<Int32(data.points.count)
            data.metrics.append(m)
        }

        mutating func metricData(_ m: inout OTLPMetricsData.Metric) throws(IngestError) {
            let kind = m.kind
            try reader.beginObject()
            var first = true
            while let k = try reader.nextKey(first: &first) {
                if reader.readNull() { continue }
                if key(k, "dataPoints", "data_points") {
                    try array { (d: inout Decoder) throws(IngestError) in try d.dataPoint(kind) }
                } else if key(k, "aggregationTemporality", "aggregation_temporality") {
                    m.temporality = try temporality(k)
                } else if key(k, "isMonotonic", "is_monotonic") {
                    m.isMonotonic = try bool(k)
                } else {
                    try reader.skipValue()
                }
            }
        }

        mutating func dataPoint(_ kind: OTLPMetricsData.Kind) throws(IngestError) {
            guard data.points.count < limits.maxSamples else {
                throw IngestError(.tooLarge, "more than \(limits.maxSamples) data points in one request")
            }
            var p = OTLPMetricsData.Point()
            try reader.beginObject()
            var first = true
            while let k = try reader.nextKey(first: &first) {
                if reader.readNull() { continue }
                if key(k, "attributes") && kind != .exponentialHistogram {
                    p.attributes = try attributes()
                } else if key(k, "startTimeUnixNano", "start_time_unix_nano") {
                    p.startTimeNanos = try unsigned(k)
                } else if key(k, "timeUnixNano", "time_unix_nano") {
                    p.timeNanos = try unsigned(k)
                } else if key(k, "flags") {
                    p.flags = UInt32(truncatingIfNeeded: try unsigned(k, max: UInt64(UInt32.max)))
                } else if (kind == .gauge || kind == .sum) && key(k, "asDouble", "as_double") {
                    p.value = try double(k)
                } else if (kind == .gauge || kind == .sum) && key(k, "asInt", "as_int") {
                    p.value = Double(try signed(k))
                } else if (kind == .histogram || kind == .summary) && key(k, "count") {
                    p.count = try unsigned(k)
                } else if (kind == .histogram || kind == .summary) && key(k, "sum") {
                    p.sum = try double(k)
                    p.hasSum = true
                } else if kind == .histogram && key(k, "bucketCounts", "bucket_counts") {
                    let start = Int32(data.counts.count)
                    try array { (d: inout Decoder) throws(IngestError) in d.data.counts.append(try d.unsigned(k)) }
                    p.bucketCounts = start..<Int32(data.counts.count)
                } else if kind == .histogram && key(k, "explicitBounds", "explicit_bounds") {
                    let start = Int32(data.doubles.count)
                    try array { (d: inout Decoder) throws(IngestError) in d.data.doubles.append(try d.double(k)) }
                    p.bounds = start..<Int32(data.doubles.count)
                } else if kind == .summary && key(k, "quantileValues", "quantile_values") {
                    let start = Int32(data.doubles.count)
                    try array { (d: inout Decoder) throws(IngestError) in try d.quantile() }
                    p.quantiles = start..<Int32(data.doubles.count)
                } else if key(k, "exemplars") {
                    try array { (d: inout Decoder) throws(IngestError) in try d.exemplar() }
                } else {
                    try reader.skipValue()
                }
            }
            data.points.append(p)
        }

        mutating func quantile() throws(IngestError) {
            var q = 0.0, v = 0.0
            try reader.beginObject()
            var first = true
            while let k = try reader.nextKey(first: &first) {
                if reader.readNull() { continue }
                if key(k, "quantile") { q = try double(k) } else if key(k, "value") { v = try double(k) } else { try reader.skipValue() }
            }
            data.doubles.append(q)
            data.doubles.append(v)
        }

        /// Exemplars are not stored, but their ids are checked: hex of 16 (trace) and 8 (span) bytes.
        mutating func exemplar() throws(IngestError) {
            try reader.beginObject()
            var first = true
            while let k = try reader.nextKey(first: &first) {
                if reader.readNull() { continue }
                if key(k, "traceId", "trace_id") {
                    try hexID(k, bytes: 16)
                } else if key(k, "spanId", "span_id") {
                    try hexID(k, bytes: 8)
                } else {
                    try reader.skipValue()
                }
            }
        }

        mutating func hexID(_ k: TextSpan, bytes: Int) throws(IngestError) {
            let at = reader.position
            let span = try string(k)
            let ok = reader.withBytes(span) { b in
                b.isEmpty || (b.count == bytes * 2 && b.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x66) })
            }
            guard ok else {
                throw IngestError(.badSyntax, "\(name(k)) must be \(bytes * 2) hex digits (\(bytes) bytes) or empty", offset: at)
            }
        }

        // MARK: Scalars

        func typeError(_ k: TextSpan, _ wanted: String, at offset: Int) -> IngestError {
            IngestError(.badSyntax, "\"\(name(k))\" must be \(wanted)", offset: offset)
        }

        mutating func string(_ k: TextSpan) throws(IngestError) -> TextSpan {
            let at = reader.position
            guard reader.peek() == UInt8(ascii: "\"") else { throw typeError(k, "a string", at: at) }
            return try reader.readString()
        }

        mutating func bool(_ k: TextSpan) throws(IngestError) -> Bool {
            let at = reader.position
            do { return try reader.readBool() } catch { throw typeError(k, "true or false", at: at) }
        }

        /// A number, or a string holding one (how protobuf's JSON writes 64-bit integers).
        mutating func integer(_ k: TextSpan, signed: Bool) throws(IngestError) -> (magnitude: UInt64, negative: Bool) {
            _ = reader.peek()
            let at = reader.position
            let wanted = signed ? "a 64-bit integer (a number or a string)" : "an unsigned 64-bit integer (a number or a string)"
            let parsed: (magnitude: UInt64, negative: Bool)?
            if reader.peek() == UInt8(ascii: "\"") {
                let span = try reader.readString()
                parsed = reader.withBytes(span) { OTLPJSONReader.integer($0, signed: signed) }
            } else {
                guard let c = reader.peek(), c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) else { throw typeError(k, wanted, at: at) }
                let text = try reader.readNumberText()
                parsed = OTLPJSONReader.integer(UnsafeRawBufferPointer(start: reader.base + text.lowerBound, count: text.count), signed: signed)
            }
            guard let parsed else { throw typeError(k, wanted, at: at) }
            return parsed
        }

        mutating func unsigned(_ k: TextSpan, max: UInt64 = .max) throws(IngestError) -> UInt64 {
            let at = reader.position
            let v = try integer(k, signed: false).magnitude
            guard v <= max else { throw typeError(k, "at most \(max)", at: at) }
            return v
        }

        mutating func signed(_ k: TextSpan) throws(IngestError) -> Int64 {
            let (m, negative) = try integer(k, signed: true)
            return negative ? Int64(truncatingIfNeeded: 0 &- m) : Int64(m)
        }

        /// A number, or `"NaN"`, `"Infinity"`, `"-Infinity"` or a numeric string.
        mutating func double(_ k: TextSpan) throws(IngestError) -> Double {
            _ = reader.peek()
            let at = reader.position
            if reader.peek() == UInt8(ascii: "\"") {
                let span = try reader.readString()
                let v: Double? = reader.withBytes(span) { b in
                    switch String(decoding: b, as: UTF8.self) {
                    case "NaN": return .nan
                    case "Infinity": return .infinity
                    case "-Infinity": return -.infinity
                    default: return OTLPJSONReader.double(b)
                    }
                }
                guard let v else { throw typeError(k, "a number", at: at) }
                return v
            }
            guard let c = reader.peek(), c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) else { throw typeError(k, "a number", at: at) }
            let text = try reader.readNumberText()
            guard let v = OTLPJSONReader.double(UnsafeRawBufferPointer(start: reader.base + text.lowerBound, count: text.count)) else {
                throw typeError(k, "a number", at: at)
            }
            return v
        }

        mutating func temporality(_ k: TextSpan) throws(IngestError) -> Int32 {
            if reader.peek() == UInt8(ascii: "\"") {
                let at = reader.position
                let span = try reader.readString()
                if reader.isKey(span, "AGGREGATION_TEMPORALITY_UNSPECIFIED") { return 0 }
                if reader.isKey(span, "AGGREGATION_TEMPORALITY_DELTA") { return 1 }
                if reader.isKey(span, "AGGREGATION_TEMPORALITY_CUMULATIVE") { return 2 }
                if let (m, negative) = reader.withBytes(span, { OTLPJSONReader.integer($0, signed: true) }), m <= UInt64(Int32.max) {
                    return negative ? -Int32(m) : Int32(m)
                }
                throw typeError(k, "an AggregationTemporality (a number or AGGREGATION_TEMPORALITY_DELTA / _CUMULATIVE)", at: at)
            }
            let (m, negative) = try integer(k, signed: true)
            return Int32(truncatingIfNeeded: negative ? 0 &- m : m)
        }

        mutating func base64(_ k: TextSpan) throws(IngestError) -> [UInt8] {
            let at = reader.position
            let span = try string(k)
            var text = String(decoding: reader.copyBytes(span), as: UTF8.self)
                .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while text.utf8.count % 4 != 0 { text += "=" }
            guard let d = Data(base64Encoded: text) else { throw typeError(k, "base64", at: at) }
            return Array(d)
        }
    }
}
