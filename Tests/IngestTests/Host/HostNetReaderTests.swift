import Testing
@testable import Ingest

/// The readers of /proc/net, over fixture text and broken input.
@Suite struct HostNetReaderTests {
    @Test func netDevEveryColumnOfEveryDevice() throws {
        var s = HostSamples()
        let devices = ProcNetDev.parse(try HostFixtures.bytes("proc/net/dev"), into: &s)
        #expect(devices == ["lo", "ifb0", "ifb1", "eth0"])
        #expect(s.problems.isEmpty)
        #expect(s.entries.count == 4 * 16)
        #expect(s.value("node_network_receive_bytes_total", ["device": "eth0"]) == 123_791_732)
        #expect(s.value("node_network_transmit_packets_total", ["device": "eth0"]) == 2715)
        #expect(s.value("node_network_transmit_colls_total", ["device": "lo"]) == 0)
        #expect(Set(s.entries.map(\.name)).count == 16)
    }

    @Test func netDevNohandlerFromSysfs() throws {
        var s = HostSamples()
        let root = try HostFixtures.root
        #expect(try ProcNetDev.read(proc: root + "/proc", sys: root + "/sys", into: &s))
        // Only eth0 and lo have a statistics directory in the fixture tree.
        #expect(s.entries.filter { $0.name == "node_network_receive_nohandler_total" }.map(\.labels[0].value).sorted() == ["eth0", "lo"])
    }

    @Test func netDevSkipsMalformedLines() {
        var s = HostSamples()
        let text = "h1\nh2\n  eth0: 1 2 3\nnocolon 1 2\n  ok:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
        #expect(ProcNetDev.parse(text.bytes, into: &s) == ["ok"])
        #expect(s.value("node_network_receive_bytes_total", ["device": "ok"]) == 1)
        #expect(s.problems.count == 2)
    }

    @Test func sockstatBothFamilies() throws {
        var s = HostSamples()
        #expect(try ProcSockstat.read(proc: try HostFixtures.root + "/proc", into: &s))
        #expect(s.value("node_sockstat_sockets_used") == 53)
        #expect(s.value("node_sockstat_TCP_inuse") == 1)
        #expect(s.value("node_sockstat_TCP_mem") == 161)
        #expect(s.value("node_sockstat_TCP_mem_bytes") == 161 * ProcSockstat.pageSize)
        #expect(s.value("node_sockstat_FRAG_memory") == 0)
        #expect(s.value("node_sockstat_TCP6_inuse") == 0)
        #expect(s.value("node_sockstat_UDPLITE_inuse") == 0)
        #expect(s.value("node_sockstat_TCP6_mem") == nil)
        var bad = HostSamples()
        ProcSockstat.parse("TCP: inuse\nUDP: inuse x\nRAW: inuse 2\n".bytes, file: "sockstat", into: &bad)
        #expect(bad.entries.map(\.name) == ["node_sockstat_RAW_inuse"])
        #expect(bad.problems.count == 2)
    }

    @Test func netstatDefaultFields() throws {
        var s = HostSamples()
        var netstat = try ProcNetstat()
        #expect(try netstat.read(proc: try HostFixtures.root + "/proc", into: &s))
        #expect(s.problems.isEmpty)
        #expect(s.value("node_netstat_Ip_Forwarding") == 2)
        #expect(s.value("node_netstat_Tcp_ActiveOpens") == 25)
        #expect(s.value("node_netstat_Tcp_CurrEstab") == 0)
        #expect(s.value("node_netstat_Udp_InDatagrams") == 45)
        #expect(s.value("node_netstat_IpExt_InOctets") == 123_808_373)
        #expect(s.value("node_netstat_Ip6_InOctets") == 128)
        #expect(s.value("node_netstat_Icmp6_InMsgs") == 1)
        #expect(s.value("node_netstat_TcpExt_SyncookiesSent") == 0)
        // Not selected by the default pattern.
        #expect(s.value("node_netstat_Tcp_MaxConn") == nil)
        #expect(s.value("node_netstat_Ip_DefaultTTL") == nil)
        // Every name is Protocol_Field.
        #expect(s.entries.allSatisfy { $0.name.dropFirst("node_netstat_".count).contains("_") })
    }

    @Test func netstatSkipsMismatchedPairs() {
        var s = HostSamples()
        let text = "Tcp: A B\nTcp: 1\nUdp: InErrors NoPorts\nUdp: 3 x\nIp: Forwarding\n"
        let pairs = ProcNetstat.parsePairs(text.bytes, file: "snmp", into: &s)
        #expect(pairs.map(\.0) == ["Udp"])
        #expect(pairs.first?.1.map(\.0) == ["InErrors"])
        #expect(s.problems.count == 3)
        var six = HostSamples()
        let parsed = ProcNetstat.parseSNMP6("Ip6InOctets 5\nUdpLite6InErrors 1\nIcmp6Bad\n".bytes, into: &six)
        #expect(parsed.map(\.0) == ["Ip6", "UdpLite6"])
        #expect(six.problems.count == 1)
    }
}
