/// Decodes OTLP/HTTP protobuf bodies (`ExportMetricsServiceRequest`) from untrusted clients.
///
/// Field numbers are those of `opentelemetry/proto/metrics/v1/metrics.proto`, `common.proto`
/// and `resource.proto`. Protobuf rules followed: fields in any order; unknown fields of every
/// wire type skipped; repeated scalars packed or not; a known field with the wrong wire type, a
/// length past its enclosing message or a truncated value is `.badProtobuf`, with the path to
/// the message (`resource_metrics[0].scope_metrics[1].metrics[2]`) and the byte offset. A
/// singular message field sent twice keeps the last one (protobuf would merge them; no sender
/// does this). Exemplars, descriptions and metadata are skipped; exponential histogram points
/// are kept only as points (with times) so they can be counted and refused.
///
/// Strings are not copied: attributes point into the body. All functions are pure and safe to
/// call concurrently.
public enum OTLPProtobufDecoder {
    /// Deepest nesting of array and map attribute values followed.
    static let maxValueDepth = 32

    /// - Throws: `.badProtobuf` for malformed input; `.tooLarge` past `limits.maxSamples` data
    ///   points or `limits.maxLabelPairs` attributes in the request.
    public static func decode(_ body: [UInt8], limits: RemoteWriteLimits = RemoteWriteLimits()) throws(IngestError) -> OTLPMetricsData {
        guard body.count <= Int(Int32.max) / 2 else {
            throw IngestError(.tooLarge, "body of \(body.count) bytes is over 1 GiB")
        }
        var builder = Builder(limits: limits, bodyCount: body.count)
        var failure: IngestError?
        body.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            do throws(IngestError) { try builder.request(base, buffer.count) } catch { failure = error }
        }
        if let failure { throw failure }
        var data = builder.data
        data.text = body
        data.text.append(contentsOf: builder.extra)
        return data
    }

    struct Builder {
        let limits: RemoteWriteLimits
        let bodyCount: Int
        var data = OTLPMetricsData()
        /// Rendered attribute values, appended after the body once decoding is done.
        var extra: [UInt8] = []

        init(limits: RemoteWriteLimits, bodyCount: Int) {
            self.limits = limits
            self.bodyCount = bodyCount
        }

        typealias Base = UnsafePointer<UInt8>

        mutating func request(_ base: Base, _ count: Int) throws(IngestError) {
            var r = ProtobufReader(base: base, position: 0, end: count)
            var index = 0
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                if field == 1 {
                    try expect(wire, .lengthDelimited, "ExportMetricsServiceRequest.resource_metrics", field, key)
                    let range = try r.readLengthDelimited()
                    do throws(IngestError) { try resourceMetrics(base, range) } catch { throw within("resource_metrics[\(index)]", error) }
                    index += 1
                } else {
                    try r.skip(wire, field: field)
                }
            }
        }

        mutating func resourceMetrics(_ base: Base, _ range: Range<Int>) throws(IngestError) {
            var resource = OTLPMetricsData.Resource()
            let scopeStart = Int32(data.scopes.count)
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            var index = 0
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .lengthDelimited, "ResourceMetrics.resource", field, key)
                    resource.attributes = try attributeList(base, try r.readLengthDelimited(), field: 1, "Resource.attributes")
                case 2:
                    try expect(wire, .lengthDelimited, "ResourceMetrics.scope_metrics", field, key)
                    let sub = try r.readLengthDelimited()
                    do throws(IngestError) { try scopeMetrics(base, sub) } catch { throw within("scope_metrics[\(index)]", error) }
                    index += 1
                default:
                    try r.skip(wire, field: field)
                }
            }
            resource.scopes = scopeStart..<Int32(data.scopes.count)
            data.resources.append(resource)
        }

        mutating func scopeMetrics(_ base: Base, _ range: Range<Int>) throws(IngestError) {
            var scope = OTLPMetricsData.Scope()
            let metricStart = Int32(data.metrics.count)
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            var index = 0
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .lengthDelimited, "ScopeMetrics.scope", field, key)
                    try instrumentationScope(base, try r.readLengthDelimited(), into: &scope)
                case 2:
                    try expect(wire, .lengthDelimited, "ScopeMetrics.metrics", field, key)
                    let sub = try r.readLengthDelimited()
                    do throws(IngestError) { try metric(base, sub) } catch { throw within("metrics[\(index)]", error) }
                    index += 1
                case 3:
                    try expect(wire, .lengthDelimited, "ScopeMetrics.schema_url", field, key)
                    scope.schemaURL = TextSpan(try r.readLengthDelimited())
                default:
                    try r.skip(wire, field: field)
                }
            }
            scope.metrics = metricStart..<Int32(data.metrics.count)
            data.scopes.append(scope)
        }

        mutating func instrumentationScope(_ base: Base, _ range: Range<Int>, into scope: inout OTLPMetricsData.Scope) throws(IngestError) {
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            var attributeStart: Int32?
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .lengthDelimited, "InstrumentationScope.name", field, key)
                    scope.name = TextSpan(try r.readLengthDelimited())
                case 2:
                    try expect(wire, .lengthDelimited, "InstrumentationScope.version", field, key)
                    scope.version = TextSpan(try r.readLengthDelimited())
                case 3:
                    try expect(wire, .lengthDelimited, "InstrumentationScope.attributes", field, key)
                    if attributeStart == nil { attributeStart = Int32(data.attributes.count) }
                    try keyValue(base, try r.readLengthDelimited())
                default:
                    try r.skip(wire, field: field)
                }
            }
            if let attributeStart { scope.attributes = attributeStart..<Int32(data.attributes.count) }
        }

        mutating func metric(_ base: Base, _ range: Range<Int>) throws(IngestError) {
            var m = OTLPMetricsData.Metric()
            let pointStart = data.points.count
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                let kind: OTLPMetricsData.Kind
                switch field {
                case 1:
                    try expect(wire, .lengthDelimited, "Metric.name", field, key)
                    m.name = TextSpan(try r.readLengthDelimited())
                    continue
                case 3:
                    try expect(wire, .lengthDelimited, "Metric.unit", field, key)
                    m.unit = TextSpan(try r.readLengthDelimited())
                    continue
                case 5: kind = .gauge
                case 7: kind = .sum
                case 9: kind = .histogram
                case 10: kind = .exponentialHistogram
                case 11: kind = .summary
                default:
                    try r.skip(wire, field: field)
                    continue
                }
                try expect(wire, .lengthDelimited, "Metric.data", field, key)
                // The data oneof set again: the last one wins.
                data.points.removeSubrange(pointStart...)
                m.kind = kind
                try metricData(base, try r.readLengthDelimited(), into: &m)
            }
            m.points = Int32(pointStart)..<Int32(data.points.count)
            data.metrics.append(m)
        }

        /// Gauge, Sum, Histogram, ExponentialHistogram or Summary: data points in field 1,
        /// temporality in 2, monotonicity (sums) in 3.
        mutating func metricData(_ base: Base, _ range: Range<Int>, into m: inout OTLPMetricsData.Metric) throws(IngestError) {
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            var index = 0
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .lengthDelimited, "data_points", field, key)
                    let sub = try r.readLengthDelimited()
                    do throws(IngestError) { try dataPoint(base, sub, kind: m.kind) } catch { throw within("data_points[\(index)]", error) }
                    index += 1
                case 2 where m.kind == .sum || m.kind == .histogram || m.kind == .exponentialHistogram:
                    try expect(wire, .varint, "aggregation_temporality", field, key)
                    m.temporality = Int32(truncatingIfNeeded: try r.readVarint())
                case 3 where m.kind == .sum:
                    try expect(wire, .varint, "Sum.is_monotonic", field, key)
                    m.isMonotonic = try r.readVarint() != 0
                default:
                    try r.skip(wire, field: field)
                }
            }
        }

        /// Field numbers of one data point message kind.
        struct PointFields {
            var attributes: UInt64
            var flags: UInt64
        }

        static func fields(_ kind: OTLPMetricsData.Kind) -> PointFields {
            switch kind {
            case .histogram: PointFields(attributes: 9, flags: 10)
            case .exponentialHistogram: PointFields(attributes: 1, flags: 10)
            default: PointFields(attributes: 7, flags: 8)
            }
        }

        mutating func dataPoint(_ base: Base, _ range: Range<Int>, kind: OTLPMetricsData.Kind) throws(IngestError) {
            guard data.points.count < limits.maxSamples else {
                throw IngestError(.tooLarge, "more than \(limits.maxSamples) data points in one request")
            }
            var p = OTLPMetricsData.Point()
            let f = Self.fields(kind)
            var attributeStart: Int32?
            var boundStart: Int32?
            var countStart: Int32?
            var quantileStart: Int32?
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case f.attributes where kind != .exponentialHistogram:
                    try expect(wire, .lengthDelimited, "attributes", field, key)
                    if attributeStart == nil { attributeStart = Int32(data.attributes.count) }
                    try keyValue(base, try r.readLengthDelimited())
                case 2:
                    try expect(wire, .fixed64, "start_time_unix_nano", field, key)
                    p.startTimeNanos = try r.readFixed64()
                case 3:
                    try expect(wire, .fixed64, "time_unix_nano", field, key)
                    p.timeNanos = try r.readFixed64()
                case f.flags:
                    try expect(wire, .varint, "flags", field, key)
                    p.flags = UInt32(truncatingIfNeeded: try r.readVarint())
                case 4 where kind == .gauge || kind == .sum:
                    try expect(wire, .fixed64, "as_double", field, key)
                    p.value = Double(bitPattern: try r.readFixed64())
                case 6 where kind == .gauge || kind == .sum:
                    try expect(wire, .fixed64, "as_int", field, key)
                    p.value = Double(Int64(bitPattern: try r.readFixed64()))
                case 4 where kind == .histogram || kind == .summary:
                    try expect(wire, .fixed64, "count", field, key)
                    p.count = try r.readFixed64()
                case 5 where kind == .histogram || kind == .summary:
                    try expect(wire, .fixed64, "sum", field, key)
                    p.sum = Double(bitPattern: try r.readFixed64())
                    p.hasSum = true
                case 6 where kind == .histogram:
                    if countStart == nil { countStart = Int32(data.counts.count) }
                    try Self.repeatedFixed64(&r, wire, "bucket_counts", field, key, into: &data.counts) { $0 }
                case 7 where kind == .histogram:
                    if boundStart == nil { boundStart = Int32(data.doubles.count) }
                    try Self.repeatedFixed64(&r, wire, "explicit_bounds", field, key, into: &data.doubles) { Double(bitPattern: $0) }
                case 6 where kind == .summary:
                    try expect(wire, .lengthDelimited, "quantile_values", field, key)
                    if quantileStart == nil { quantileStart = Int32(data.doubles.count) }
                    try quantile(base, try r.readLengthDelimited())
                default:
                    try r.skip(wire, field: field)
                }
            }
            if let attributeStart { p.attributes = attributeStart..<Int32(data.attributes.count) }
            if let countStart { p.bucketCounts = countStart..<Int32(data.counts.count) }
            if let boundStart {
                // Bounds and quantiles share `doubles`; a point has one or the other.
                p.bounds = boundStart..<Int32(data.doubles.count)
            }
            if let quantileStart { p.quantiles = quantileStart..<Int32(data.doubles.count) }
            data.points.append(p)
        }

        /// A repeated fixed64 or double, packed (one length-delimited run) or one per key.
        static func repeatedFixed64<T>(_ r: inout ProtobufReader, _ wire: WireType, _ name: String, _ field: UInt64, _ key: Int,
                                       into out: inout [T], _ convert: (UInt64) -> T) throws(IngestError) {
            if wire == .fixed64 {
                out.append(convert(try r.readFixed64()))
                return
            }
            guard wire == .lengthDelimited else {
                throw IngestError(.badProtobuf, "\(name) (field \(field)) has wire type \(wire.name), expected fixed64 or length-delimited", offset: key)
            }
            let run = try r.readLengthDelimited()
            guard run.count % 8 == 0 else {
                throw IngestError(.badProtobuf, "\(name) (field \(field)) packed run of \(run.count) bytes is not a multiple of 8", offset: key)
            }
            var inner = ProtobufReader(base: r.base, position: run.lowerBound, end: run.upperBound)
            while !inner.isAtEnd { out.append(convert(try inner.readFixed64())) }
        }

        mutating func quantile(_ base: Base, _ range: Range<Int>) throws(IngestError) {
            var q = 0.0, v = 0.0
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .fixed64, "ValueAtQuantile.quantile", field, key)
                    q = Double(bitPattern: try r.readFixed64())
                case 2:
                    try expect(wire, .fixed64, "ValueAtQuantile.value", field, key)
                    v = Double(bitPattern: try r.readFixed64())
                default:
                    try r.skip(wire, field: field)
                }
            }
            data.doubles.append(q)
            data.doubles.append(v)
        }

        static func bytes(_ base: Base, _ range: Range<Int>) -> [UInt8] {
            Array(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
        }

        @inline(__always)
        func expect(_ wire: WireType, _ wanted: WireType, _ name: String, _ field: UInt64, _ offset: Int) throws(IngestError) {
            try ProtobufReader.expect(wire, wanted, name, field, at: offset)
        }

        /// Prefixes an error's message with where in the message tree it happened.
        func within(_ path: String, _ error: IngestError) -> IngestError {
            guard error.code == .badProtobuf else { return error }
            let joiner = error.message.hasPrefix("data_points[") || error.message.hasPrefix("scope_metrics[") || error.message.hasPrefix("metrics[") ? "." : ": "
            return IngestError(error.code, path + joiner + error.message, offset: error.offset)
        }
    }
}
