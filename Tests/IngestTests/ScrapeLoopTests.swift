import Foundation
@testable import Ingest
import Testing
import TSDB

/// One target's scrapes against a fake fetcher and a real TSDB: what gets stored.
@Suite struct ScrapeLoopTests {
    let url = "http://t:1/metrics"
    let target = ["job": "j", "instance": "t:1"]

    func config(_ edit: (inout ScrapeConfig) -> Void = { _ in }) -> ScrapeConfig {
        var c = ScrapeConfig(jobName: "j", scrapeInterval: 15_000, scrapeTimeout: 10_000)
        edit(&c)
        return c
    }

    /// Scrapes, then waits a few ms so the next scrape's timestamp differs.
    func scrape(_ loop: ScrapeLoop) async throws {
        await loop.scrapeOnce()
        try await Task.sleep(for: .milliseconds(5))
    }

    @Test func storesSamplesWithTargetLabelsAndReports() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        f.serve(url, text: "# TYPE a counter\n# HELP a Some help.\na_total{x=\"1\"} 5\nb 7\n")
        let metadata = MetadataStore()
        let loop = try makeLoop(config(), db: t.db, fetcher: f, metadata: metadata)
        try await scrape(loop)
        try await scrape(loop)
        #expect(try t.values("a_total", target.merging(["x": "1"]) { a, _ in a }) == [5, 5])
        #expect(try t.values("b", target) == [7, 7])
        #expect(try t.values("up", target) == [1, 1])
        #expect(try t.values("scrape_samples_scraped", target) == [2, 2])
        #expect(try t.values("scrape_samples_post_metric_relabeling", target) == [2, 2])
        #expect(try t.values("scrape_series_added", target) == [2, 0])
        #expect(try t.values("scrape_duration_seconds", target).count == 2)
        #expect(loop.status.health == .up && loop.status.lastError == "")
        #expect(metadata.lookup().map(\.0) == ["a"])
        #expect(metadata.lookup().first?.1 == [MetricMetadata(type: "counter", help: "Some help.")])
        let request = try #require(f.requests.withLock { $0.first })
        #expect(request.headers.contains { $0 == ("X-Prometheus-Scrape-Timeout-Seconds", "10") })
        #expect(request.headers.contains { $0.0 == "Accept" && $0.1.hasPrefix("application/openmetrics-text;version=1.0.0") })
    }

    @Test func vanishedSeriesGetStalenessMarkers() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        f.serve(url, text: "a 1\nb 2\n")
        f.serve(url, text: "a 3\n")
        f.serve(url, text: "a 4\nb 5\n")
        let loop = try makeLoop(config(), db: t.db, fetcher: f)
        for _ in 0..<3 { try await scrape(loop) }
        #expect(try t.values("a", target).shown == ["1.0", "3.0", "4.0"])
        #expect(try t.values("b", target).shown == ["2.0", "stale", "5.0"])
        #expect(try t.values("scrape_series_added", target) == [2, 0, 1])
    }

    @Test func failedScrapeReportsDownAndMarksEverythingStale() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        f.serve(url, text: "a 1\n")
        f.serve(url, .failure(IngestError(.scrapeFailed, "Get \"\(url)\": dial tcp t:1: connection refused")))
        f.serve(url, text: "a 2\n")
        let loop = try makeLoop(config(), db: t.db, fetcher: f)
        try await scrape(loop)
        try await scrape(loop)
        #expect(loop.status.health == .down)
        #expect(loop.status.lastError.contains("connection refused"))
        try await scrape(loop)
        #expect(try t.values("a", target).shown == ["1.0", "stale", "2.0"])
        #expect(try t.values("up", target) == [1, 0, 1])
        #expect(try t.values("scrape_series_added", target) == [1, 0, 0])
        #expect(loop.status.health == .up)
    }

    @Test func malformedTextFailsTheScrapeAndSaysWhere() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        f.serve(url, text: "good 1\nbad{x=} 2\n")
        let loop = try makeLoop(config(), db: t.db, fetcher: f)
        try await scrape(loop)
        #expect(loop.status.health == .down)
        #expect(loop.status.lastError == "line 2, column 7: expected a quoted label value, found \"}\"")
        #expect(try t.series("good").isEmpty)
        #expect(try t.values("up", target) == [0])
        #expect(try t.values("scrape_samples_scraped", target) == [1])
    }

    @Test func sampleLimitFailsTheWholeScrape() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        f.serve(url, text: "a 1\nb 2\nc 3\n")
        f.serve(url, text: "a 1\n")
        let loop = try makeLoop(config { $0.sampleLimit = 2 }, db: t.db, fetcher: f)
        try await scrape(loop)
        #expect(loop.status.lastError == "sample limit exceeded (3 samples, limit 2)")
        #expect(try t.series("a").isEmpty)
        #expect(try t.values("up", target) == [0])
        // Scrapes under the limit work: nothing of the failed one was kept in the cache.
        try await scrape(loop)
        try await scrape(loop)
        #expect(try t.values("a", target) == [1, 1])
        #expect(try t.values("scrape_series_added", target) == [0, 1, 0])
    }

    @Test func labelLimitFailsTheScrape() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        f.serve(url, text: "a{x=\"1\",y=\"2\"} 1\n")
        let loop = try makeLoop(config { $0.labelLimit = 4 }, db: t.db, fetcher: f)
        try await scrape(loop)
        #expect(loop.status.lastError == "label_limit exceeded (metric: a, number of labels: 5, limit: 4)")
    }

    @Test func honorLabelsOffKeepsConflictsAsExported() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        f.serve(url, text: "a{job=\"scraped\",instance=\"i\",exported_instance=\"taken\"} 1\n")
        let loop = try makeLoop(config(), db: t.db, fetcher: f)
        try await scrape(loop)
        let labels = try #require(t.series("a").keys.first)
        #expect(labels == Labels(["__name__": "a", "job": "j", "instance": "t:1", "exported_job": "scraped",
                                  "exported_instance": "taken", "exported_exported_instance": "i"]))
    }

    @Test func honorLabelsOnKeepsScrapedValues() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        f.serve(url, text: "a{job=\"scraped\"} 1\n")
        let loop = try makeLoop(config { $0.honorLabels = true }, db: t.db, fetcher: f)
        try await scrape(loop)
        #expect(try t.series("a").keys.first == Labels(["__name__": "a", "job": "scraped", "instance": "t:1"]))
    }

    @Test func timestampsHonouredOrNot() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        let own = Int64(Date().timeIntervalSince1970 * 1000) - 60_000
        f.serve(url, text: "a 1 \(own)\n")
        try await scrape(try makeLoop(config(), db: t.db, fetcher: f))
        #expect(try t.series("a").values.first?.map(\.t) == [own])
        let f2 = FakeFetcher()
        f2.serve("http://u:1/metrics", text: "b 1 \(own)\n")
        try await scrape(try makeLoop(config { $0.honorTimestamps = false }, address: "u:1", db: t.db, fetcher: f2))
        let stored = try #require(t.series("b").values.first?.first?.t)
        #expect(stored > own)
    }

    @Test func seriesWithOwnTimestampsAreNotMarkedStale() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        let own = Int64(Date().timeIntervalSince1970 * 1000) - 60_000
        f.serve(url, text: "a 1 \(own)\nb 1\n")
        f.serve(url, text: "c 1\n")
        let loop = try makeLoop(config(), db: t.db, fetcher: f)
        try await scrape(loop)
        try await scrape(loop)
        #expect(try t.values("a", target).shown == ["1.0"])
        #expect(try t.values("b", target).shown == ["1.0", "stale"])
    }

    @Test func metricRelabelingDropsAndRenames() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        f.serve(url, text: "go_gc 1\nkeep_me 2\n")
        var drop = RelabelConfig()
        drop.action = .drop
        drop.sourceLabels = ["__name__"]
        drop.regex = try AnchoredRegex("go_.*")
        var rename = RelabelConfig()
        rename.sourceLabels = ["__name__"]
        rename.regex = try AnchoredRegex("keep_(.*)")
        rename.targetLabel = "__name__"
        rename.replacement = "kept_$1"
        let loop = try makeLoop(config { $0.metricRelabelConfigs = [drop, rename] }, db: t.db, fetcher: f)
        try await scrape(loop)
        try await scrape(loop)
        #expect(try t.series("go_gc").isEmpty)
        #expect(try t.values("kept_me", target) == [2, 2])
        #expect(try t.values("scrape_samples_scraped", target) == [2, 2])
        #expect(try t.values("scrape_samples_post_metric_relabeling", target) == [1, 1])
    }

    @Test func retiredTargetMarksAllItsSeriesStale() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        f.serve(url, text: "a 1\n")
        let metadata = MetadataStore()
        let loop = try makeLoop(config(), db: t.db, fetcher: f, metadata: metadata)
        try await scrape(loop)
        loop.endOfTarget()
        #expect(try t.values("a", target).shown == ["1.0", "stale"])
        #expect(try t.values("up", target).shown == ["1.0", "stale"])
        #expect(metadata.byTarget().isEmpty)
    }

    @Test func contentTypeNegotiation() async throws {
        let t = try TestDB(); defer { t.cleanup() }
        let f = FakeFetcher()
        f.serve(url, text: "a 1\n", contentType: "text/html")
        let loop = try makeLoop(config(), db: t.db, fetcher: f)
        try await scrape(loop)
        #expect(loop.status.lastError == "received unsupported Content-Type \"text/html\" and no fallback_scrape_protocol specified for target")
        let f2 = FakeFetcher()
        f2.serve("http://u:1/metrics", text: "a 1\n", contentType: "")
        let fallback = try makeLoop(config { $0.fallbackFormat = .prometheusText }, address: "u:1", db: t.db, fetcher: f2)
        try await scrape(fallback)
        #expect(fallback.status.health == .up)
        let f3 = FakeFetcher()
        f3.serve("http://v:1/metrics", text: "a 1\n# EOF\n", contentType: "application/openmetrics-text; version=1.0.0")
        let om = try makeLoop(config(), address: "v:1", db: t.db, fetcher: f3)
        try await scrape(om)
        #expect(om.status.health == .up)
    }
}
