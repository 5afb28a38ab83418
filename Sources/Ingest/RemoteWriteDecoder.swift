import TSDB

/// Decodes Prometheus remote-write 1.0 bodies (`prometheus.WriteRequest`) from untrusted clients.
///
/// The messages read (field numbers from Prometheus's `prompb/remote.proto` and `types.proto`):
///
/// ```
/// WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
/// TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2;
///                repeated Exemplar exemplars = 3; repeated Histogram histograms = 4; }
/// Label        { string name = 1; string value = 2; }
/// Sample       { double value = 1; int64 timestamp = 2; }
/// MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
/// ```
///
/// Protobuf rules followed: fields may come in any order and repeat (the last value of a
/// singular field wins, each occurrence of a repeated field is one element); missing fields are
/// zero or empty; unknown fields of every wire type, groups included, are skipped. A known field
/// with the wrong wire type, a length past the end of its enclosing message, a truncated value or
/// a malformed key is `.badProtobuf`. Exemplars and histograms are counted, not decoded; metadata is
/// decoded (Prometheus sends it in separate, small requests).
///
/// Strings are not checked for UTF-8 here; `SeriesValidator` does that for new series. All
/// functions are pure and safe to call concurrently.
public enum RemoteWriteDecoder {
    /// Decompresses a snappy (block format) body and decodes it.
    ///
    /// - Throws: `.tooLarge` when `compressed` exceeds `maxCompressed` or it declares more than
    ///   `maxDecompressed` bytes; `.badCompression`, `.badProtobuf` for damaged input.
    public static func decodeSnappyBody(compressed: [UInt8], maxCompressed: Int = 16 << 20,
                                        maxDecompressed: Int = 64 << 20,
                                        limits: RemoteWriteLimits = RemoteWriteLimits()) throws(IngestError) -> DecodedWriteRequest {
        guard compressed.count <= maxCompressed else {
            throw IngestError(.tooLarge, "compressed body of \(compressed.count) bytes is over the limit of \(maxCompressed)")
        }
        return try decode(body: try Snappy.decompress(compressed, maxLength: maxDecompressed), limits: limits)
    }

    /// Like `decodeSnappyBody(compressed:maxCompressed:maxDecompressed:limits:)`, but decodes into
    /// `request`, reusing the capacity of its body and arrays. A server that keeps one
    /// `DecodedWriteRequest` per worker saves allocating and page-faulting several MB per large
    /// request (2-3x faster for a 2.8 MB body with glibc malloc). After a throw, `request`'s contents are unspecified.
    public static func decodeSnappyBody(compressed: [UInt8], maxCompressed: Int = 16 << 20,
                                        maxDecompressed: Int = 64 << 20, limits: RemoteWriteLimits = RemoteWriteLimits(),
                                        into request: inout DecodedWriteRequest) throws(IngestError) {
        guard compressed.count <= maxCompressed else {
            throw IngestError(.tooLarge, "compressed body of \(compressed.count) bytes is over the limit of \(maxCompressed)")
        }
        try Snappy.decompress(compressed, maxLength: maxDecompressed, into: &request.body)
        try decode(into: &request, limits: limits)
    }

    /// Decodes an uncompressed `WriteRequest` protobuf; the result keeps `body` and points into it.
    ///
    /// - Throws: `.badProtobuf` for malformed input, `.tooLarge` when the request exceeds the
    ///   request-wide counts in `limits` (or 2 GiB).
    public static func decode(body: [UInt8], limits: RemoteWriteLimits = RemoteWriteLimits()) throws(IngestError) -> DecodedWriteRequest {
        var request = DecodedWriteRequest(body: body)
        try decode(into: &request, limits: limits)
        return request
    }

