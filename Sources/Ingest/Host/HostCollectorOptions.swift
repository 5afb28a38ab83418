import Glibc

/// Where the host collector reads: the roots of /proc and /sys, the host's root file system and
/// udev's database. Tests point them at fixture trees; a containerised Sextant can point them at
/// the host's, mounted elsewhere (node_exporter's `--path.procfs`, `--path.sysfs`, `--path.rootfs`,
/// `--path.udev.data`).
public struct HostPaths: Sendable {
    public var proc = "/proc"
    public var sys = "/sys"
    /// File systems are measured at `rootfs` + mount point.
    public var rootfs = "/"
    public var udevData = "/run/udev/data"

    public init() {}
}

/// How the host collector runs and labels what it stores.
public struct HostCollectorOptions: Sendable {
    /// Time between collections (Prometheus' usual scrape interval for node_exporter).
    public var interval: Duration = .seconds(15)
    /// `instance` of the `job="node"` series: the host name, as node_exporter's target would be
    /// named without its port.
    public var nodeInstance: String = HostCollectorOptions.hostName()
    /// `instance` of the `job="sextant"` series (Sextant's own process): the listen address
    /// HOST:PORT, as the self-scrape of /metrics labels them.
    public var selfInstance: String
    public var paths = HostPaths()
    /// Longest wait for one file system's statfs before it is reported with `device_error` 1.
    public var mountTimeout: Duration = .seconds(5)

    public init(selfInstance: String) {
        self.selfInstance = selfInstance
    }

    /// The host name as gethostname(2) gives it (what Go's `os.Hostname` returns on Linux).
    public static func hostName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
