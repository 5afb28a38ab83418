/// Encodes OTLP metrics (`ExportMetricsServiceRequest`) and the OTLP/HTTP answers as protobuf:
/// for senders (tests, benchmarks, forwarding) and for the server's responses.
public enum OTLPEncoder {
    public indirect enum Value: Sendable {
        case string(String), bool(Bool), int(Int64), double(Double), bytes([UInt8])
        case array([Value]), map([(String, Value)])
    }

    public typealias Attributes = [(String, Value)]

    public enum Number: Sendable {
        case double(Double), int(Int64)
    }

    public struct NumberPoint: Sendable {
        public var attributes: Attributes
        public var start: UInt64
        public var time: UInt64
        public var value: Number
        public var flags: UInt32

        public init(_ attributes: Attributes = [], start: UInt64 = 0, time: UInt64, value: Number, flags: UInt32 = 0) {
            self.attributes = attributes
            self.start = start
            self.time = time
            self.value = value
            self.flags = flags
        }
    }

    public struct HistogramPoint: Sendable {
        public var attributes: Attributes
        public var start: UInt64
        public var time: UInt64
        public var count: UInt64
        public var sum: Double?
        public var bucketCounts: [UInt64]
        public var bounds: [Double]
        public var flags: UInt32

        public init(_ attributes: Attributes = [], start: UInt64 = 0, time: UInt64, count: UInt64, sum: Double?,
                    bucketCounts: [UInt64], bounds: [Double], flags: UInt32 = 0) {
            self.attributes = attributes
            self.start = start
            self.time = time
            self.count = count
            self.sum = sum
            self.bucketCounts = bucketCounts
            self.bounds = bounds
            self.flags = flags
        }
    }

    public struct SummaryPoint: Sendable {
        public var attributes: Attributes
        public var time: UInt64
        public var count: UInt64
        public var sum: Double
        public var quantiles: [(quantile: Double, value: Double)]

        public init(_ attributes: Attributes = [], time: UInt64, count: UInt64, sum: Double, quantiles: [(quantile: Double, value: Double)]) {
            self.attributes = attributes
            self.time = time
            self.count = count
            self.sum = sum
            self.quantiles = quantiles
        }
    }

    /// `temporality`: 1 delta, 2 cumulative.
    public enum Data: Sendable {
        case gauge([NumberPoint])
        case sum([NumberPoint], temporality: Int32, monotonic: Bool)
        case histogram([HistogramPoint], temporality: Int32)
        /// Points with only their time: enough to be refused.
        case exponentialHistogram(times: [UInt64])
        case summary([SummaryPoint])
    }

    public struct Metric: Sendable {
        public var name: String
        public var unit: String
        public var data: Data

        public init(_ name: String, unit: String = "", _ data: Data) {
            self.name = name
            self.unit = unit
            self.data = data
        }
    }

    public struct Scope: Sendable {
        public var name: String
        public var version: String
        public var attributes: Attributes
        public var metrics: [Metric]

        public init(name: String = "", version: String = "", attributes: Attributes = [], metrics: [Metric]) {
            self.name = name
            self.version = version
            self.attributes = attributes
            self.metrics = metrics
        }
    }

    public struct Resource: Sendable {
        public var attributes: Attributes
        public var scopes: [Scope]

        public init(_ attributes: Attributes = [], scopes: [Scope]) {
            self.attributes = attributes
            self.scopes = scopes
        }
    }

    /// The protobuf body of an `ExportMetricsServiceRequest`.
    public static func encode(_ resources: [Resource]) -> [UInt8] {
        var out: [UInt8] = []
        for r in resources {
            var rm: [UInt8] = []
            var res: [UInt8] = []
            attributes(r.attributes, field: 1, into: &res)
            message(1, res, into: &rm)
            for s in r.scopes {
                var sm: [UInt8] = []
                var scope: [UInt8] = []
                string(1, s.name, into: &scope)
                string(2, s.version, into: &scope)
                attributes(s.attributes, field: 3, into: &scope)
                message(1, scope, into: &sm)
                for m in s.metrics { message(2, metric(m), into: &sm) }
                message(2, sm, into: &rm)
            }
            message(1, rm, into: &out)
        }
        return out
    }

    static func metric(_ m: Metric) -> [UInt8] {
        var out: [UInt8] = []
        string(1, m.name, into: &out)
        string(3, m.unit, into: &out)
        var data: [UInt8] = []
        let field: UInt64
        switch m.data {
        case .gauge(let points):
            field = 5
            for p in points { message(1, numberPoint(p), into: &data) }
        case .sum(let points, let temporality, let monotonic):
            field = 7
            for p in points { message(1, numberPoint(p), into: &data) }
            varint(2, UInt64(bitPattern: Int64(temporality)), into: &data)
            varint(3, monotonic ? 1 : 0, into: &data)
        case .histogram(let points, let temporality):
            field = 9
            for p in points { message(1, histogramPoint(p), into: &data) }
            varint(2, UInt64(bitPattern: Int64(temporality)), into: &data)
        case .exponentialHistogram(let times):
            field = 10
            for t in times {
                var p: [UInt8] = []
                fixed64(3, t, into: &p)
                message(1, p, into: &data)
            }
            varint(2, 2, into: &data)
        case .summary(let points):
            field = 11
            for p in points { message(1, summaryPoint(p), into: &data) }
        }
        message(field, data, into: &out)
        return out
    }

