import Glibc
import Synchronization
import Testing
@testable import Ingest

/// Disks and file systems: /proc/diskstats with udev data, /proc/mounts and statfs.
@Suite struct HostDiskReaderTests {
    @Test func diskstatsUnitsExclusionsAndUdevLabels() throws {
        var s = HostSamples()
        var disks = try ProcDiskstats()
        let root = try HostFixtures.root
        #expect(try disks.read(proc: root + "/proc", udevData: root + "/run/udev/data", into: &s))
        #expect(s.problems.isEmpty)
        // loop0-7 are excluded; the whole disk vda and zram0 are not.
        #expect(Set(s.entries.compactMap { $0.labels.first { $0.name == "device" }?.value }) == ["vda", "zram0"])
        // 254 0 vda 95683 11257 8834698 191036 39925 94451 7445784 57919 0 32204 252031 9517 0 1433944 2372 5484 702
        let vda = ["device": "vda"]
        #expect(s.value("node_disk_reads_completed_total", vda) == 95_683)
        #expect(s.value("node_disk_reads_merged_total", vda) == 11_257)
        #expect(s.value("node_disk_read_bytes_total", vda) == 8_834_698.0 * 512)
        #expect(s.value("node_disk_read_time_seconds_total", vda) == 191_036.0 * 0.001)
        #expect(s.value("node_disk_writes_completed_total", vda) == 39_925)
        #expect(s.value("node_disk_written_bytes_total", vda) == 7_445_784.0 * 512)
        #expect(s.value("node_disk_write_time_seconds_total", vda) == 57_919.0 * 0.001)
        #expect(s.value("node_disk_io_now", vda) == 0)
        #expect(s.value("node_disk_io_time_seconds_total", vda) == 32_204.0 * 0.001)
        #expect(s.value("node_disk_io_time_weighted_seconds_total", vda) == 252_031.0 * 0.001)
        #expect(s.value("node_disk_discards_completed_total", vda) == 9517)
        #expect(s.value("node_disk_discarded_sectors_total", vda) == 1_433_944)
        #expect(s.value("node_disk_flush_requests_total", vda) == 5484)
        #expect(s.value("node_disk_flush_requests_time_seconds_total", vda) == 702.0 * 0.001)
        #expect(s.entries.filter { $0.labels == [.init("device", "vda")] }.count == 17 + 2)
        #expect(s.value("node_disk_info", ["device": "vda", "major": "254", "minor": "0", "path": "pci-0000:00:04.0",
                                           "wwn": "", "model": "Virtio_Block", "serial": "", "revision": ""]) == 1)
        #expect(s.value("node_disk_filesystem_info", ["device": "vda", "type": "ext4", "usage": "filesystem",
                                                      "uuid": "0f4c6a4e-8d2b-4a61-9c3e-2f1a7f0c9b11", "version": "1.0"]) == 1)
        #expect(s.value("node_disk_ata_rotation_rate_rpm", vda) == 0)
        #expect(s.value("node_disk_ata_write_cache", vda) == 1)
        // Not in the device's udev data.
        #expect(s.value("node_disk_ata_write_cache_enabled", vda) == nil)
        #expect(s.value("node_disk_info", ["device": "zram0", "major": "253", "minor": "0", "path": "", "wwn": "",
                                           "model": "", "serial": "", "revision": ""]) == 1)
    }

    @Test func diskstatsOlderKernelsAndBrokenLines() throws {
        var s = HostSamples()
        var disks = try ProcDiskstats()
        let dir = try TempDirectory()
        try dir.write("diskstats", "8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n8 1 sda1 1 2 3 4\nx 0 sdb 1 2 3 4\n8 16 sdb 1 y 3 4\n")
        #expect(try disks.read(proc: dir.path, udevData: "/nonexistent", into: &s))
        // An 11-column kernel: no discard or flush series.
        #expect(s.entries.filter { $0.labels == [.init("device", "sda")] }.count == 11)
        #expect(s.value("node_disk_io_time_weighted_seconds_total", ["device": "sda"]) == 0.011)
        #expect(s.problems.count == 2)
    }

    @Test func mountsExclusionsEscapesAndRepeats() throws {
        var s = HostSamples()
        var mounts = try ProcMounts()
        let list = try #require(try mounts.read(proc: try HostFixtures.root + "/proc", rootfs: "/", into: &s))
        #expect(list.map(\.mountPoint) == ["/", "/run/user/1000", "/mnt/backup disk"])
        #expect(list.map(\.isReadOnly) == [false, false, true])
        #expect(list.first?.device == "/dev/vda")
        #expect(s.problems.isEmpty)
        var bad = HostSamples()
        #expect(ProcMounts.parse("a b c\n/dev/x /y ext4 rw 0 0\n".bytes, rootfs: "/", into: &bad).count == 1)
        #expect(bad.problems.count == 1)
        #expect(ProcMounts.stripRootfs("/host/var", "/host") == "/var")
        #expect(ProcMounts.stripRootfs("/host", "/host/") == "/")
        #expect(ProcMounts.stripRootfs("/hostile", "/host") == "/hostile")
    }

    @Test func statfsOfRealAndMissingMounts() throws {
        var s = HostSamples()
        let statfs = Statfs(timeout: .seconds(5))
        let mounts = [ProcMounts.Mount(device: "/dev/vda", mountPoint: "/", fsType: "ext4", options: "rw"),
                      ProcMounts.Mount(device: "none", mountPoint: "/nonexistent/mount", fsType: "ext4", options: "ro")]
        statfs.emit(mounts, rootfs: "/", into: &s)
        let root = ["device": "/dev/vda", "fstype": "ext4", "mountpoint": "/"]
        #expect(s.value("node_filesystem_device_error", root) == 0)
        #expect(try #require(s.value("node_filesystem_size_bytes", root)) > 0)
        #expect(try #require(s.value("node_filesystem_avail_bytes", root)) <= (try #require(s.value("node_filesystem_free_bytes", root))))
        #expect(s.value("node_filesystem_readonly", root) == 0)
        let missing = ["device": "none", "fstype": "ext4", "mountpoint": "/nonexistent/mount"]
        #expect(s.value("node_filesystem_device_error", missing) == 1)
        #expect(s.value("node_filesystem_size_bytes", missing) == nil)
    }

    @Test func stuckMountIsReportedAndSkippedUntilItAnswers() async throws {
        let release = Mutex(false)
        let calls = Mutex(0)
        let statfs = Statfs(timeout: .milliseconds(50)) { _ in
            calls.withLock { $0 += 1 }
            while !release.withLock({ $0 }) { usleep(1000) }
            return Statfs.Result(size: 1, free: 1, avail: 1, files: 1, filesFree: 1)
        }
        #expect(statfs.stat(path: "/nfs", mountPoint: "/nfs") == nil)
        // Still hanging: not asked again.
        #expect(statfs.stat(path: "/nfs", mountPoint: "/nfs") == nil)
        for _ in 0..<500 where calls.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(calls.withLock { $0 } == 1)
        release.withLock { $0 = true }
        // Once the pending call returns, the mount is measured again.
        var answer: Statfs.Result?
        for _ in 0..<200 where answer == nil {
            answer = statfs.stat(path: "/nfs", mountPoint: "/nfs")
            if answer == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(answer?.size == 1)
    }
}
