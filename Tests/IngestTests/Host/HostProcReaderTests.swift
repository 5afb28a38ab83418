import Testing
@testable import Ingest

/// The readers of /proc's system-wide files, over fixture text and broken input.
@Suite struct HostProcReaderTests {
    @Test func statCPUSecondsAndKernelCounters() throws {
        var s = HostSamples()
        let stat = ProcStat.parse(try HostFixtures.bytes("proc/stat"), into: &s)
        var cpu = CPUCollector()
        cpu.emit(stat, into: &s)
        stat.emitStat(into: &s)
        #expect(s.problems.isEmpty)
        // cpu0 63298 0 8800 56605 166 0 20 453 0 0 (ticks of 1/100 s)
        #expect(s.value("node_cpu_seconds_total", ["cpu": "0", "mode": "user"]) == 632.98)
        #expect(s.value("node_cpu_seconds_total", ["cpu": "0", "mode": "idle"]) == 566.05)
        #expect(s.value("node_cpu_seconds_total", ["cpu": "1", "mode": "steal"]) == 4.72)
        #expect(s.value("node_cpu_guest_seconds_total", ["cpu": "1", "mode": "nice"]) == 0)
        #expect(s.entries.filter { $0.name == "node_cpu_seconds_total" }.count == 16)
        #expect(s.value("node_boot_time_seconds") == 1_796_110_683)
        #expect(s.value("node_context_switches_total") == 922_871)
        #expect(s.value("node_forks_total") == 29_101)
        #expect(s.value("node_intr_total") == 688_670)
        #expect(s.value("node_procs_running") == 9)
        #expect(s.value("node_procs_blocked") == 0)
    }

    @Test func statSkipsMalformedLines() {
        var s = HostSamples()
        let text = "cpu  1 2 3 4\ncpu0 100 x 3 4\ncpu1 100 0 0 200\ncpuX 1 2\nctxt\nbtime 17\nintr 5 1 2 3\n"
        let stat = ProcStat.parse(text.bytes, into: &s)
        #expect(stat.cpus == [ProcStat.CPU(id: 1, ticks: [100, 0, 0, 200, 0, 0, 0, 0, 0, 0])])
        #expect(stat.bootTime == 17)
        #expect(stat.interrupts == 5)
        #expect(stat.contextSwitches == nil)
        #expect(s.problems.count == 3)
    }

    @Test func cpuSecondsNeverGoBackwardsUnlessHotplugged() {
        var cpu = CPUCollector()
        func seconds(_ text: String) -> (idle: Double?, iowait: Double?) {
            var s = HostSamples()
            cpu.emit(ProcStat.parse(text.bytes, into: &s), into: &s)
            return (s.value("node_cpu_seconds_total", ["cpu": "0", "mode": "idle"]),
                    s.value("node_cpu_seconds_total", ["cpu": "0", "mode": "iowait"]))
        }
        #expect(seconds("cpu0 0 0 0 1000 50 0 0 0 0 0\n") == (10, 0.5))
        // iowait stepping back a little is hidden; idle moves on.
        #expect(seconds("cpu0 0 0 0 1100 40 0 0 0 0 0\n") == (11, 0.5))
        // Idle falling by 3 s or more: the CPU went offline and back; start afresh.
        #expect(seconds("cpu0 0 0 0 500 10 0 0 0 0 0\n") == (5, 0.1))
    }

    @Test func meminfoNamesAndUnits() throws {
        var s = HostSamples()
        ProcMeminfo.parse(try HostFixtures.bytes("proc/meminfo"), into: &s)
        #expect(s.problems.isEmpty)
        #expect(s.value("node_memory_MemTotal_bytes") == 24_683_584.0 * 1024)
        #expect(s.value("node_memory_Active_anon_bytes") == 1616.0 * 1024)
        #expect(s.value("node_memory_Active_file_bytes") == 1_008_068.0 * 1024)
        #expect(s.value("node_memory_HugePages_Total") == 0)
        #expect(s.value("node_memory_Hugepagesize_bytes") == 2048.0 * 1024)
        let lines = try HostFixtures.bytes("proc/meminfo").procLines.count
        #expect(s.entries.count == lines)
    }

