import Glibc
import TSDB

extension OTLPTranslator {
    /// The Prometheus names of one metric's series.
    struct Family {
        /// The OTLP name, for messages.
        var otlpName: String
        var name: String
        var bucket: String
        var sum: String
        var count: String

        init(otlpName: String, name: String) {
            self.otlpName = otlpName
            self.name = name
            bucket = name + "_bucket"
            sum = name + "_sum"
            count = name + "_count"
        }
    }

    mutating func metric(_ m: OTLPMetricsData.Metric, identity: [Label], promoted: [Label],
                         _ text: UnsafeRawBufferPointer) throws(IngestError) {
        let n = m.points.count
        let otlpName = data.text.string(m.name)
        guard n > 0 else {
            if m.kind == .none { refuse(0, "metric \"\(otlpName)\" has no data (no gauge, sum, histogram or summary)") }
            return
        }
        var delta = false
        let type: OTLPNaming.MetricType
        switch m.kind {
        case .none:
            return
        case .exponentialHistogram:
            refuse(n, "metric \"\(otlpName)\": exponential histograms are not supported yet (they need native histograms)")
            return
        case .gauge: type = .gauge
        case .summary: type = .summary
        case .sum, .histogram:
            switch OTLPMetricsData.Temporality(rawValue: m.temporality) {
            case .cumulative: break
            case .delta: delta = true
            default:
                refuse(n, "metric \"\(otlpName)\": aggregation temporality \(m.temporality) is neither delta (1) nor cumulative (2)")
                return
            }
            type = m.kind == .histogram ? .histogram : m.isMonotonic ? .monotonicCounter : .nonMonotonicCounter
        }
        guard let name = OTLPNaming.metricName(data.text[m.name.range], unit: data.text[m.unit.range], type: type) else {
            refuse(n, "metric name \"\(otlpName)\" has no letters or digits to make a Prometheus name of")
            return
        }
        let family = Family(otlpName: otlpName, name: name)
        for p in m.points {
            let point = data.points[Int(p)]
            var problem = ""
            guard var base = labels(point.attributes, text, problem: &problem) else {
                refuse(1, "metric \"\(otlpName)\": \(problem)")
                continue
            }
            for l in promoted where !base.contains(where: { $0.name == l.name && !$0.value.isEmpty }) { set(&base, l.name, l.value) }
            for l in identity { set(&base, l.name, l.value) }
            let t = millis(point.timeNanos)
            let stale = point.noRecordedValue
            switch m.kind {
            case .gauge, .sum:
                if delta {
                    queueDelta(base, family, point, p, .sum(point.value), isHistogram: false)
                } else {
                    try add(base, family.name, nil, t, stale ? .staleMarker : point.value, p)
                }
            case .histogram:
                if delta {
                    let h = OTLPDeltaState.Histogram(count: point.count, sum: point.sum, hasSum: point.hasSum,
                                                     bounds: Array(data.doubles[range(point.bounds)]),
                                                     counts: Array(data.counts[range(point.bucketCounts)]))
                    queueDelta(base, family, point, p, .histogram(h), isHistogram: true)
                } else {
                    try histogram(base, family, t, count: point.count, sum: point.hasSum ? point.sum : nil,
                                  bounds: data.doubles[range(point.bounds)], counts: data.counts[range(point.bucketCounts)],
                                  stale: stale, point: p)
                }
            case .summary:
                try summary(base, family, t, point, p)
            case .none, .exponentialHistogram:
                break
            }
        }
    }

    func range(_ r: Range<Int32>) -> Range<Int> { Int(r.lowerBound)..<Int(r.upperBound) }

    mutating func queueDelta(_ base: [Label], _ family: Family, _ point: OTLPMetricsData.Point, _ p: Int32,
                             _ value: OTLPDeltaState.Value, isHistogram: Bool) {
        var key = base
        key.append(Label(Labels.metricName, family.name))
        deltas.append(.init(key: key, start: point.startTimeNanos, time: nanos(point.timeNanos), stale: point.noRecordedValue, value: value))
        deltaEmits.append(DeltaEmit(base: base, family: family, time: millis(point.timeNanos), point: p, isHistogram: isHistogram))
    }

    /// Stores the cumulative values `OTLPDeltaState` made of the queued deltas.
    mutating func emitDeltas() throws(IngestError) {
        for (u, e) in zip(deltas, deltaEmits) {
            switch u.result {
            case .failure(let refusal):
                refuse(1, "metric \"\(e.family.otlpName)\": \(refusal)")
            case .success(let value):
                switch value {
                case .sum(let total):
                    try add(e.base, e.family.name, nil, e.time, u.stale ? .staleMarker : total, e.point)
                case .histogram(let h):
                    try histogram(e.base, e.family, e.time, count: h.count, sum: h.hasSum ? h.sum : nil,
                                  bounds: h.bounds[...], counts: h.counts[...], stale: u.stale, point: e.point)
                }
            }
        }
    }

