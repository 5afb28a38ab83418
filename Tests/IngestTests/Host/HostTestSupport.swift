import Foundation
import Testing
@testable import Ingest

/// The fixture tree: files copied from a Linux VM's /proc and /sys (see Fixtures/README.md).
enum HostFixtures {
    static var root: String {
        get throws {
            let url = try #require(Bundle.module.resourceURL)
            return url.appendingPathComponent("Fixtures").path
        }
    }

    static var paths: HostPaths {
        get throws {
            let root = try root
            var p = HostPaths()
            p.proc = root + "/proc"
            p.sys = root + "/sys"
            p.udevData = root + "/run/udev/data"
            return p
        }
    }

    /// A fixture file's bytes, e.g. `proc/meminfo`.
    static func bytes(_ path: String) throws -> [UInt8] {
        try #require(ProcFile.read(try root + "/" + path))
    }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}

/// A fresh directory under /tmp, removed when the value goes away.
final class TempDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "sextant-host-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` (a relative path; directories are made as needed).
    func write(_ name: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
