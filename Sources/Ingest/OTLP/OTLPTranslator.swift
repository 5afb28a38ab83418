import TSDB

/// How OTLP data becomes series beyond the fixed Prometheus rules.
public struct OTLPTranslationOptions: Sendable {
    /// Resource attributes copied as labels onto every series of their resource (Prometheus's
    /// `otlp.promote_resource_attributes`); a data point's own attribute of the same name wins.
    public var promotedResourceAttributes: [String] = []
    /// `otel_scope_name`, `otel_scope_version`, `otel_scope_schema_url` and `otel_scope_<attr>`
    /// labels on every series (Prometheus's `otlp.promote_scope_metadata`).
    public var scopeLabels = true
    /// The PromQL lookback delta in milliseconds: `target_info` gets a sample every half of it
    /// over the time span of its resource's points, so it can be joined at any time in between.
    public var lookbackDelta: Int64 = 5 * 60_000

    public init() {}
}

/// Series made from one OTLP request, ready for `DB.store`, and what was refused on the way.
public struct OTLPTranslation: Sendable {
    public var batch = SeriesBatch()
    /// For each batch entry, the data point (its ordinal in the request) it came from; -1 for
    /// `target_info` samples.
    public var entryPoints: [Int32] = []
    /// Data points in the request, of every kind.
    public var pointCount = 0
    /// Data points refused before storage: exponential histograms, unusable names, bad
    /// temporality, refused deltas.
    public var refusedPoints = 0
    /// What was refused or skipped and why, one line per metric and reason.
    public var problems: [String] = []

    /// Data points refused in all: those refused here plus those with any series or sample
    /// refused by storage (`refusedEntries` from `StoreOutcome`).
    public func rejectedPoints(refusedEntries: [Int]) -> Int {
        var points = Set<Int32>()
        for e in refusedEntries where e < entryPoints.count && entryPoints[e] >= 0 { points.insert(entryPoints[e]) }
        return refusedPoints + points.count
    }
}

/// Turns a decoded OTLP request into series the way Prometheus 3's OTLP receiver does by
/// default (see `OTLPNaming` for names):
/// - resource `service.namespace` + `service.name` -> `job` ("ns/name"), `service.instance.id`
///   -> `instance`; the other resource attributes go to one `target_info` series per resource
///   (with `job`/`instance`), unless promoted;
/// - data point attributes -> labels; attributes whose names collide once sanitised are merged
///   in the order of their original names, values joined with `;`;
/// - gauges and sums -> one series (monotonic sums end in `_total`); histograms ->
///   `_bucket{le}` (cumulative counts, `+Inf` = the point's count), `_sum` (when sent) and
///   `_count`; summaries -> `{quantile}`, `_sum`, `_count`;
/// - delta sums and histograms are made cumulative by `OTLPDeltaState`;
/// - exponential histograms are refused (native histograms are not stored yet);
/// - a point flagged "no recorded value" stores staleness markers;
/// - timestamps are truncated to milliseconds; a point without one gets `now`.
public struct OTLPTranslator {
    let data: OTLPMetricsData
    let options: OTLPTranslationOptions
    let limits: RemoteWriteLimits
    let now: Int64
    var out = OTLPTranslation()
    var names = SpanCache()
    var values = SpanCache()
    /// `le` and `quantile` texts by the bound's bit pattern.
    var bounds: [UInt64: String] = [:]
    var problemOrder: [String] = []
    var problemCounts: [String: Int] = [:]
    var deltas: [OTLPDeltaState.Update] = []
    var deltaEmits: [DeltaEmit] = []
    var sampleCount = 0
    var seenTargetInfo = Set<TargetInfoSample>()

    /// Where the cumulative value of a delta goes once `OTLPDeltaState` has added it.
    struct DeltaEmit {
        var base: [Label]
        var family: Family
        var time: Int64
        var point: Int32
        var isHistogram: Bool
    }

    struct TargetInfoSample: Hashable {
        var labels: [Label]
        var time: Int64
    }