    /// Classic histogram series: cumulative `_bucket{le}` counts, `_sum` when sent, `_count`.
    mutating func histogram(_ base: [Label], _ family: Family, _ t: Int64, count: UInt64, sum: Double?,
                            bounds: ArraySlice<Double>, counts: ArraySlice<UInt64>, stale: Bool, point: Int32) throws(IngestError) {
        if let sum { try add(base, family.sum, nil, t, stale ? .staleMarker : sum, point) }
        try add(base, family.count, nil, t, stale ? .staleMarker : Double(count), point)
        var cumulative: UInt64 = 0
        for (bound, n) in zip(bounds, counts) {
            cumulative &+= n
            try add(base, family.bucket, Label("le", boundText(bound)), t, stale ? .staleMarker : Double(cumulative), point)
        }
        try add(base, family.bucket, Label("le", "+Inf"), t, stale ? .staleMarker : Double(count), point)
    }

    mutating func summary(_ base: [Label], _ family: Family, _ t: Int64, _ point: OTLPMetricsData.Point, _ p: Int32) throws(IngestError) {
        let stale = point.noRecordedValue
        try add(base, family.sum, nil, t, stale ? .staleMarker : point.sum, p)
        try add(base, family.count, nil, t, stale ? .staleMarker : Double(point.count), p)
        let pairs = data.doubles[range(point.quantiles)]
        var i = pairs.startIndex
        while i + 1 < pairs.endIndex {
            try add(base, family.name, Label("quantile", boundText(pairs[i])), t, stale ? .staleMarker : pairs[i + 1], p)
            i += 2
        }
    }

    /// `le` and `quantile` values as Go's `strconv.FormatFloat(v, 'f', -1, 64)` writes them.
    mutating func boundText(_ v: Double) -> String {
        if let s = bounds[v.bitPattern] { return s }
        let s = OTLPValueFormat.plain(v)
        bounds[v.bitPattern] = s
        return s
    }

    /// Appends one series with one sample to the batch.
    mutating func add(_ base: [Label], _ name: String, _ extra: Label?, _ t: Int64, _ v: Double, _ point: Int32) throws(IngestError) {
        sampleCount += 1
        guard sampleCount <= limits.maxSamples else {
            throw IngestError(.tooLarge, "the request makes more than \(limits.maxSamples) samples")
        }
        // One allocation: a copy of `base` with room for the extra label and the name.
        var labels: [Label] = []
        labels.reserveCapacity(base.count + 2)
        labels.append(contentsOf: base)
        if let extra { set(&labels, extra.name, extra.value) }
        // `base` never holds `__name__`: attributes of that name are ignored.
        labels.append(Label(Labels.metricName, name))
        out.batch.append(labels, [Sample(t: t, v: v)])
        out.entryPoints.append(point)
    }

    /// The labels of a list of attributes: sanitised names, taken in the order of the original
    /// names so that names which collide once sanitised join their values with `;` the way
    /// Prometheus does. `__name__` is ignored (the metric name is set apart); with
    /// `skipIdentifying` so are the attributes that make `job` and `instance`. nil, with
    /// `problem` set, when an attribute name cannot become a label name.
    mutating func labels(_ attributes: Range<Int32>, _ text: UnsafeRawBufferPointer, skipIdentifying: Bool = false,
                         problem: inout String) -> [Label]? {
        // Senders mostly send attributes sorted; only unsorted ones pay for an order array.
        let sorted = isSorted(attributes, text)
        let order = sorted ? [] : attributes.sorted { less(data.attributes[Int($0)].key, data.attributes[Int($1)].key, text) }
        var out: [Label] = []
        // Room for job, instance and the scope labels added next.
        out.reserveCapacity(attributes.count + 8)
        for k in 0..<attributes.count {
            let attribute = data.attributes[Int(sorted ? attributes.lowerBound + Int32(k) : order[k])]
            if data.text.equals(attribute.key, "__name__") { continue }
            if skipIdentifying && Self.identifying.contains(where: { data.text.equals(attribute.key, $0) }) { continue }
            guard let name = labelName(attribute.key, text) else {
                problem = "attribute name \"\(data.text.string(attribute.key))\" cannot be a label name (it is empty or only underscores)"
                return nil
            }
            let value = valueString(attribute, text)
            if let i = out.firstIndex(where: { $0.name == name }) {
                out[i].value = out[i].value.isEmpty ? value : out[i].value + ";" + value
            } else {
                out.append(Label(name, value))
            }
        }
        return out
    }

