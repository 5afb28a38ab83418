import Testing
@testable import Ingest

/// Sextant's own process, the kernel's names, the clock and /sys/devices/system/cpu.
@Suite struct HostSystemReaderTests {
    @Test func processMetricsFromSelf() throws {
        var s = HostSamples()
        #expect(try ProcSelf.read(proc: try HostFixtures.root + "/proc", bootTime: 1_796_110_683, into: &s))
        #expect(s.problems.isEmpty)
        // 29116 (cat) R ... utime 0 stime 0 ... starttime 129548 vsize 3133440 rss 386
        #expect(s.value("process_cpu_seconds_total", target: .sextant) == 0)
        #expect(s.value("process_start_time_seconds", target: .sextant) == 1_796_110_683 + 1295.48)
        #expect(s.value("process_virtual_memory_bytes", target: .sextant) == 3_133_440)
        #expect(s.value("process_resident_memory_bytes", target: .sextant) == 386 * ProcSockstat.pageSize)
        #expect(s.value("process_open_fds", target: .sextant) == 3)
        #expect(s.value("process_max_fds", target: .sextant) == 20000)
        #expect(s.value("process_virtual_memory_max_bytes", target: .sextant) == 18_446_744_073_709_551_615)
        #expect(s.entries.allSatisfy { $0.target == .sextant })
    }

    @Test func processStatWithAwkwardCommandName() {
        var s = HostSamples()
        let fields = (3...24).map { String($0) }.joined(separator: " ")
        ProcSelf.parseStat("7 (a) b (c)) \(fields)\n".bytes, bootTime: nil, into: &s)
        // utime is field 14, stime 15: (14 + 15) ticks.
        #expect(s.value("process_cpu_seconds_total", target: .sextant) == 0.29)
        #expect(s.value("process_virtual_memory_bytes", target: .sextant) == 23)
        #expect(s.value("process_start_time_seconds", target: .sextant) == nil)
        var bad = HostSamples()
        ProcSelf.parseStat("7 (a) R 1 2\n".bytes, bootTime: 0, into: &bad)
        ProcSelf.parseStat("garbage".bytes, bootTime: 0, into: &bad)
        ProcSelf.parseLimits("Max open files   lots   lots   files\n".bytes, into: &bad)
        #expect(bad.entries.isEmpty)
        #expect(bad.problems.count == 3)
    }

    @Test func unameInfo() throws {
        var s = HostSamples()
        let names = try #require(Uname.read())
        Uname.emit(names, into: &s)
        #expect(names.sysname == "Linux")
        #expect(s.value("node_uname_info", ["sysname": "Linux", "release": names.release, "version": names.version,
                                            "machine": names.machine, "nodename": names.nodename,
                                            "domainname": names.domainname]) == 1)
        #expect(names.nodename == HostCollectorOptions.hostName())
    }

    @Test func timeZoneAndClockSources() throws {
        var s = HostSamples()
        try SystemTime.read(sys: try HostFixtures.root + "/sys", now: 1_796_111_757.5, into: &s)
        #expect(s.value("node_time_seconds") == 1_796_111_757.5)
        #expect(s.entries.contains { $0.name == "node_time_zone_offset_seconds" && $0.labels.first?.name == "time_zone" })
        #expect(s.value("node_time_clocksource_available_info", ["device": "0", "clocksource": "tsc"]) == 1)
        #expect(s.value("node_time_clocksource_available_info", ["device": "0", "clocksource": "kvm-clock"]) == 1)
        #expect(s.value("node_time_clocksource_current_info", ["device": "0", "clocksource": "tsc"]) == 1)
    }

    @Test func throttlesAndIsolatedCPUs() throws {
        var s = HostSamples()
        try SysDevicesCPU.read(sys: try HostFixtures.root + "/sys", into: &s)
        #expect(s.value("node_cpu_isolated", ["cpu": "1"]) == 1)
        #expect(s.value("node_cpu_core_throttles_total", ["package": "0", "core": "0"]) == 7)
        #expect(s.value("node_cpu_package_throttles_total", ["package": "0"]) == 3)
        // cpu1 has no thermal_throttle directory.
        #expect(s.entries.count == 3)
        #expect(SysDevicesCPU.parseCPUList("0-2,5") == [0, 1, 2, 5])
        #expect(SysDevicesCPU.parseCPUList("3-1") == nil)
        #expect(SysDevicesCPU.parseCPUList("a") == nil)
        #expect(SysDevicesCPU.isCPUDirectory("cpu12") && !SysDevicesCPU.isCPUDirectory("cpufreq"))
    }
}
