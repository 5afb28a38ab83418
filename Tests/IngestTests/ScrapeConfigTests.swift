import Foundation
@testable import Ingest
import Testing
import TSDB

@Suite struct ScrapeConfigTests {
    func parse(_ yaml: String) throws(IngestError) -> ScrapeSettings {
        try ScrapeSettings.parse(yaml: yaml, file: "/etc/sextant/sextant.yml")
    }

    func message(_ yaml: String) -> String? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func fullJob() throws {
        let s = try parse("""
        global:
          scrape_interval: 30s
          scrape_timeout: 5s
          external_labels: {region: eu, replica: "1"}
        scrape_configs:
          - job_name: node
            scrape_interval: 1m30s
            metrics_path: /custom
            scheme: https
            params: {module: [http_2xx], target: [a, b]}
            honor_labels: true
            honor_timestamps: false
            basic_auth: {username: u, password_file: secrets/pw}
            tls_config: {insecure_skip_verify: true, ca_file: /ca.pem}
            static_configs:
              - targets: ['10.0.0.1:9100', 'host:9100']
                labels: {env: prod}
            file_sd_configs:
              - files: ['targets/*.json', '/abs/t.yml']
                refresh_interval: 30s
            relabel_configs:
              - source_labels: [__address__]
                regex: '(.*):.*'
                target_label: host
              - action: hashmod
                source_labels: [host]
                modulus: 4
                target_label: shard
            metric_relabel_configs:
              - action: drop
                source_labels: [__name__]
                regex: 'go_.*'
            sample_limit: 1000
            label_limit: 30
            body_size_limit: 10MB
          - job_name: other
            scrape_interval: 2s
            authorization: {credentials: tok}
        """)
        #expect(s.global.scrapeInterval == 30_000)
        #expect(s.global.externalLabels == [Label("region", "eu"), Label("replica", "1")])
        let job = try #require(s.scrapeConfigs.first)
        #expect(job.jobName == "node")
        #expect(job.scrapeInterval == 90_000)
        #expect(job.scrapeTimeout == 5000)
        #expect(job.metricsPath == "/custom")
        #expect(job.scheme == "https")
        #expect(job.params == ["module": ["http_2xx"], "target": ["a", "b"]])
        #expect(job.honorLabels && !job.honorTimestamps)
        #expect(job.http.basicAuth?.passwordFile == "/etc/sextant/secrets/pw")
        #expect(job.http.tls.insecureSkipVerify && job.http.tls.caFile == "/ca.pem")
        #expect(job.staticConfigs == [TargetGroup(targets: ["10.0.0.1:9100", "host:9100"], labels: ["env": "prod"], source: "static/0")])
        #expect(job.fileSDConfigs.map(\.files) == [["/etc/sextant/targets/*.json", "/abs/t.yml"]])
        #expect(job.fileSDConfigs.first?.refreshInterval == 30_000)
        #expect(job.relabelConfigs.count == 2 && job.relabelConfigs[1].action == .hashmod && job.relabelConfigs[1].modulus == 4)
        #expect(job.metricRelabelConfigs.first?.regex.pattern == "go_.*")
        #expect(job.sampleLimit == 1000 && job.labelLimit == 30 && job.bodySizeLimit == 10 << 20)
        let other = s.scrapeConfigs[1]
        // The global timeout is cut down to a shorter job interval, as in Prometheus.
        #expect(other.scrapeInterval == 2000 && other.scrapeTimeout == 2000)
        #expect(other.http.authorization?.type == "Bearer" && other.http.authorization?.credentials == "tok")
        #expect(other.metricsPath == "/metrics" && other.scheme == "http" && other.honorTimestamps)
    }

    @Test func defaultsAndEmptyFiles() throws {
        let empty = try parse("")
        #expect(empty.scrapeConfigs.isEmpty)
        #expect(empty.global.scrapeInterval == 60_000 && empty.global.scrapeTimeout == 10_000)
        // The server's own keys are left to the server.
        let other = try parse("collect_self: false\nretention: 30d\n")
        #expect(other.scrapeConfigs.isEmpty)
        let short = try parse("global: {scrape_interval: 5s}")
        #expect(short.global.scrapeTimeout == 5000)
    }

