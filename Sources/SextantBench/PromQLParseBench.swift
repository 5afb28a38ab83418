import ArgumentParser
import PromQL

/// Parsing of dashboard-style PromQL queries.
struct PromQLParseBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "promql-parse", abstract: "PromQL parse time per query.")

    func run() throws {
        let queries = [
            #"sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))"#,
            #"histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))"#,
            #"100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) > 90"#,
            #"topk(5, sum without (cpu) (irate(node_network_receive_bytes_total[1m]))) or vector(0)"#,
        ]
        let rounds = 5000
        try measure("parse \(queries.count) queries", items: rounds * queries.count) {
            for _ in 0..<rounds {
                for q in queries { blackHole(try PromQLParser.parse(q)) }
            }
        }
    }
}
