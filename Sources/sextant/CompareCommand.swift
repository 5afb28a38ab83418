import ArgumentParser
import Foundation
import Insights

/// `sextant compare A.txt B.txt`: compares two benchmark runs for a CI pipeline. Exit status
/// 1 on a regression, 0 otherwise (improved or unchanged), 2 when a file or an option is bad.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two files of numbers (e.g. benchmark timings); exit 1 on a regression.",
        discussion: """
            Each file holds numbers one per line or separated by whitespace or commas; '#' starts a comment. \
            By default larger is worse (timings, memory); pass --higher-is-better for throughput. The verdict \
            rule: regressed when Mann-Whitney p < alpha, |Cohen's d| >= min effect and |change of the mean| >= \
            min change percent, in the bad direction (docs/insights.md). Exit status: 1 regressed, 0 improved \
            or unchanged, 2 bad input.
            """
    )

    @Argument(help: "The baseline run's numbers.") var baseline: String
    @Argument(help: "The current run's numbers.") var current: String
    @Flag(name: .customLong("higher-is-better"), help: "Larger values are better (throughput, hit rate).")
    var higherIsBetter = false
    @Option(help: "Significance level for Mann-Whitney's two-sided p.") var alpha = 0.05
    @Option(name: .customLong("min-effect"), help: "Smallest |Cohen's d| that counts as a change.") var minEffect = 0.3
    @Option(name: .customLong("min-change"), help: "Smallest |change of the mean| in percent that counts.") var minChange = 1.0

    /// Largest file read, so a wrong path (a disk image, a log) fails fast instead of filling memory.
    static let maxFileBytes = 64 << 20

    func run() throws {
        let comparison: Comparison
        do {
            let a = try Self.read(baseline), b = try Self.read(current)
            let rule = VerdictRule(alpha: alpha, minEffect: minEffect, minChangePercent: minChange, higherIsBetter: higherIsBetter)
            comparison = try Comparison(baseline: a, current: b, rule: rule)
        } catch {
            FileHandle.standardError.write(Data("sextant compare: \(error)\n".utf8))
            throw ExitCode(2)
        }
        print(comparison.report(baselineName: (baseline as NSString).lastPathComponent,
                                currentName: (current as NSString).lastPathComponent), terminator: "")
        if comparison.verdict == .regressed { throw ExitCode(1) }
    }

    static func read(_ path: String) throws -> [Double] {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > maxFileBytes {
            throw InsightsError(.tooLarge, "\(path): \(size) bytes; at most \(maxFileBytes) are read")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InsightsError(.invalidInput, "\(path): cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InsightsError(.invalidInput, "\(path): not UTF-8 text")
        }
        return try NumberList.parse(text, name: path)
    }
}