    static func numberPoint(_ p: NumberPoint) -> [UInt8] {
        var out: [UInt8] = []
        attributes(p.attributes, field: 7, into: &out)
        fixed64(2, p.start, into: &out)
        fixed64(3, p.time, into: &out)
        switch p.value {
        case .double(let d): fixed64(4, d.bitPattern, into: &out)
        case .int(let i): fixed64(6, UInt64(bitPattern: i), into: &out)
        }
        if p.flags != 0 { varint(8, UInt64(p.flags), into: &out) }
        return out
    }

    static func histogramPoint(_ p: HistogramPoint) -> [UInt8] {
        var out: [UInt8] = []
        attributes(p.attributes, field: 9, into: &out)
        fixed64(2, p.start, into: &out)
        fixed64(3, p.time, into: &out)
        fixed64(4, p.count, into: &out)
        if let sum = p.sum { fixed64(5, sum.bitPattern, into: &out) }
        var packed: [UInt8] = []
        for c in p.bucketCounts { withUnsafeBytes(of: c.littleEndian) { packed.append(contentsOf: $0) } }
        message(6, packed, into: &out)
        packed.removeAll()
        for b in p.bounds { withUnsafeBytes(of: b.bitPattern.littleEndian) { packed.append(contentsOf: $0) } }
        message(7, packed, into: &out)
        if p.flags != 0 { varint(10, UInt64(p.flags), into: &out) }
        return out
    }

    static func summaryPoint(_ p: SummaryPoint) -> [UInt8] {
        var out: [UInt8] = []
        attributes(p.attributes, field: 7, into: &out)
        fixed64(3, p.time, into: &out)
        fixed64(4, p.count, into: &out)
        fixed64(5, p.sum.bitPattern, into: &out)
        for q in p.quantiles {
            var v: [UInt8] = []
            fixed64(1, q.quantile.bitPattern, into: &v)
            fixed64(2, q.value.bitPattern, into: &v)
            message(6, v, into: &out)
        }
        return out
    }

    static func attributes(_ list: Attributes, field: UInt64, into out: inout [UInt8]) {
        for (k, v) in list { message(field, keyValue(k, v), into: &out) }
    }

    static func keyValue(_ key: String, _ value: Value) -> [UInt8] {
        var out: [UInt8] = []
        string(1, key, into: &out)
        message(2, anyValue(value), into: &out)
        return out
    }

    static func anyValue(_ v: Value) -> [UInt8] {
        var out: [UInt8] = []
        switch v {
        case .string(let s): message(1, Array(s.utf8), into: &out)
        case .bool(let b): varint(2, b ? 1 : 0, into: &out)
        case .int(let i): varint(3, UInt64(bitPattern: i), into: &out)
        case .double(let d): fixed64(4, d.bitPattern, into: &out)
        case .bytes(let b): message(7, b, into: &out)
        case .array(let items):
            var a: [UInt8] = []
            for item in items { message(1, anyValue(item), into: &a) }
            message(5, a, into: &out)
        case .map(let entries):
            var m: [UInt8] = []
            for (k, item) in entries { message(1, keyValue(k, item), into: &m) }
            message(6, m, into: &out)
        }
        return out
    }

    // MARK: OTLP/HTTP answers

    /// `ExportMetricsServiceResponse`: empty on full success; with `partial_success` when
    /// points were rejected or there is a warning.
    public static func exportResponse(rejectedDataPoints: Int, errorMessage: String) -> [UInt8] {
        guard rejectedDataPoints > 0 || !errorMessage.isEmpty else { return [] }
        var partial: [UInt8] = []
        if rejectedDataPoints > 0 { varint(1, UInt64(rejectedDataPoints), into: &partial) }
        string(2, errorMessage, into: &partial)
        var out: [UInt8] = []
        message(1, partial, into: &out)
        return out
    }

    /// `google.rpc.Status`, the body of OTLP/HTTP failures. `code` is a gRPC status code.
    public static func status(code: Int32, message text: String) -> [UInt8] {
        var out: [UInt8] = []
        if code != 0 { varint(1, UInt64(bitPattern: Int64(code)), into: &out) }
        string(2, text, into: &out)
        return out
    }

    // MARK: Wire helpers

    static func message(_ field: UInt64, _ bytes: [UInt8], into out: inout [UInt8]) {
        RemoteWriteEncoder.appendBytesField(field, bytes, to: &out)
    }

    static func string(_ field: UInt64, _ s: String, into out: inout [UInt8]) {
        if !s.isEmpty { message(field, Array(s.utf8), into: &out) }
    }

    static func varint(_ field: UInt64, _ v: UInt64, into out: inout [UInt8]) {
        RemoteWriteEncoder.appendVarint(field << 3, to: &out)
        RemoteWriteEncoder.appendVarint(v, to: &out)
    }

    static func fixed64(_ field: UInt64, _ v: UInt64, into out: inout [UInt8]) {
        RemoteWriteEncoder.appendVarint(field << 3 | 1, to: &out)
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }
}