    func isSorted(_ attributes: Range<Int32>, _ text: UnsafeRawBufferPointer) -> Bool {
        guard attributes.count > 1 else { return true }
        for a in attributes.dropLast() where less(data.attributes[Int(a + 1)].key, data.attributes[Int(a)].key, text) {
            return false
        }
        return true
    }

    /// Byte-wise order of two spans, as Go compares strings.
    func less(_ a: TextSpan, _ b: TextSpan, _ text: UnsafeRawBufferPointer) -> Bool {
        guard let base = text.baseAddress else { return false }
        let n = Int(min(a.count, b.count))
        let c = n == 0 ? 0 : memcmp(base + Int(a.start), base + Int(b.start), n)
        return c != 0 ? c < 0 : a.count < b.count
    }

    mutating func labelName(_ key: TextSpan, _ text: UnsafeRawBufferPointer) -> String? {
        names.get(key, text) { OTLPNaming.labelName($0) }
    }

    /// An attribute value as the OpenTelemetry Collector's `AsString` writes it.
    mutating func valueString(_ a: OTLPMetricsData.Attribute, _ text: UnsafeRawBufferPointer) -> String {
        switch a.kind {
        case .empty: return ""
        case .string, .rendered: return values.get(a.value, text) { String(decoding: $0, as: UTF8.self) } ?? ""
        case .bool: return a.bits != 0 ? "true" : "false"
        case .int: return String(Int64(bitPattern: a.bits))
        case .double:
            let d = Double(bitPattern: a.bits)
            return OTLPValueFormat.javaScript(d) ?? "json: unsupported value: " + (d.isNaN ? "NaN" : d < 0 ? "-Inf" : "+Inf")
        case .bytes: return OTLPValueFormat.base64(text[a.value.range])
        }
    }

    /// One `target_info` series per resource with attributes beyond those that make `job` and
    /// `instance`: value 1 from the resource's earliest to its latest point, every half
    /// lookback delta (at most 1000 samples), and at the latest.
    mutating func targetInfo(_ resource: OTLPMetricsData.Resource, _ context: ResourceContext,
                             from earliest: UInt64, to latest: UInt64, _ text: UnsafeRawBufferPointer) throws(IngestError) {
        let others = resource.attributes.filter { a in
            !Self.identifying.contains { data.text.equals(data.attributes[Int(a)].key, $0) }
        }.count
        guard others > 0 else { return }
        var problem = ""
        guard var labels = labels(resource.attributes, text, skipIdentifying: true, problem: &problem) else {
            refuse(0, "resource \(problem); no target_info for it")
            return
        }
        for l in context.labels { set(&labels, l.name, l.value) }
        guard labels.contains(where: { ($0.name == "job" || $0.name == "instance") && !$0.value.isEmpty }) else { return }
        let interval = UInt64(max(options.lookbackDelta / 2, 1)) * 1_000_000
        let step = max(interval, (latest - earliest) / 1000)
        var t = earliest
        while t < latest {
            try targetSample(labels, millis(t))
            let (next, overflow) = t.addingReportingOverflow(step)
            if overflow { break }
            t = next
        }
        try targetSample(labels, millis(latest))
    }

    mutating func targetSample(_ labels: [Label], _ t: Int64) throws(IngestError) {
        guard seenTargetInfo.insert(TargetInfoSample(labels: labels, time: t)).inserted else { return }
        try add(labels, "target_info", nil, t, 1, -1)
    }
}

/// Strings made from spans of one request's text, each made once: label names (sanitised) and
/// string values repeat across data points, and reusing the String saves its allocation.
struct SpanCache {
    private var slots = [Int32](repeating: -1, count: 64)
    private var spans: [TextSpan] = []
    private var hashes: [UInt64] = []
    private var strings: [String?] = []

    mutating func get(_ span: TextSpan, _ text: UnsafeRawBufferPointer, make: (UnsafeRawBufferPointer) -> String?) -> String? {
        let bytes = UnsafeRawBufferPointer(rebasing: text[span.range])
        let h = LabelHash.mix(bytes, into: LabelHash.seed)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] >= 0 {
            let e = Int(slots[i])
            if hashes[e] == h && same(spans[e], span, text) { return strings[e] }
            i = (i + 1) & mask
        }
        let s = make(bytes)
        slots[i] = Int32(spans.count)
        spans.append(span)
        hashes.append(h)
        strings.append(s)
        if spans.count * 2 > slots.count { grow() }
        return s
    }

    private func same(_ a: TextSpan, _ b: TextSpan, _ text: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count, let base = text.baseAddress else { return false }
        return a.start == b.start || memcmp(base + Int(a.start), base + Int(b.start), Int(a.count)) == 0
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (e, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(e)
        }
    }
}
