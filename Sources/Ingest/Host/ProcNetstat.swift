/// /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6: node_exporter's `netstat` collector,
/// `node_netstat_<Protocol>_<Field>` for the fields its default `--collector.netstat.fields`
/// selects (errors, IP forwarding and octets, ICMP messages, TCP opens, segments, resets,
/// retransmits, listen drops and SYN cookies, UDP datagrams and buffer errors).
struct ProcNetstat: Sendable {
    static let defaultFields = "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$"

    private var fields: NamePattern

    init() throws {
        fields = try NamePattern(Self.defaultFields)
    }

    mutating func read(proc: String, into samples: inout HostSamples) throws -> Bool {
        // node_exporter needs netstat and snmp; snmp6 is missing without IPv6.
        guard let netstat = try ProcFile.read(proc + "/net/netstat"), let snmp = try ProcFile.read(proc + "/net/snmp") else {
            return false
        }
        var all: [String: [(String, Double)]] = [:]
        for (proto, values) in Self.parsePairs(netstat, file: "netstat", into: &samples) { all[proto] = values }
        for (proto, values) in Self.parsePairs(snmp, file: "snmp", into: &samples) { all[proto] = values }
        if let snmp6 = try ProcFile.read(proc + "/net/snmp6") {
            for (proto, values) in Self.parseSNMP6(snmp6, into: &samples) { all[proto] = values }
        }
        for (proto, values) in all.sorted(by: { $0.key < $1.key }) {
            for (name, v) in values {
                let key = proto + "_" + name
                if fields.matches(key) { samples.add("node_netstat_" + key, v) }
            }
        }
        return true
    }

    /// netstat and snmp hold pairs of lines, `Proto: Name1 Name2 ...` then `Proto: 1 2 ...`. A
    /// pair whose lengths or protocols differ, or with a value that is not a number, is skipped.
    static func parsePairs(_ bytes: [UInt8], file: String, into samples: inout HostSamples) -> [(String, [(String, Double)])] {
        let lines = bytes.procLines
        var out: [(String, [(String, Double)])] = []
        var i = 0
        while i + 1 < lines.count {
            let names = Array(lines[i].fields), values = Array(lines[i + 1].fields)
            i += 2
            guard let head = names.first, head.count > 1, head.last == UInt8(ascii: ":"), values.first == head,
                  names.count == values.count else {
                samples.malformed("/proc/net/\(file): mismatched lines \"\(lines[i - 2].string)\"")
                continue
            }
            var pairs: [(String, Double)] = []
            for (n, v) in zip(names.dropFirst(), values.dropFirst()) {
                guard let d = v.double else {
                    samples.malformed("/proc/net/\(file): \(head.string) \(n.string) is not a number")
                    continue
                }
                pairs.append((n.string, d))
            }
            out.append((head.dropLast().string, pairs))
        }
        if i < lines.count { samples.malformed("/proc/net/\(file): unpaired last line") }
        return out
    }

    /// snmp6 holds `Ip6InReceives  1` lines; the protocol is the name up to its first `6`.
    static func parseSNMP6(_ bytes: [UInt8], into samples: inout HostSamples) -> [(String, [(String, Double)])] {
        var order: [String] = []
        var byProto: [String: [(String, Double)]] = [:]
        for line in bytes.procLines {
            let parts = Array(line.fields.prefix(3))
            guard parts.count == 2, let v = parts[1].double else {
                samples.malformed("/proc/net/snmp6: bad line \"\(line.string)\"")
                continue
            }
            guard let six = parts[0].firstIndex(of: UInt8(ascii: "6")) else { continue }
            let proto = parts[0][...six].string
            if byProto[proto] == nil { order.append(proto) }
            byProto[proto, default: []].append((parts[0][(six + 1)...].string, v))
        }
        return order.map { ($0, byProto[$0] ?? []) }
    }
}
