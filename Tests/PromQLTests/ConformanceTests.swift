import Foundation
import Testing
@testable import PromQL
import PromQLTest

/// Runs Prometheus's own PromQL test scripts (shared/conformance/promql next to the package) and
/// requires every evaluation to pass or be skipped (native histograms).
@Suite struct ConformanceTests {
    /// `<package root>/../shared/conformance/promql`; the package root is three levels above this file.
    static var scriptDirectory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // PromQLTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .deletingLastPathComponent()
            .appendingPathComponent("shared/conformance/promql")
    }

    static var scripts: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: scriptDirectory.path)) ?? []
        return files.filter { $0.hasSuffix(".test") }.sorted()
    }

    @Test func scriptDirectoryExists() {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: Self.scriptDirectory.path, isDirectory: &isDir)
        #expect(exists && isDir.boolValue, "conformance scripts not found: looked in \(Self.scriptDirectory.path)")
        #expect(!Self.scripts.isEmpty, "no .test scripts in \(Self.scriptDirectory.path)")
    }

    @Test(arguments: ConformanceTests.scripts)
    func script(_ file: String) throws {
        let text = try String(contentsOf: Self.scriptDirectory.appendingPathComponent(file), encoding: .utf8)
        let script = try TestScript.parse(text, name: file)
        let report = script.run(engine: Engine())
        print(report.summary)
        #expect(report.failed == 0, "\(report.summary)\n\(report.failureDetails)")
    }
}
