import Dispatch
import Glibc
import Synchronization
import TSDB

/// statfs(2) of each mount (through statvfs(3)): node_exporter's `filesystem` collector (`node_filesystem_size_bytes`,
/// `free_bytes`, `avail_bytes`, `files`, `files_free`, `readonly`, `device_error`).
///
/// A statfs on a dead network mount can block for minutes. Each call runs on a Dispatch worker
/// and is waited for at most `timeout`; a mount that does not answer is reported with
/// `device_error` 1 and not asked again until its pending call returns, as node_exporter does.
final class Statfs: Sendable {
    let timeout: Duration
    /// The system call; tests put a slow one in its place.
    private let measure: @Sendable (String) -> Result?
    /// Mount points whose statfs has not returned yet.
    private let stuck = Mutex<Set<String>>([])

    init(timeout: Duration, measure: @escaping @Sendable (String) -> Result? = Statfs.system) {
        self.timeout = timeout
        self.measure = measure
    }

    struct Result: Sendable {
        var size = 0.0, free = 0.0, avail = 0.0, files = 0.0, filesFree = 0.0
    }

    func emit(_ mounts: [ProcMounts.Mount], rootfs: String, into samples: inout HostSamples) {
        for m in mounts {
            let labels = [Label("device", m.device), Label("fstype", m.fsType), Label("mountpoint", m.mountPoint)]
            guard let r = stat(path: join(rootfs, m.mountPoint), mountPoint: m.mountPoint) else {
                samples.add("node_filesystem_device_error", 1, labels)
                continue
            }
            samples.add("node_filesystem_device_error", 0, labels)
            samples.add("node_filesystem_size_bytes", r.size, labels)
            samples.add("node_filesystem_free_bytes", r.free, labels)
            samples.add("node_filesystem_avail_bytes", r.avail, labels)
            samples.add("node_filesystem_files", r.files, labels)
            samples.add("node_filesystem_files_free", r.filesFree, labels)
            samples.add("node_filesystem_readonly", m.isReadOnly ? 1 : 0, labels)
        }
    }

    /// The mount's figures, or nil when statfs failed or is stuck.
    func stat(path: String, mountPoint: String) -> Result? {
        if stuck.withLock({ $0.contains(mountPoint) }) { return nil }
        let call = Call()
        DispatchQueue.global().async { [self] in
            let r = measure(path)
            let abandoned = call.state.withLock { s in
                s.done = true
                s.result = r
                return s.abandoned
            }
            // The mount answered after all: monitor it again from the next collection.
            if abandoned { _ = stuck.withLock { $0.remove(mountPoint) } }
            call.finished.signal()
        }
        let (seconds, atto) = timeout.components
        let wait = DispatchTime.now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(atto / 1_000_000_000))
        _ = call.finished.wait(timeout: wait)
        return call.state.withLock { st -> Result? in
            if st.done { return st.result }
            st.abandoned = true
            stuck.withLock { _ = $0.insert(mountPoint) }
            return nil
        }
    }

    /// statvfs(3) is statfs(2) with the same block counts and sizes (glibc copies them); sizes
    /// are blocks times the block size, as node_exporter computes them.
    @Sendable static func system(_ path: String) -> Result? {
        var buf = Glibc.statvfs()
        guard statvfs(path, &buf) == 0 else { return nil }
        let bsize = Double(buf.f_bsize)
        return Result(size: Double(buf.f_blocks) * bsize, free: Double(buf.f_bfree) * bsize,
                      avail: Double(buf.f_bavail) * bsize, files: Double(buf.f_files), filesFree: Double(buf.f_ffree))
    }

    private final class Call: Sendable {
        struct State {
            var done = false
            var abandoned = false
            var result: Result?
        }
        let state = Mutex(State())
        let finished = DispatchSemaphore(value: 0)
    }

    private func join(_ root: String, _ path: String) -> String {
        if root == "/" || root.isEmpty { return path }
        return (root.hasSuffix("/") ? String(root.dropLast()) : root) + path
    }
}