    @Test func meminfoSkipsMalformedLines() {
        var s = HostSamples()
        ProcMeminfo.parse("MemTotal: 10 kB\nMemFree 5 kB\nSwap: x kB\nA: 1 2 3\n\nHugePages_Free: 4\n".bytes, into: &s)
        #expect(s.entries.map(\.name) == ["node_memory_MemTotal_bytes", "node_memory_HugePages_Free"])
        #expect(s.problems.count == 3)
    }

    @Test func loadAverages() throws {
        var s = HostSamples()
        ProcLoadavg.parse(try HostFixtures.bytes("proc/loadavg"), into: &s)
        #expect(s.value("node_load1") == 7.27)
        #expect(s.value("node_load5") == 3.81)
        #expect(s.value("node_load15") == 2.0)
        var bad = HostSamples()
        ProcLoadavg.parse("0.5 nan\n".bytes, into: &bad)
        #expect(bad.entries.isEmpty)
        #expect(bad.problems.count == 1)
    }

    @Test func vmstatDefaultFields() throws {
        var s = HostSamples()
        var vmstat = try ProcVmstat()
        vmstat.parse(try HostFixtures.bytes("proc/vmstat"), into: &s)
        let names = Set(s.entries.map(\.name))
        #expect(names == ["node_vmstat_pgpgin", "node_vmstat_pgpgout", "node_vmstat_pswpin", "node_vmstat_pswpout",
                          "node_vmstat_pgfault", "node_vmstat_pgmajfault", "node_vmstat_oom_kill"])
        #expect(s.value("node_vmstat_pgfault") == 24_593_885)
        var bad = HostSamples()
        vmstat.parse("pgfault\npgmajfault 1 2\noom_kill 3\n".bytes, into: &bad)
        #expect(bad.entries.map(\.name) == ["node_vmstat_oom_kill"])
        #expect(bad.problems.count == 2)
    }

    @Test func fileHandles() throws {
        var s = HostSamples()
        ProcFileNr.parse(try HostFixtures.bytes("proc/sys/fs/file-nr"), into: &s)
        #expect(s.value("node_filefd_allocated") == 1645)
        #expect(s.value("node_filefd_maximum") == 2_466_126)
        var bad = HostSamples()
        ProcFileNr.parse("12\n".bytes, into: &bad)
        #expect(bad.entries.isEmpty && bad.problems.count == 1)
    }

    @Test func pressureStallTotals() throws {
        var s = HostSamples()
        #expect(try ProcPressure.read(proc: try HostFixtures.root + "/proc", into: &s))
        // io: some total=18608516 us, full total=12244190 us; divided as node_exporter divides.
        #expect(s.value("node_pressure_io_waiting_seconds_total") == 18_608_516.0 / 1000 / 1000)
        #expect(s.value("node_pressure_io_stalled_seconds_total") == 12_244_190.0 / 1000 / 1000)
        #expect(s.entries.map(\.name).sorted() == [
            "node_pressure_cpu_waiting_seconds_total", "node_pressure_io_stalled_seconds_total",
            "node_pressure_io_waiting_seconds_total", "node_pressure_memory_stalled_seconds_total",
            "node_pressure_memory_waiting_seconds_total",
        ])
        var none = HostSamples()
        #expect(try ProcPressure.read(proc: "/nonexistent", into: &none) == false)
        var bad = HostSamples()
        ProcPressure.parse("some avg10=1 total=x\nfull total=5\nnew total=1\n".bytes, file: "io", some: "a", full: "b", into: &bad)
        #expect(bad.entries.map(\.name) == ["b"])
        #expect(bad.problems.count == 1)
    }
}
