import Synchronization

/// Bounds how many queries evaluate at once (Prometheus's `--query.max-concurrency`); the rest
/// wait in arrival order. A query that waits longer than its timeout gives up, and Prometheus
/// reports that as "query timed out in query queue".
///
/// Safe to use from any number of tasks.
final class QueryGate: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var free: Int
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>
    let limit: Int

    init(limit: Int) {
        precondition(limit > 0)
        self.limit = limit
        state = Mutex(State(free: limit))
    }

    /// Takes a slot, waiting up to `timeout` for one; false when none came in time. Every `true`
    /// must be matched by one `leave()`.
    func enter(timeout: Duration) async -> Bool {
        await withCheckedContinuation { continuation in
            // Checking for a free slot and queueing happen under one lock, so a `leave()` can
            // never slip in between and leave a waiter asleep beside a free slot.
            let queued: UInt64? = state.withLock { s in
                if s.free > 0 {
                    s.free -= 1
                    return nil
                }
                s.nextID += 1
                s.waiters.append(Waiter(id: s.nextID, continuation: continuation))
                return s.nextID
            }
            guard let id = queued else {
                continuation.resume(returning: true)
                return
            }
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
        }
    }

    /// Gives a slot back, to the longest waiter if there is one.
    func leave() {
        let next: Waiter? = state.withLock { s in
            if s.waiters.isEmpty {
                s.free += 1
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.continuation.resume(returning: true)
    }

    /// Queries waiting for a slot.
    var waiting: Int { state.withLock { $0.waiters.count } }

    private func expire(_ id: UInt64) {
        let gone: Waiter? = state.withLock { s in
            guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiters.remove(at: i)
        }
        gone?.continuation.resume(returning: false)
    }
}
