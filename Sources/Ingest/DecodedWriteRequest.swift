import TSDB

/// One label pair of a decoded request, as byte ranges into `DecodedWriteRequest.body`.
///
/// The bytes are exactly what the client sent: not yet checked for UTF-8, possibly empty.
public struct LabelRef: Hashable, Sendable {
    public var nameStart: Int32
    public var nameCount: Int32
    public var valueStart: Int32
    public var valueCount: Int32

    public init(nameStart: Int32, nameCount: Int32, valueStart: Int32, valueCount: Int32) {
        self.nameStart = nameStart
        self.nameCount = nameCount
        self.valueStart = valueStart
        self.valueCount = valueCount
    }
}

/// One `TimeSeries` of a decoded request: its slices of `labelRefs` and `samples`.
public struct SeriesEntry: Hashable, Sendable {
    /// Index of the first label in `DecodedWriteRequest.labelRefs`.
    public var labelStart: Int32
    public var labelCount: Int32
    /// Index of the first sample in `DecodedWriteRequest.samples`.
    public var sampleStart: Int32
    public var sampleCount: Int32
    /// `LabelHash` of the labels in wire order: equal label lists give equal hashes.
    public var labelsHash: UInt64

    public init(labelStart: Int32, labelCount: Int32, sampleStart: Int32, sampleCount: Int32, labelsHash: UInt64) {
        self.labelStart = labelStart
        self.labelCount = labelCount
        self.sampleStart = sampleStart
        self.sampleCount = sampleCount
        self.labelsHash = labelsHash
    }
}

/// A decoded remote-write 1.0 `WriteRequest`, kept flat so decoding allocates per request, not
/// per series or per label.
///
/// Labels are not Strings yet: `labelRefs` point into `body`. A server looks each series up by
/// `labelsHash` and `rawLabelsEqual`, and only for series it has not seen makes Strings with
/// `labels(of:)` and checks them with `SeriesValidator`. Series, labels and samples are in wire
/// order; nothing is sorted or deduplicated here.
public struct DecodedWriteRequest: Sendable {
    /// The uncompressed protobuf; every `LabelRef` points into it.
    public var body: [UInt8]
    /// All series' labels, series after series, in wire order.
    public var labelRefs: [LabelRef]
    /// All series' float samples, series after series, in wire order.
    public var samples: [Sample]
    public var series: [SeriesEntry]
    /// Native histogram samples seen (skipped: Sextant stores floats only; report to the client).
    public var histogramCount: Int
    /// Exemplars seen (skipped).
    public var exemplarCount: Int
    /// The request's `MetricMetadata` messages that name a metric.
    public var metadata: [(metric: String, metadata: MetricMetadata)]

    public init(body: [UInt8], labelRefs: [LabelRef] = [], samples: [Sample] = [], series: [SeriesEntry] = [],
                histogramCount: Int = 0, exemplarCount: Int = 0, metadata: [(metric: String, metadata: MetricMetadata)] = []) {
        self.body = body
        self.labelRefs = labelRefs
        self.samples = samples
        self.series = series
        self.histogramCount = histogramCount
        self.exemplarCount = exemplarCount
        self.metadata = metadata
    }

    public func labelRefs(of s: SeriesEntry) -> ArraySlice<LabelRef> {
        labelRefs[Int(s.labelStart)..<Int(s.labelStart + s.labelCount)]
    }

    public func samples(of s: SeriesEntry) -> ArraySlice<Sample> {
        samples[Int(s.sampleStart)..<Int(s.sampleStart + s.sampleCount)]
    }

    /// The label name's bytes, as sent.
    public func nameBytes(_ ref: LabelRef) -> ArraySlice<UInt8> {
        body[Int(ref.nameStart)..<Int(ref.nameStart + ref.nameCount)]
    }

    /// The label value's bytes, as sent.
    public func valueBytes(_ ref: LabelRef) -> ArraySlice<UInt8> {
        body[Int(ref.valueStart)..<Int(ref.valueStart + ref.valueCount)]
    }

    /// The series' labels as Strings, in wire order, empty values and duplicates included.
    ///
    /// Allocates; call it only for series a cache does not know. Invalid UTF-8 is replaced by
    /// U+FFFD here, so check it first with `SeriesValidator.validate(_:in:limits:)`, which
    /// works on the raw bytes.
    public func labels(of s: SeriesEntry) -> [Label] {
        labelRefs(of: s).map { ref in
            Label(String(decoding: nameBytes(ref), as: UTF8.self), String(decoding: valueBytes(ref), as: UTF8.self))
        }
    }

    /// The series' label bytes as one key a cache can store and compare: for each pair in wire
    /// order, varint length of the name, the name, varint length of the value, the value.
    public func rawLabelKey(of s: SeriesEntry) -> [UInt8] {
        var key: [UInt8] = []
        var size = 0
        for ref in labelRefs(of: s) { size += Int(ref.nameCount + ref.valueCount) + 4 }
        key.reserveCapacity(size)
        for ref in labelRefs(of: s) {
            appendVarint(&key, Int(ref.nameCount))
            key.append(contentsOf: nameBytes(ref))
            appendVarint(&key, Int(ref.valueCount))
            key.append(contentsOf: valueBytes(ref))
        }
        return key
    }

    /// Whether `key` (from `rawLabelKey(of:)`, possibly of another request) holds exactly this
    /// series' labels. Allocates nothing.
    public func rawLabelsEqual(_ s: SeriesEntry, _ key: [UInt8]) -> Bool {
        body.withUnsafeBytes { body in
            key.withUnsafeBytes { key in
                var k = 0
                for ref in labelRefs(of: s) {
                    guard matches(key, &k, body, Int(ref.nameStart), Int(ref.nameCount)),
                          matches(key, &k, body, Int(ref.valueStart), Int(ref.valueCount)) else { return false }
                }
                return k == key.count
            }
        }
    }
}

/// Compares one length-prefixed piece of `key` at `k` with `body[start..<start+count]`,
/// advancing `k` past it.
@inline(__always)
private func matches(_ key: UnsafeRawBufferPointer, _ k: inout Int, _ body: UnsafeRawBufferPointer,
                     _ start: Int, _ count: Int) -> Bool {
    var length = 0
    var shift = 0
    while true {
        guard k < key.count, shift < 35 else { return false }
        let b = key[k]
        k += 1
        length |= Int(b & 0x7f) << shift
        if b < 0x80 { break }
        shift += 7
    }
    guard length == count, key.count - k >= count else { return false }
    guard count > 0, let kp = key.baseAddress, let bp = body.baseAddress else { return true }
    defer { k += count }
    return memcmpEqual(kp + k, bp + start, count)
}

@inline(__always)
private func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while n - i >= 8 {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}

private func appendVarint(_ out: inout [UInt8], _ value: Int) {
    var v = UInt64(truncatingIfNeeded: value)
    while v >= 0x80 {
        out.append(UInt8(truncatingIfNeeded: v) | 0x80)
        v >>= 7
    }
    out.append(UInt8(v))
}
