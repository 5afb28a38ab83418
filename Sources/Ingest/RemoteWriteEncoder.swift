import TSDB

/// Encodes a remote-write 1.0 `WriteRequest`, for senders (tests, the Swift client, forwarding).
public enum RemoteWriteEncoder {
    /// The protobuf body (not yet compressed). Labels go out in the order given.
    public static func encode(_ series: [(labels: [Label], samples: [Sample])],
                              metadata: [(metric: String, metadata: MetricMetadata)] = []) -> [UInt8] {
        var out: [UInt8] = []
        var ts: [UInt8] = []
        var part: [UInt8] = []
        for s in series {
            ts.removeAll(keepingCapacity: true)
            for l in s.labels {
                part.removeAll(keepingCapacity: true)
                appendBytesField(1, Array(l.name.utf8), to: &part)
                appendBytesField(2, Array(l.value.utf8), to: &part)
                appendBytesField(1, part, to: &ts)
            }
            for x in s.samples {
                part.removeAll(keepingCapacity: true)
                part.append(0x09)   // field 1, fixed64
                withUnsafeBytes(of: x.v.bitPattern.littleEndian) { part.append(contentsOf: $0) }
                part.append(0x10)   // field 2, varint
                appendVarint(UInt64(bitPattern: x.t), to: &part)
                appendBytesField(2, part, to: &ts)
            }
            appendBytesField(1, ts, to: &out)
        }
        for m in metadata {
            part.removeAll(keepingCapacity: true)
            let type = RemoteWriteDecoder.Builder.metricTypes.firstIndex(of: m.metadata.type) ?? 0
            appendVarint(1 << 3, to: &part)
            appendVarint(UInt64(type), to: &part)
            appendBytesField(2, Array(m.metric.utf8), to: &part)
            appendBytesField(4, Array(m.metadata.help.utf8), to: &part)
            appendBytesField(5, Array(m.metadata.unit.utf8), to: &part)
            appendBytesField(3, part, to: &out)
        }
        return out
    }

    /// Snappy-compressed body, ready for `POST /api/v1/write` with `Content-Encoding: snappy`.
    public static func encodeCompressed(_ series: [(labels: [Label], samples: [Sample])],
                                        metadata: [(metric: String, metadata: MetricMetadata)] = []) -> [UInt8] {
        Snappy.compress(encode(series, metadata: metadata))
    }

    static func appendVarint(_ v: UInt64, to out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func appendBytesField(_ field: UInt64, _ bytes: [UInt8], to out: inout [UInt8]) {
        appendVarint(field << 3 | 2, to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }
}
