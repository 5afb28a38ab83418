import Foundation
import Glibc

extension DB {
    /// Writes a consistent copy of everything held into `snapshots/NAME` and returns NAME.
    ///
    /// With `withHead` the head is first cut into blocks, so the copy holds every sample
    /// acknowledged before the call. Blocks are immutable, so the copy is made of hard links and
    /// costs no extra disk until the originals are compacted away.
    public func snapshot(withHead: Bool = true) throws -> String {
        try maintenanceLock.withLock { _ in
            if withHead && head.sampleCount > 0 { try cutHead() }
            let blocks = state.withLock { $0.blocks }
            let name = DB.snapshotName()
            let root = directory + "/" + DBFiles.snapshots + "/" + name
            let tmp = root + ".tmp"
            try DB.makeDirectory(tmp)
            for b in blocks {
                let id = (b.directory as NSString).lastPathComponent
                let dst = tmp + "/" + id
                try DB.makeDirectory(dst)
                let files = (try? FileManager.default.contentsOfDirectory(atPath: b.directory)) ?? []
                for f in files where link(b.directory + "/" + f, dst + "/" + f) != 0 {
                    // Hard links fail across file systems; fall back to a copy.
                    do {
                        try FileManager.default.copyItem(atPath: b.directory + "/" + f, toPath: dst + "/" + f)
                    } catch {
                        throw TSDBError(.io, "cannot copy \(b.directory)/\(f) into the snapshot", cause: error as NSError)
                    }
                }
            }
            guard rename(tmp, root) == 0 else {
                throw TSDBError(.io, "cannot rename \(tmp) to \(root): \(String(cString: strerror(errno)))")
            }
            logger.info("snapshot \(name) written", metadata: ["blocks": "\(blocks.count)"])
            return name
        }
    }

    /// `20261123T140512Z-1a2b3c4d5e6f7a8b`, as Prometheus names snapshots.
    static func snapshotName() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: Date()) + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }
}