    /// Decodes `request.body`, replacing the rest of `request` and reusing its arrays' capacity.
    /// After a throw, everything but `body` is unspecified.
    public static func decode(into request: inout DecodedWriteRequest,
                              limits: RemoteWriteLimits = RemoteWriteLimits()) throws(IngestError) {
        guard request.body.count <= Int(Int32.max) else {
            throw IngestError(.tooLarge, "body of \(request.body.count) bytes is over 2 GiB")
        }
        var builder = Builder(limits: limits, reusing: &request)
        var failure: IngestError?
        request.body.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            do throws(IngestError) { try builder.decodeRequest(base, buffer.count) } catch { failure = error }
        }
        request.labelRefs = builder.labelRefs
        request.samples = builder.samples
        request.series = builder.series
        request.histogramCount = builder.histogramCount
        request.exemplarCount = builder.exemplarCount
        request.metadata = builder.metadata
        if let failure { throw failure }
    }

    /// Accumulates the flat output arrays while walking the wire bytes.
    struct Builder {
        let limits: RemoteWriteLimits
        var labelRefs: [LabelRef] = []
        var samples: [Sample] = []
        var series: [SeriesEntry] = []
        var histogramCount = 0
        var exemplarCount = 0
        var metadata: [(metric: String, metadata: MetricMetadata)] = []

        /// Takes `request`'s arrays (so they stay uniquely referenced) and empties them, keeping
        /// their capacity.
        init(limits: RemoteWriteLimits, reusing request: inout DecodedWriteRequest) {
            self.limits = limits
            swap(&labelRefs, &request.labelRefs)
            swap(&samples, &request.samples)
            swap(&series, &request.series)
            labelRefs.removeAll(keepingCapacity: true)
            samples.removeAll(keepingCapacity: true)
            series.removeAll(keepingCapacity: true)
            // Typical requests spend ~25 bytes per label and ~150 per series and sample; growth
            // covers the rest.
            let size = request.body.count
            labelRefs.reserveCapacity(min(size / 24, limits.maxLabelPairs))
            samples.reserveCapacity(min(size / 128, limits.maxSamples))
            series.reserveCapacity(min(size / 128, limits.maxSeries))
        }

        mutating func decodeRequest(_ base: UnsafePointer<UInt8>, _ count: Int) throws(IngestError) {
            var r = ProtobufReader(base: base, position: 0, end: count)
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .lengthDelimited, "WriteRequest.timeseries", field, at: key)
                    try decodeSeries(base, try r.readLengthDelimited())
                case 3:
                    try expect(wire, .lengthDelimited, "WriteRequest.metadata", field, at: key)
                    if let m = try decodeMetadata(base, try r.readLengthDelimited()) { metadata.append(m) }
                default:
                    try r.skip(wire, field: field)
                }
            }
        }

        @inline(__always)
        mutating func decodeSeries(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) throws(IngestError) {
            guard series.count < limits.maxSeries else {
                throw IngestError(.tooLarge, "request has more than \(limits.maxSeries) series", offset: range.lowerBound)
            }
            let labelStart = labelRefs.count
            let sampleStart = samples.count
            var hash = LabelHash.seed
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .lengthDelimited, "TimeSeries.labels", field, at: key)
                    let ref = try decodeLabel(base, try r.readLengthDelimited())
                    guard labelRefs.count < limits.maxLabelPairs else {
                        throw IngestError(.tooLarge, "request has more than \(limits.maxLabelPairs) labels", offset: key)
                    }
                    labelRefs.append(ref)
                    hash = LabelHash.mixPair(
                        name: UnsafeRawBufferPointer(start: base + Int(ref.nameStart), count: Int(ref.nameCount)),
                        value: UnsafeRawBufferPointer(start: base + Int(ref.valueStart), count: Int(ref.valueCount)),
                        into: hash)
                case 2:
                    try expect(wire, .lengthDelimited, "TimeSeries.samples", field, at: key)
                    let sample = try decodeSample(base, try r.readLengthDelimited())
                    guard samples.count < limits.maxSamples else {
                        throw IngestError(.tooLarge, "request has more than \(limits.maxSamples) samples", offset: key)
                    }
                    samples.append(sample)
                case 3:
                    try expect(wire, .lengthDelimited, "TimeSeries.exemplars", field, at: key)
                    _ = try r.readLengthDelimited()
                    exemplarCount += 1
                case 4:
                    try expect(wire, .lengthDelimited, "TimeSeries.histograms", field, at: key)
                    _ = try r.readLengthDelimited()
                    histogramCount += 1
                default:
                    try r.skip(wire, field: field)
                }
            }
            // Counts fit Int32: the body is under 2 GiB and every element takes at least 2 bytes.
            let labelCount = labelRefs.count - labelStart
            series.append(SeriesEntry(labelStart: Int32(labelStart), labelCount: Int32(labelCount),
                                      sampleStart: Int32(sampleStart), sampleCount: Int32(samples.count - sampleStart),
                                      labelsHash: LabelHash.finish(hash, count: labelCount)))
        }

        @inline(__always)
        func decodeLabel(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) throws(IngestError) -> LabelRef {
            // Fast path for what every sender writes: name (key 0x0a) then value (key 0x12), each
            // shorter than 128 bytes, and nothing else.
            let lo = range.lowerBound
            if range.count >= 4 && base[lo] == 0x0a && base[lo + 1] < 0x80 {
                let nameCount = Int(base[lo + 1])
                let v = lo + 2 + nameCount
                if v + 2 <= range.upperBound && base[v] == 0x12 && base[v + 1] < 0x80
                    && v + 2 + Int(base[v + 1]) == range.upperBound {
                    return LabelRef(nameStart: Int32(lo + 2), nameCount: Int32(nameCount),
                                    valueStart: Int32(v + 2), valueCount: Int32(base[v + 1]))
                }
            }
            var name = range.lowerBound..<range.lowerBound
            var value = name
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .lengthDelimited, "Label.name", field, at: key)
                    name = try r.readLengthDelimited()
                case 2:
                    try expect(wire, .lengthDelimited, "Label.value", field, at: key)
                    value = try r.readLengthDelimited()
                default:
                    try r.skip(wire, field: field)
                }
            }
            return LabelRef(nameStart: Int32(name.lowerBound), nameCount: Int32(name.count),
                            valueStart: Int32(value.lowerBound), valueCount: Int32(value.count))
        }

        @inline(__always)
        func decodeSample(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) throws(IngestError) -> Sample {
            var value: UInt64 = 0
            var timestamp: UInt64 = 0
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            // Fast path for what every sender writes: value (key 0x09) then timestamp (key 0x10).
            if range.count >= 11 && base[r.position] == 0x09 && base[r.position + 9] == 0x10 {
                r.position += 1
                value = try r.readFixed64()
                r.position += 1
                timestamp = try r.readVarint()
                if r.isAtEnd { return Sample(t: Int64(bitPattern: timestamp), v: Double(bitPattern: value)) }
            }
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .fixed64, "Sample.value", field, at: key)
                    value = try r.readFixed64()
                case 2:
                    try expect(wire, .varint, "Sample.timestamp", field, at: key)
                    timestamp = try r.readVarint()
                default:
                    try r.skip(wire, field: field)
                }
            }
            return Sample(t: Int64(bitPattern: timestamp), v: Double(bitPattern: value))
        }

        /// Prometheus's `MetricMetadata.MetricType` numbers, as exposition type names.
        static let metricTypes = ["unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"]

        /// One `MetricMetadata`; nil when it names no metric or its strings are not UTF-8.
        func decodeMetadata(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) throws(IngestError) -> (metric: String, metadata: MetricMetadata)? {
            var type = 0 as UInt64
            var name = "", help = "", unit = ""
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            func text(_ range: Range<Int>) -> String? {
                String(validating: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
            }
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .varint, "MetricMetadata.type", field, at: key)
                    type = try r.readVarint()
                case 2, 4, 5:
                    try expect(wire, .lengthDelimited, "MetricMetadata string", field, at: key)
                    guard let s = text(try r.readLengthDelimited()) else { return nil }
                    if field == 2 { name = s } else if field == 4 { help = s } else { unit = s }
                default:
                    try r.skip(wire, field: field)
                }
            }
            if name.isEmpty { return nil }
            let typeName = type < Builder.metricTypes.count ? Builder.metricTypes[Int(type)] : "unknown"
            return (name, MetricMetadata(type: typeName, help: help, unit: unit))
        }

        @inline(__always)
        func expect(_ wire: WireType, _ wanted: WireType, _ name: String, _ field: UInt64,
                    at offset: Int) throws(IngestError) {
            guard wire == wanted else {
                throw IngestError(.badProtobuf,
                                  "\(name) (field \(field)) has wire type \(wire.name), expected \(wanted.name)",
                                  offset: offset)
            }
        }
    }
}
