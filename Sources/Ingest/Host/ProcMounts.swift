/// /proc/1/mounts (or /proc/mounts when PID 1's is hidden): the mounts node_exporter's
/// `filesystem` collector reports, after its default exclusions.
struct ProcMounts: Sendable {
    struct Mount: Sendable, Hashable {
        var device: String
        var mountPoint: String
        var fsType: String
        /// Mount options, comma-separated (`rw,relatime`); `ro` among them makes it read-only.
        var options: String

        var isReadOnly: Bool { options.split(separator: ",").contains("ro") }
    }

    /// node_exporter 1.5's `--collector.filesystem.mount-points-exclude` default: kernel and
    /// runtime file systems and container storage.
    static let excludedMountPoints = "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)"
    /// Its `--collector.filesystem.fs-types-exclude` default: virtual file systems.
    static let excludedFSTypes = "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$"

    private var mountPoints: NamePattern
    private var fsTypes: NamePattern

    init() throws {
        mountPoints = try NamePattern(Self.excludedMountPoints)
        fsTypes = try NamePattern(Self.excludedFSTypes)
    }

    /// The mounts to report, in file order, without exclusions and repeats.
    ///
    /// `rootfs` is where the host's root is seen (`/` unless Sextant runs in a container with the
    /// host's root mounted elsewhere); mount points are reported as the host sees them.
    mutating func read(proc: String, rootfs: String, into samples: inout HostSamples) throws -> [Mount]? {
        // PID 1's view is the host's when Sextant runs in a container sharing it; hidepid or a
        // foreign PID 1 may hide it, and then our own view has to do.
        let pid1 = try? ProcFile.read(proc + "/1/mounts")
        guard let bytes = try pid1 ?? ProcFile.read(proc + "/mounts") else { return nil }
        var out: [Mount] = []
        var seen: Set<Mount> = []
        for mount in Self.parse(bytes, rootfs: rootfs, into: &samples) {
            if mountPoints.matches(mount.mountPoint) || fsTypes.matches(mount.fsType) { continue }
            var key = mount
            key.options = ""
            if seen.insert(key).inserted { out.append(mount) }
        }
        return out
    }

    /// Every line of a mounts file; lines with fewer than four fields are skipped and noted.
    static func parse(_ bytes: [UInt8], rootfs: String, into samples: inout HostSamples) -> [Mount] {
        var out: [Mount] = []
        for line in bytes.procLines {
            let parts = Array(line.fields.prefix(4))
            guard parts.count == 4 else {
                samples.malformed("mounts: bad line \"\(line.string)\"")
                continue
            }
            // fstab(5) escapes; node_exporter undoes the space and the tab in mount points only.
            let mountPoint = parts[1].string.replacing("\\040", with: " ").replacing("\\011", with: "\t")
            out.append(Mount(device: parts[0].string, mountPoint: stripRootfs(mountPoint, rootfs),
                             fsType: parts[2].string, options: parts[3].string))
        }
        return out
    }

    /// The mount point as seen from the host when its root is mounted at `rootfs`.
    static func stripRootfs(_ path: String, _ rootfs: String) -> String {
        let root = rootfs.hasSuffix("/") ? String(rootfs.dropLast()) : rootfs
        if root.isEmpty || !path.hasPrefix(root) { return path }
        let rest = String(path.dropFirst(root.count))
        if rest.isEmpty { return "/" }
        return rest.hasPrefix("/") ? rest : path
    }
}
