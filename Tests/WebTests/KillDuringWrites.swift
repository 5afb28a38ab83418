import Synchronization

extension ServerProcess {
    /// Streams requests at the server from `writers` concurrent writers (writer w sends
    /// requests w, w + writers, ...) and SIGKILLs it mid-stream: once `killAfter` requests were
    /// acknowledged (however slow the machine is), or after 60 s. `send` posts request n and
    /// returns how many items the server acknowledged, nil when it did not (that writer stops).
    /// Returns the acknowledged requests: request number -> items in it.
    func kill9DuringWrites(writers: Int = 2, killAfter: Int = 40, _ send: @escaping @Sendable (Int) async -> Int?) async -> [Int: Int] {
        let acked = AckedRequests()
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var n = writer
                    while let items = await send(n) {
                        acked.map.withLock { $0[n] = items }
                        n += writers
                    }
                }
            }
            group.addTask {
                let deadline = ContinuousClock.now + .seconds(60)
                while acked.map.withLock({ $0.count }) < killAfter && ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                self.kill9()
            }
        }
        return acked.map.withLock { $0 }
    }
}

final class AckedRequests: Sendable {
    let map = Mutex<[Int: Int]>([:])
}