    /// - Parameter now: the wall clock in milliseconds, for points without a timestamp and for
    ///   delta series' idleness.
    /// - Throws: `.tooLarge` when the request would make more than `limits.maxSamples` samples.
    public static func translate(_ data: OTLPMetricsData, options: OTLPTranslationOptions = OTLPTranslationOptions(),
                                 deltas: OTLPDeltaState, now: Int64,
                                 limits: RemoteWriteLimits = RemoteWriteLimits()) throws(IngestError) -> OTLPTranslation {
        var t = OTLPTranslator(data: data, options: options, limits: limits, now: now)
        t.out.pointCount = data.points.count
        // Every point makes one series, histograms and summaries a few more per bucket.
        let estimate = data.points.count * 3 + data.counts.count + data.doubles.count / 2
        t.out.batch.entries.reserveCapacity(estimate)
        t.out.entryPoints.reserveCapacity(estimate)
        var failure: IngestError?
        data.text.withUnsafeBytes { text in
            do throws(IngestError) {
                for resource in data.resources { try t.resource(resource, text) }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        if !t.deltas.isEmpty {
            deltas.apply(&t.deltas, now: now)
            try t.emitDeltas()
        }
        t.out.problems = t.problemOrder.map { p in
            let n = t.problemCounts[p] ?? 0
            return n > 0 ? "\(p) (\(n) data point\(n == 1 ? "" : "s"))" : p
        }
        return t.out
    }

    init(data: OTLPMetricsData, options: OTLPTranslationOptions, limits: RemoteWriteLimits, now: Int64) {
        self.data = data
        self.options = options
        self.limits = limits
        self.now = now
    }

    /// Records `points` data points refused for `reason` (0 for a warning).
    mutating func refuse(_ points: Int, _ reason: String) {
        if problemCounts[reason] == nil {
            guard problemOrder.count < 50 else { out.refusedPoints += points; return }
            problemOrder.append(reason)
        }
        problemCounts[reason, default: 0] += points
        out.refusedPoints += points
    }

    /// Milliseconds of a point's Unix-nanosecond time; `now` when the sender left it 0.
    func millis(_ nanos: UInt64) -> Int64 {
        nanos == 0 ? now : Int64(bitPattern: nanos) / 1_000_000
    }

    func nanos(_ nanos: UInt64) -> UInt64 {
        nanos == 0 ? UInt64(max(now, 0)) &* 1_000_000 : nanos
    }

    mutating func resource(_ resource: OTLPMetricsData.Resource, _ text: UnsafeRawBufferPointer) throws(IngestError) {
        let context = resourceContext(resource, text)
        var earliest = UInt64.max, latest = UInt64.min
        for s in resource.scopes {
            let scope = data.scopes[Int(s)]
            let scopeLabels = self.scopeLabels(scope, text)
            for m in scope.metrics {
                let metric = data.metrics[Int(m)]
                for p in metric.points {
                    let t = nanos(data.points[Int(p)].timeNanos)
                    earliest = min(earliest, t)
                    latest = max(latest, t)
                }
                try self.metric(metric, identity: context.labels + scopeLabels, promoted: context.promoted, text)
            }
        }
        if earliest <= latest { try targetInfo(resource, context, from: earliest, to: latest, text) }
    }

    struct ResourceContext {
        /// `job` and `instance`, set over the points' own labels.
        var labels: [Label] = []
        /// Promoted resource attributes, used where a point has no label of that name.
        var promoted: [Label] = []
    }

    static let identifying: [StaticString] = ["service.name", "service.namespace", "service.instance.id"]

    mutating func resourceContext(_ resource: OTLPMetricsData.Resource, _ text: UnsafeRawBufferPointer) -> ResourceContext {
        var name: String?, namespace: String?, instance: String?
        var c = ResourceContext()
        let promote = Set(options.promotedResourceAttributes)
        for a in resource.attributes {
            let attribute = data.attributes[Int(a)]
            if name == nil && data.text.equals(attribute.key, "service.name") {
                name = valueString(attribute, text)
            } else if namespace == nil && data.text.equals(attribute.key, "service.namespace") {
                namespace = valueString(attribute, text)
            } else if instance == nil && data.text.equals(attribute.key, "service.instance.id") {
                instance = valueString(attribute, text)
            }
            if !promote.isEmpty, promote.contains(data.text.string(attribute.key)),
               let label = labelName(attribute.key, text), label != Labels.metricName {
                set(&c.promoted, label, valueString(attribute, text))
            }
        }
        if let name {
            let job = namespace.map { $0 + "/" + name } ?? name
            if !job.isEmpty { c.labels.append(Label("job", job)) }
        }
        if let instance, !instance.isEmpty { c.labels.append(Label("instance", instance)) }
        return c
    }

    /// Scope labels, applied over the point's own labels (later ones win).
    mutating func scopeLabels(_ scope: OTLPMetricsData.Scope, _ text: UnsafeRawBufferPointer) -> [Label] {
        guard options.scopeLabels, !scope.name.isEmpty else { return [] }
        var labels: [Label] = []
        for a in scope.attributes {
            let attribute = data.attributes[Int(a)]
            var key = Array("otel_scope_".utf8)
            key.append(contentsOf: text[attribute.key.range])
            guard let name = key.withUnsafeBytes({ OTLPNaming.labelName($0) }) else { continue }
            set(&labels, name, valueString(attribute, text))
        }
        set(&labels, "otel_scope_name", data.text.string(scope.name))
        set(&labels, "otel_scope_version", data.text.string(scope.version))
        set(&labels, "otel_scope_schema_url", data.text.string(scope.schemaURL))
        return labels
    }

    /// Sets or replaces a label in a short list.
    @inline(__always)
    func set(_ labels: inout [Label], _ name: String, _ value: String) {
        if let i = labels.firstIndex(where: { $0.name == name }) { labels[i].value = value } else { labels.append(Label(name, value)) }
    }
}
