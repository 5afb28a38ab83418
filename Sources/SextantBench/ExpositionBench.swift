import ArgumentParser
import Foundation
import Ingest
import TSDB

/// The exposition parser on a node_exporter-like body: tokenising only (what a scrape whose
/// series are all cached costs), and with labels built (what a new series costs).
struct ExpositionBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "exposition", abstract: "Exposition parse speed, MB/s and samples/s.")

    @Option(help: "Series in the body.") var series = 10_000

    func run() throws {
        for format in [ExpositionFormat.prometheusText, .openMetrics] {
            let body = ExpositionBench.body(series: series, format: format)
            let mb = Double(body.count) / 1e6
            var samples = 0
            try measure("\(format): tokenise \(series) samples", items: series) {
                samples = try ExpositionParser.parse(body, format: format) { p in
                    var n = 0
                    var h: UInt64 = 0
                    while let e = try p.next() {
                        if e == .sample {
                            n += 1
                            h &+= UInt64(p.seriesKey.count) &+ UInt64(p.value.bitPattern)
                        }
                    }
                    blackHole(h)
                    return n
                }
            }
            precondition(samples == series)
            try measure("\(format): with labels", items: series) {
                try ExpositionParser.parse(body, format: format) { p in
                    var labels: [Label] = []
                    while let e = try p.next() {
                        if e == .sample {
                            labels.removeAll(keepingCapacity: true)
                            try p.labels(into: &labels)
                        }
                    }
                    blackHole(labels)
                }
            }
            print("  body \(String(format: "%.2f", mb)) MB, \(body.count / series) bytes/sample: MB/s = M items/s x \(body.count / series)")
        }
    }

    /// Families of 100 series with node_exporter-shaped labels; counters, gauges, a histogram.
    static func body(series: Int, format: ExpositionFormat) -> [UInt8] {
        var out = ""
        var written = 0
        var family = 0
        while written < series {
            let name = family % 3 == 0 ? "node_cpu_seconds_total" : family % 3 == 1 ? "node_network_receive_bytes_total" : "http_request_duration_seconds_bucket"
            let metric = "\(name)_\(family)"
            out += "# HELP \(metric) Family \(family).\n# TYPE \(metric) \(family % 3 == 1 ? "gauge" : "counter")\n"
            for i in 0..<min(100, series - written) {
                out += "\(metric){cpu=\"\(i % 16)\",mode=\"\(["idle", "user", "system", "iowait"][i % 4])\",device=\"eth\(i / 16)\"} \(Double(i) * 1234.5678 + Double(family))\n"
                written += 1
            }
            family += 1
        }
        if format == .openMetrics { out += "# EOF\n" }
        return Array(out.utf8)
    }
}
