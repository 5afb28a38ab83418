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
    /// which makes writes fail as on a full disk. `arguments` are added to `serve`'s; by default
    /// the host collector and the self-scrape are off, since their samples (at the current time)
    /// would move the retention window past the fixed timestamps tests write.
    init(data: String, port: Int, fileSizeLimitKiB: Int? = nil,
         arguments: [String] = ["--collect.host=false", "--collect.self=false"]) throws {
        self.port = port
        base = "http://127.0.0.1:\(port)"
        let bin = ServerProcess.binary
        guard FileManager.default.isExecutableFile(atPath: bin) else {
            throw TestFailure("the sextant binary is not built at \(bin): run `swift build` before `swift test`")
        }
        let args = ["serve", "--data", data, "--listen", "127.0.0.1:\(port)", "--log-level", "warning"] + arguments
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

    /// Waits until `/-/ready` answers 200. Gives up only after `timeout` seconds *and* 300 tries:
    /// while CPU-bound tests run in parallel, this task may get no thread for a long stretch,
    /// and a wall-clock deadline alone would fail a server that was up all along. Ten minutes
    /// is the hard limit.
    func waitReady(timeout: Double = 60) async throws {
        let start = Date()
        var tries = 0
        while tries < 300 || Date().timeIntervalSince(start) < timeout {
            if Date().timeIntervalSince(start) > 600 { break }
            if !process.isRunning { throw TestFailure("server exited with status \(process.terminationStatus)") }
            if let (_, status) = try? await get("/-/ready"), status == 200 { return }
            tries += 1
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("server not ready after \(Int(Date().timeIntervalSince(start)))s and \(tries) tries")
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
