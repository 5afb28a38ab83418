/// The outcome of running one test script.
public struct TestReport: Sendable {
    public enum Status: String, Sendable {
        case passed, failed, skipped
    }

    /// One `eval` command (or a script-level problem, with line 0 or the offending line).
    public struct Case: Sendable {
        /// 1-based line of the command in the script.
        public var line: Int
        public var query: String
        public var status: Status
        /// Why it failed or was skipped; includes what was expected and what came back.
        public var message: String
    }

    public var name: String
    public var cases: [Case] = []

    public init(name: String) {
        self.name = name
    }

    public var passed: Int { cases.count { $0.status == .passed } }
    public var failed: Int { cases.count { $0.status == .failed } }
    public var skipped: Int { cases.count { $0.status == .skipped } }

    /// `name: N passed, N failed, N skipped`.
    public var summary: String { "\(name): \(passed) passed, \(failed) failed, \(skipped) skipped" }

    /// Every failure, one per line: `name:line: query: message`.
    public var failureDetails: String {
        cases.filter { $0.status == .failed }
            .map { "\(name):\($0.line): \($0.query): \($0.message)" }
            .joined(separator: "\n")
    }
}