    @Test(arguments: [
        ("scrape_configs:\n  - job_name: a\n    scrape_intervall: 5s\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0]: unknown setting \"scrape_intervall\""),
        ("scrape_configs:\n  - job_name: a\n    scrape_interval: 5x\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0] (job \"a\").scrape_interval: unknown unit \"x\" in duration \"5x\""),
        ("scrape_configs:\n  - job_name: a\n  - job_name: a\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[1]: found multiple scrape configs with job name \"a\""),
        ("scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n",
         "/etc/sextant/sextant.yml, line 4: scrape_configs[0] (job \"a\"): scrape timeout greater than scrape interval for scrape config with job name \"a\""),
        ("global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n",
         "/etc/sextant/sextant.yml, line 3: global: global scrape timeout greater than scrape interval"),
        ("scrape_configs:\n  - scrape_interval: 5s\n", "/etc/sextant/sextant.yml, line 2: scrape_configs[0]: job_name is empty"),
        ("scrape_configs:\n  - job_name: a\n    scheme: ftp\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0] (job \"a\").scheme: unsupported scheme \"ftp\" (use http or https)"),
        ("scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['http://x:1/metrics']}]\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0] (job \"a\").static_configs[0].targets: \"http://x:1/metrics\" is not a valid hostname (write host:port; put the path in metrics_path)"),
        ("scrape_configs:\n  - job_name: a\n    relabel_configs: [{action: replace, source_labels: [x]}]\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0] (job \"a\").relabel_configs[0]: relabel configuration for replace action requires 'target_label' value"),
        ("scrape_configs:\n  - job_name: a\n    relabel_configs: [{action: explode}]\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0] (job \"a\").relabel_configs[0].action: unknown relabel action \"explode\" (known: replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase)"),
        ("scrape_configs:\n  - job_name: a\n    relabel_configs: [{regex: '(', action: keep, source_labels: [a]}]\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0] (job \"a\").relabel_configs[0].regex: invalid regular expression \"(\""),
        ("scrape_configs:\n  - job_name: a\n    relabel_configs: [{regex: '(a)\\1', action: keep, source_labels: [a]}]\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0] (job \"a\").relabel_configs[0].regex: invalid regular expression \"(a)\\1\": the backreference \\1 is not supported (RE2 syntax)"),
        ("scrape_configs:\n  - job_name: a\n    basic_auth: {username: u, password: p, password_file: f}\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0] (job \"a\").basic_auth: at most one of basic_auth password & password_file must be configured"),
        ("scrape_configs:\n  - job_name: a\n    bearer_token: t\n    authorization: {credentials: c}\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0] (job \"a\"): at most one of bearer_token, bearer_token_file & authorization must be configured"),
        ("scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [targets.txt]}]\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0] (job \"a\").file_sd_configs[0].files[0]: path name \"targets.txt\" is not valid for file discovery (it must end in .json, .yml or .yaml)"),
        ("scrape_configs:\n  - job_name: a\n    sample_limit: -1\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0] (job \"a\").sample_limit: expected a non-negative integer, got \"-1\""),
        ("scrape_configs:\n  - job_name: a\n    scrape_protocols: [PrometheusProto]\n",
         "/etc/sextant/sextant.yml, line 3: scrape_configs[0] (job \"a\").scrape_protocols[0]: unsupported scrape protocol \"PrometheusProto\" (supported: OpenMetricsText1.0.0, OpenMetricsText0.0.1, PrometheusText1.0.0, PrometheusText0.0.4)"),
        ("global: [1, 2]\n", "/etc/sextant/sextant.yml, line 1: global: expected a mapping of settings"),
        ("scrape_configs: [\n", nil),
    ] as [(String, String?)])
    func validation(yaml: String, expected: String?) {
        let got = message(yaml)
        if let expected {
            #expect(got?.hasPrefix(expected) == true, "got: \(got ?? "no error")")
        } else {
            #expect(got?.contains("is not valid YAML") == true, "got: \(got ?? "no error")")
        }
    }
}
