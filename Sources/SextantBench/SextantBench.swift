import ArgumentParser

/// `sextant-bench`: micro-benchmarks of the hot paths, one subcommand each. Figures go to
/// BENCHMARKS.md with the command that produced them; nothing here gates CI.
@main
struct SextantBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sextant-bench",
        abstract: "Micro-benchmarks of Sextant's hot paths (run in release: swift run -c release sextant-bench ...).",
        subcommands: [ChunkBench.self, PromQLParseBench.self, EventStoreBench.self, StatisticsBench.self, EventDecodeBench.self, OTLPBench.self, HostCollectorBench.self, AnalyticsBench.self, InsightsAccuracyBench.self, ExpositionBench.self]
    )
}
