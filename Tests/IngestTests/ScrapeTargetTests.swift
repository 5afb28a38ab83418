@testable import Ingest
import Testing
import TSDB

@Suite struct ScrapeTargetTests {
    func relabel(_ source: [String], regex: String, target: String, replacement: String = "$1",
                 action: RelabelConfig.Action = .replace) throws -> RelabelConfig {
        var c = RelabelConfig()
        c.sourceLabels = source
        c.regex = try AnchoredRegex(regex)
        c.targetLabel = target
        c.replacement = replacement
        c.action = action
        return c
    }

    @Test func defaultsAndMetaLabels() throws {
        var job = ScrapeConfig(jobName: "node", scrapeInterval: 30_000, scrapeTimeout: 10_000)
        job.params = ["module": ["a", "b"], "x y": ["1&2"]]
        guard case .active(let t) = ScrapeTarget.make(address: "h:9100", groupLabels: ["env": "prod", "__meta_x": "m"], config: job) else {
            Issue.record("not active")
            return
        }
        #expect(t.discoveredLabels == Labels([
            "__address__": "h:9100", "__meta_x": "m", "env": "prod", "job": "node", "__scheme__": "http",
            "__metrics_path__": "/metrics", "__scrape_interval__": "30s", "__scrape_timeout__": "10s",
            "__param_module": "a", "__param_x y": "1&2",
        ]))
        #expect(t.labels == Labels(["env": "prod", "job": "node", "instance": "h:9100"]))
        #expect(t.allLabels["__meta_x"] == nil && t.allLabels["__address__"] == "h:9100")
        #expect(t.url == "http://h:9100/metrics?module=a&module=b&x+y=1%262")
        #expect(t.interval == 30_000 && t.timeout == 10_000)
    }

    @Test func relabelingRewritesAddressSchemeParamsAndInterval() throws {
        var job = ScrapeConfig(jobName: "blackbox", scrapeInterval: 60_000, scrapeTimeout: 10_000)
        job.metricsPath = "/probe"
        job.relabelConfigs = [
            try relabel(["__address__"], regex: "(.*)", target: "__param_target"),
            try relabel(["__param_target"], regex: "(.*)", target: "instance"),
            try relabel([], regex: "(.*)", target: "__address__", replacement: "127.0.0.1:9115"),
            try relabel([], regex: "(.*)", target: "__scheme__", replacement: "https"),
            try relabel([], regex: "(.*)", target: "__scrape_interval__", replacement: "5s"),
            try relabel([], regex: "(.*)", target: "__scrape_timeout__", replacement: "2s"),
        ]
        guard case .active(let t) = ScrapeTarget.make(address: "example.com", groupLabels: [:], config: job) else {
            Issue.record("not active")
            return
        }
        #expect(t.url == "https://127.0.0.1:9115/probe?target=example.com")
        #expect(t.labels == Labels(["job": "blackbox", "instance": "example.com"]))
        #expect(t.interval == 5000 && t.timeout == 2000)
        #expect(t.globalURL.hasPrefix("https://") && !t.globalURL.contains("127.0.0.1"))
    }

    @Test func droppedAndInvalidTargets() throws {
        var job = ScrapeConfig(jobName: "j")
        job.relabelConfigs = [try relabel(["env"], regex: "dev", target: "", action: .drop)]
        guard case .dropped(let labels) = ScrapeTarget.make(address: "a:1", groupLabels: ["env": "dev"], config: job) else {
            Issue.record("not dropped")
            return
        }
        #expect(labels["__address__"] == "a:1")
        var noAddress = ScrapeConfig(jobName: "j")
        noAddress.relabelConfigs = [try relabel([], regex: "(.*)", target: "__address__", replacement: "")]
        guard case .invalid(let why) = ScrapeTarget.make(address: "a:1", groupLabels: [:], config: noAddress) else {
            Issue.record("not invalid")
            return
        }
        #expect(why == "no address")
        var slow = ScrapeConfig(jobName: "j", scrapeInterval: 5000, scrapeTimeout: 5000)
        slow.relabelConfigs = [try relabel([], regex: "(.*)", target: "__scrape_timeout__", replacement: "10s")]
        guard case .invalid(let why2) = ScrapeTarget.make(address: "a:1", groupLabels: [:], config: slow) else {
            Issue.record("not invalid")
            return
        }
        #expect(why2 == "scrape timeout cannot be greater than scrape interval (\"10s\" > \"5s\")")
    }

    @Test func offsetsSpreadAndStayInTheInterval() throws {
        let job = ScrapeConfig(jobName: "j", scrapeInterval: 15_000, scrapeTimeout: 10_000)
        var slots: Set<UInt64> = []
        for i in 0..<50 {
            guard case .active(let t) = ScrapeTarget.make(address: "h\(i):1", groupLabels: [:], config: job) else { continue }
            let t1: UInt64 = 1_767_225_600_000_000_000, t2 = t1 + 3_000_000_000, interval: UInt64 = 15_000_000_000
            let offset = t.offset(nowNanos: t1, seed: 42)
            #expect(offset <= interval)
            slots.insert((t1 + offset) % interval / 1_000_000_000)
            // The same target keeps its slot in the interval whenever it starts.
            let later = t.offset(nowNanos: t2, seed: 42)
            #expect((t1 + offset) % interval == (t2 + later) % interval)
        }
        #expect(slots.count > 8)
    }
}
