import Foundation
import Testing

/// `sextant compare A.txt B.txt` as a CI pipeline runs it: the built binary on two files.
@Suite struct CompareCommandTests {
    struct Run {
        let status: Int32
        let output: String
        let errors: String
    }

    func compare(_ baseline: String, _ current: String, _ flags: [String] = []) throws -> Run {
        let dir = NSTemporaryDirectory() + "sextant-compare-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = dir + "/before.txt", b = dir + "/after.txt"
        try baseline.write(toFile: a, atomically: true, encoding: .utf8)
        try current.write(toFile: b, atomically: true, encoding: .utf8)
        let bin = ServerProcess.binary
        guard FileManager.default.isExecutableFile(atPath: bin) else {
            throw TestFailure("the sextant binary is not built at \(bin): run `swift build` before `swift test`")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = ["compare", a, b] + flags
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                   errors: String(decoding: errors, as: UTF8.self))
    }

    /// Benchmark timings in ms: 40 runs around 100 (one per line), then 40 around `mean`
    /// (whitespace-separated, with a comment).
    func timings(_ mean: Double, seed: UInt64, oneLine: Bool) -> String {
        var noise = TestNoise(seed: seed)
        let values = (0..<40).map { _ in String(format: "%.3f", noise.gaussian(mean: mean, sd: 3)) }
        return oneLine ? "# ms per run\n" + values.joined(separator: " ") + "\n" : values.joined(separator: "\n") + "\n"
    }

    @Test func regressionExitsOne() throws {
        let run = try compare(timings(100, seed: 1, oneLine: false), timings(110, seed: 2, oneLine: true))
        #expect(run.status == 1, "\(run.output)\(run.errors)")
        for text in ["mean", "median", "p50", "p95", "p99", "Welch t =", "Mann-Whitney U =", "Cohen's d =", "regressed: Mann-Whitney p ="] {
            #expect(run.output.contains(text), "missing \(text) in\n\(run.output)")
        }
        #expect(run.output.contains("lower is better"))
        // The same numbers as throughput: higher is better, so an improvement.
        let better = try compare(timings(100, seed: 1, oneLine: false), timings(110, seed: 2, oneLine: true), ["--higher-is-better"])
        #expect(better.status == 0)
        #expect(better.output.contains("improved: "))
    }

    @Test func noChangeExitsZero() throws {
        let run = try compare(timings(100, seed: 3, oneLine: false), timings(100, seed: 4, oneLine: false))
        #expect(run.status == 0, "\(run.output)\(run.errors)")
        #expect(run.output.contains("unchanged: "))
    }

    @Test func badInputExitsTwoNamingFileAndLine() throws {
        let run = try compare("1\n2\n3\n", "4\n5\n12ms\n")
        #expect(run.status == 2)
        #expect(run.errors.contains("after.txt:3: \"12ms\" is not a number"), "\(run.errors)")
        let empty = try compare("# nothing\n", "1 2 3\n")
        #expect(empty.status == 2)
        #expect(empty.errors.contains("before.txt: no numbers found"), "\(empty.errors)")
        let single = try compare("1\n", "1 2 3\n")
        #expect(single.status == 2)
        #expect(single.errors.contains("baseline has 1 values"), "\(single.errors)")
    }
}
