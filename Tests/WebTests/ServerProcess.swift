import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `sextant` binary running as a child process on loopback, for end-to-end tests.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let base: String

    /// The binary `swift build` put next to the test bundle.
    static var binary: String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The test runner may live inside `X.xctest/` or beside it.
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("sextant").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("sextant").path
    }

    /// Starts the server; with `fileSizeLimitKiB` every file it writes is capped at that size,
    /// which makes writes fail as on a full disk.
    init(data: String, port: Int, fileSizeLimitKiB: Int? = nil) throws {
        self.port = port
        base = "http://127.0.0.1:\(port)"
        let bin = ServerProcess.binary
        guard FileManager.default.isExecutableFile(atPath: bin) else {
            throw TestFailure("the sextant binary is not built at \(bin): run `swift build` before `swift test`")
        }
        let args = ["serve", "--data", data, "--listen", "127.0.0.1:\(port)", "--log-level", "warning"]
        if let limit = fileSizeLimitKiB {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "ulimit -f \(limit) && exec \"$0\" \"$@\"", bin] + args
        } else {
            process.executableURL = URL(fileURLWithPath: bin)
            process.arguments = args
        }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until `/-/ready` answers 200.
    func waitReady(timeout: Double = 60) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !process.isRunning { throw TestFailure("server exited with status \(process.terminationStatus)") }
            if let (_, status) = try? await get("/-/ready"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("server not ready after \(timeout)s")
    }

    /// A test that fails early must not leave its server running (it would also hold the test
    /// runner's output pipe open, and the runner would wait for it forever).
    deinit {
        if process.isRunning { kill9() }
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func get(_ path: String, query: [String: String] = [:]) async throws -> (Data, Int) {
        var url = URLComponents(string: base + path)!
        if !query.isEmpty { url.queryItems = query.map { URLQueryItem(name: $0.key, value: $0.value) } }
        var req = URLRequest(url: url.url!)
        req.timeoutInterval = 30
        let (data, resp) = try await URLSession.shared.data(for: req)
        return (data, (resp as? HTTPURLResponse)?.statusCode ?? 0)
    }

    func post(_ path: String, body: Data, headers: [String: String]) async throws -> (Data, Int) {
        var req = URLRequest(url: URL(string: base + path)!)
        req.httpMethod = "POST"
        req.httpBody = body
        req.timeoutInterval = 30
        for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
        let (data, resp) = try await URLSession.shared.data(for: req)
        return (data, (resp as? HTTPURLResponse)?.statusCode ?? 0)
    }

    static func freePort() -> Int { Int.random(in: 20_000...60_000) }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
