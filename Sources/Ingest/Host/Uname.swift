import Glibc
import TSDB

/// uname(2): node_exporter's `uname` collector, `node_uname_info` with the kernel's names as
/// labels and the value 1.
enum Uname {
    struct Names: Sendable, Equatable {
        var sysname = "", release = "", version = "", machine = "", nodename = "", domainname = ""
    }

    static func read() -> Names? {
        var u = utsname()
        guard uname(&u) == 0 else { return nil }
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        return Names(sysname: text(u.sysname), release: text(u.release), version: text(u.version),
                     machine: text(u.machine), nodename: text(u.nodename), domainname: text(u.__domainname))
    }

    static func emit(_ n: Names, into samples: inout HostSamples) {
        samples.add("node_uname_info", 1, [
            Label("domainname", n.domainname), Label("machine", n.machine), Label("nodename", n.nodename),
            Label("release", n.release), Label("sysname", n.sysname), Label("version", n.version),
        ])
    }
}
