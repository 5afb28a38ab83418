import ArgumentParser
import Foundation
import PromQL
import PromQLTest

/// `sextant promqltest FILE...`: runs Prometheus's PromQL test scripts against Sextant's engine.
struct PromQLTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promqltest",
        abstract: "Run PromQL test scripts (Prometheus's promqltest format) against Sextant's engine and storage."
    )

    @Argument(help: "Test script files.") var files: [String]

    func run() throws {
        var passed = 0, failed = 0, skipped = 0
        let engine = Engine()
        for file in files {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                print("\(file): cannot read: \(error.localizedDescription)")
                failed += 1
                continue
            }
            let report: TestReport
            do {
                report = try TestScript.parse(text, name: (file as NSString).lastPathComponent).run(engine: engine)
            } catch {
                print("\(file): \(error)")
                failed += 1
                continue
            }
            if report.failed > 0 { print(report.failureDetails) }
            print(report.summary)
            passed += report.passed
            failed += report.failed
            skipped += report.skipped
        }
        print("\(passed) passed, \(failed) failed, \(skipped) skipped")
        if failed > 0 { throw ExitCode(1) }
    }
}
