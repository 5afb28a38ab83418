import TSDB

/// The counts a scrape reports in its `scrape_*` series.
struct ScrapeCounts: Sendable, Equatable {
    var scraped = 0
    var postRelabel = 0
    var added = 0
}

extension ScrapeCache {
    /// Parses one scrape body and stores its samples, staleness markers for the series it no
    /// longer has, and the five report series (`up` = 1), all in one TSDB write.
    ///
    /// Throws, leaving the cache as it was and storing nothing, when the body is malformed or a
    /// limit is broken; the caller then records a failed scrape with `appendFailure`.
    /// `counts` holds what was counted even when this throws (Prometheus reports it with `up` = 0).
    mutating func appendScrape(_ body: [UInt8], format: ExpositionFormat, at now: Int64, duration: Double,
                               context ctx: ScrapeContext, db: DB, counts: inout ScrapeCounts,
                               metadata: inout [String: MetricMetadata]) throws(IngestError) {
        try ScrapeCache.storage { try refreshIfStale(db: db) }
        scrapeID += 1
        let id = scrapeID
        let firstNew = entries.count
        counts = ScrapeCounts()
        var owners: [Int32] = []
        var samples: [Sample] = []
        owners.reserveCapacity(refs.count + 8)
        samples.reserveCapacity(refs.count + 8)
        var pending: [Labels] = []
        do {
            try body.withUnsafeBytes { raw in
                var p = ExpositionParser(raw, format: format)
                var scratch: [Label] = []
                while let entry = try p.next() {
                    switch entry {
                    case .sample:
                        counts.scraped += 1
                        let key = p.seriesKey
                        let h = ScrapeCache.hash(key)
                        let own = ctx.honorTimestamps ? p.timestamp : nil
                        let t = own ?? now
                        if let i = find(key, hash: h) {
                            // A repeated line within one scrape: the first one counts, as in Prometheus.
                            if entries[Int(i)].lastSeen == id { continue }
                            entries[Int(i)].lastSeen = id
                            entries[Int(i)].explicitTimestamp = own != nil
                            let ref = entries[Int(i)].ref
                            if ref == ScrapeCache.dropped { continue }
                            owners.append(ref)
                            samples.append(Sample(t: t, v: p.value))
                            continue
                        }
                        scratch.removeAll(keepingCapacity: true)
                        try p.labels(into: &scratch)
                        guard let labels = try ctx.finalLabels(scratch) else {
                            insert(key, hash: h, ref: ScrapeCache.dropped, seen: id, explicitTimestamp: own != nil)
                            continue
                        }
                        let ref = ScrapeCache.pendingBase - Int32(pending.count)
                        pending.append(labels)
                        insert(key, hash: h, ref: ref, seen: id, explicitTimestamp: own != nil)
                        owners.append(ref)
                        samples.append(Sample(t: t, v: p.value))
                    case .type:
                        metadata[try p.metadataName(), default: MetricMetadata()].type = p.metricType.rawValue
                    case .help:
                        metadata[try p.metadataName(), default: MetricMetadata()].help = try p.metadataText()
                    case .unit:
                        metadata[try p.metadataName(), default: MetricMetadata()].unit = try p.metadataText()
                    }
                }
            }
            counts.postRelabel = samples.count
            if ctx.sampleLimit > 0 && samples.count > ctx.sampleLimit {
                throw IngestError(.scrapeFailed, "sample limit exceeded (\(samples.count) samples, limit \(ctx.sampleLimit))")
            }
            let created = try ScrapeCache.storage { pending.isEmpty ? [] : try db.seriesRefs(for: pending) }
            counts.added = created.count
            let base = Int32(refs.count)
            refs.append(contentsOf: created)
            for i in firstNew..<entries.count where entries[i].ref <= ScrapeCache.pendingBase {
                entries[i].ref = base + (ScrapeCache.pendingBase - entries[i].ref)
            }
            for i in owners.indices where owners[i] <= ScrapeCache.pendingBase {
                owners[i] = base + (ScrapeCache.pendingBase - owners[i])
            }
        } catch {
            rollBack(to: firstNew)
            scrapeID -= 1
            throw error as? IngestError ?? IngestError(.scrapeFailed, "\(error)")
        }
        var stale = staleEntries(seenIn: id, markAll: false, ctx: ctx)
        for i in entries.indices where entries[i].lastSeen == id && entries[i].ref >= 0 {
            entries[i].alive = true
        }
        stale = excludingLive(stale, seenIn: id)
        for i in stale {
            owners.append(entries[i].ref)
            samples.append(Sample(t: now, v: .staleMarker))
        }
        // Lines not seen this time leave the cache, after their markers are written (eviction
        // renumbers `refs`).
        defer { if entries.contains(where: { $0.lastSeen != id }) { evict { $0.lastSeen == id } } }
        try appendReport(up: 1, duration: duration, counts: counts, at: now, owners: &owners, samples: &samples, ctx: ctx, db: db)
    }

