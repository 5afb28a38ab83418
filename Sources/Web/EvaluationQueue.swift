import Dispatch
import Synchronization

/// Where usage analyses run: on a dispatch queue, not on Swift's cooperative pool, so that
/// long evaluations (two would fill a 2-core machine's pool) never starve request handling
/// and ingestion. A `QueryGate` bounds how many run at once (`--query.max-concurrency`, a gate
/// of their own beside PromQL's); the others wait in arrival order.
///
/// Safe to use from any number of tasks.
final class EvaluationQueue: Sendable {
    let gate: QueryGate
    static let queue = DispatchQueue(label: "sextant.analytics", attributes: .concurrent)

    init(maxConcurrency: Int) {
        gate = QueryGate(limit: maxConcurrency)
    }

    /// Waits up to `timeout` for a slot, then runs `body` on the queue. The answer is a timeout
    /// error once `timeout` is up even if `body` is still running (an analysis cannot stop
    /// itself); `body` keeps its slot until it really ends, so the gate still bounds the
    /// threads in use.
    /// - Throws: `APIError(.timeout)` when no slot came in time ("... timed out in query
    ///   queue", as Prometheus says) or the work overran; otherwise what `body` threw.
    func run<T: Sendable>(timeout: Duration, what: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let queued = ContinuousClock.now
        guard await gate.enter(timeout: timeout) else {
            throw APIError(.timeout, "\(what) timed out in query queue")
        }
        let remaining = timeout - (ContinuousClock.now - queued)
        let gate = self.gate
        return try await withCheckedThrowingContinuation { continuation in
            let once = ResumeOnce(continuation)
            once.timer = Task {
                try await Task.sleep(for: remaining)
                once.resume(.failure(APIError(.timeout, "\(what) timed out after \(timeout)")))
            }
            EvaluationQueue.queue.async {
                let result = Result { try body() }
                gate.leave()
                once.resume(result)
            }
        }
    }
}

/// Resumes a continuation exactly once, whichever of the work and its timer comes first.
private final class ResumeOnce<T: Sendable>: Sendable {
    private let state: Mutex<CheckedContinuation<T, any Error>?>
    private let timerTask = Mutex<Task<Void, any Error>?>(nil)

    init(_ continuation: CheckedContinuation<T, any Error>) {
        state = Mutex(continuation)
    }

    var timer: Task<Void, any Error>? {
        get { timerTask.withLock { $0 } }
        set { timerTask.withLock { $0 = newValue } }
    }

    func resume(_ result: Result<T, any Error>) {
        guard let c = state.withLock({ s -> CheckedContinuation<T, any Error>? in
            defer { s = nil }
            return s
        }) else { return }
        timer?.cancel()
        c.resume(with: result)
    }
}