    /// Records a failed scrape: staleness markers for every series the last scrape stored, and
    /// the report series with `up` = 0.
    mutating func appendFailure(at now: Int64, duration: Double, counts: ScrapeCounts,
                                context ctx: ScrapeContext, db: DB) throws(IngestError) {
        var (owners, samples) = try allStale(at: now, ctx: ctx, db: db)
        try appendReport(up: 0, duration: duration, counts: counts, at: now, owners: &owners, samples: &samples, ctx: ctx, db: db)
    }

    /// Staleness markers for everything the target stored, report series included: the target
    /// is gone (removed by discovery or relabeling, or its job was removed).
    mutating func appendEndOfTarget(at now: Int64, context ctx: ScrapeContext, db: DB) throws(IngestError) {
        var (owners, samples) = try allStale(at: now, ctx: ctx, db: db)
        if reportAlive {
            for k in report.indices {
                owners.append(Int32(refs.count + k))
                samples.append(Sample(t: now, v: .staleMarker))
            }
            reportAlive = false
        }
        if samples.isEmpty { return }
        let all = refs + report
        _ = try ScrapeCache.storage { try db.append(refs: all, owners: owners, samples: samples) }
    }

    /// Staleness markers for every live series of the target (report series aside).
    private mutating func allStale(at now: Int64, ctx: ScrapeContext, db: DB) throws(IngestError) -> ([Int32], [Sample]) {
        try ScrapeCache.storage { try refreshIfStale(db: db) }
        var owners: [Int32] = []
        var samples: [Sample] = []
        for i in staleEntries(seenIn: nil, markAll: true, ctx: ctx) {
            owners.append(entries[i].ref)
            samples.append(Sample(t: now, v: .staleMarker))
        }
        return (owners, samples)
    }

    /// Entries holding a live series that was not seen in scrape `id` (all live ones when
    /// `markAll`), now marked not alive. Series with their own timestamps are left alone unless
    /// `track_timestamps_staleness` is set, as in Prometheus.
    private mutating func staleEntries(seenIn id: UInt64?, markAll: Bool, ctx: ScrapeContext) -> [Int] {
        var out: [Int] = []
        for i in entries.indices where entries[i].alive && (markAll || entries[i].lastSeen != id) {
            entries[i].alive = false
            if entries[i].ref >= 0 && (ctx.trackTimestampsStaleness || !entries[i].explicitTimestamp) { out.append(i) }
        }
        return out
    }

    /// Two lines can name one series (relabeling can merge them); one seen this time is not stale.
    private func excludingLive(_ stale: [Int], seenIn id: UInt64) -> [Int] {
        if stale.isEmpty { return stale }
        var live: Set<Labels> = []
        for e in entries where e.lastSeen == id && e.ref >= 0 { live.insert(refs[Int(e.ref)].labels) }
        return stale.filter { !live.contains(refs[Int(entries[$0].ref)].labels) }
    }

    private mutating func appendReport(up: Double, duration: Double, counts: ScrapeCounts, at now: Int64,
                                       owners: inout [Int32], samples: inout [Sample],
                                       ctx: ScrapeContext, db: DB) throws(IngestError) {
        if report.isEmpty {
            let names = ["up", "scrape_duration_seconds", "scrape_samples_scraped",
                         "scrape_samples_post_metric_relabeling", "scrape_series_added"]
            let sets = names.map { Labels(ctx.targetLabels + [Label(Labels.metricName, $0)]) }
            report = try ScrapeCache.storage { try db.seriesRefs(for: sets) }
        }
        let values = [up, duration, Double(counts.scraped), Double(counts.postRelabel), Double(counts.added)]
        for (k, v) in values.enumerated() {
            owners.append(Int32(refs.count + k))
            samples.append(Sample(t: now, v: v))
        }
        reportAlive = true
        let all = refs + report
        _ = try ScrapeCache.storage { try db.append(refs: all, owners: owners, samples: samples) }
    }

    /// Runs a TSDB call, turning its errors into a failed scrape.
    private static func storage<T>(_ body: () throws -> T) throws(IngestError) -> T {
        do {
            return try body()
        } catch let e as IngestError {
            throw e
        } catch {
            throw IngestError(.scrapeFailed, "storing the scrape failed: \(error)")
        }
    }
}
