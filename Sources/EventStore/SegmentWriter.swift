#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DiskIO

/// Writes one immutable columnar segment (docs/format/events.md, "Segment file").
///
/// The file is written to `<name>.tmp` through a buffer, fsynced, renamed to its final name,
/// and the directory is fsynced: a crash leaves a `.tmp` file (deleted at the next open) or
/// the whole segment, never part of one. Strings are dictionary-encoded per segment, so a
/// rewritten segment holds only the strings its events still use.
enum SegmentWriter {
    /// Writes `events` (all of UTC day `meta.day`, any order) as segment `meta.sequence` in
    /// `directory`; `meta.count`, `minTime` and `maxTime` are filled in here. Returns the path.
    static func write(_ events: [Event], meta: SegmentMeta, into directory: String) throws -> String {
        precondition(!events.isEmpty, "an empty segment")
        let sorted = events.sorted { ($0.timestamp, $0.id) < ($1.timestamp, $1.id) }
        var meta = meta
        meta.count = sorted.count
        meta.minTime = sorted[0].timestamp
        meta.maxTime = sorted[sorted.count - 1].timestamp

        var terms: [PropertyValue: UInt32] = [:], termList: [PropertyValue] = []
        func term(_ v: PropertyValue) -> UInt32 {
            if let id = terms[v] { return id }
            termList.append(v)
            let id = UInt32(termList.count)
            terms[v] = id
            return id
        }
        var users: [String: UInt32] = [:], userList: [String] = []
        let userColumn: [UInt32] = sorted.map { e in
            guard let u = e.userId else { return 0 }
            if let id = users[u] { return id }
            userList.append(u)
            users[u] = UInt32(userList.count)
            return UInt32(userList.count)
        }
        let termColumns: [[UInt32]] = TermColumn.allCases.map { c in
            sorted.map { e in e.string(c).map { term(.string($0)) } ?? 0 }
        }
        var properties: [UInt32: [UInt32]] = [:]
        for (row, e) in sorted.enumerated() {
            for key in e.properties.keys.sorted() {
                let k = term(.string(key))
                properties[k, default: [UInt32](repeating: 0, count: sorted.count)][row] = term(e.properties[key]!)
            }
        }

        let path = directory + "/" + StoreFiles.segmentName(day: meta.day, sequence: meta.sequence)
        let tmp = path + StoreFiles.temporarySuffix
        try translatingDiskErrors {
            try? LogDirectory.remove(tmp)
            let sink = try FileSink(path: tmp)
            var toc: [(SectionKey, Int, Int, Int, UInt32)] = []  // key, items, offset, length, crc
            func section(_ kind: SectionKind, _ key: UInt32 = 0, items: Int, _ encode: (inout [UInt8]) -> Void) throws {
                var bytes: [UInt8] = []
                encode(&bytes)
                toc.append((SectionKey(kind: kind, key: key), items, sink.offset, bytes.count, CRC32C.checksum(bytes)))
                try sink.append(bytes)
            }
            try sink.append(StoreFiles.segmentMagic)
            try section(.strings, items: termList.count) { out in for t in termList { t.encode(into: &out) } }
            try section(.userNames, items: userList.count) { ColumnCoding.encodeStrings(userList, into: &$0) }
            try section(.ids, items: sorted.count) { ColumnCoding.encodeStrings(sorted.map(\.id), into: &$0) }
            try section(.timestamps, items: sorted.count) { ColumnCoding.encodeTimestamps(sorted.map(\.timestamp), into: &$0) }
            try section(.users, items: sorted.count) { ColumnCoding.encodeIDs(userColumn, into: &$0) }
            for c in TermColumn.allCases {
                try section(.term, UInt32(c.rawValue), items: sorted.count) { ColumnCoding.encodeIDs(termColumns[c.rawValue], into: &$0) }
            }
            try section(.values, items: sorted.count) { ColumnCoding.encodeValues(sorted.map(\.value), into: &$0) }
            for key in properties.keys.sorted() {
                try section(.property, key, items: sorted.count) { ColumnCoding.encodeProperty(properties[key]!, into: &$0) }
            }

            var t: [UInt8] = [StoreFiles.segmentVersion]
            typealias W = ByteWriter
            W.appendVarint(meta.day, to: &t)
            W.appendUvarint(meta.sequence, to: &t)
            W.appendUvarint(UInt64(meta.count), to: &t)
            W.appendVarint(meta.minTime, to: &t)
            W.appendVarint(meta.maxTime, to: &t)
            W.appendUvarint(UInt64(meta.walCutoff), to: &t)
            W.appendUvarint(UInt64(meta.supersedes.count), to: &t)
            for s in meta.supersedes { W.appendUvarint(s, to: &t) }
            W.appendUvarint(UInt64(toc.count), to: &t)
            for (key, items, offset, length, crc) in toc {
                t.append(key.kind.rawValue)
                W.appendUvarint(UInt64(key.key), to: &t)
                W.appendUvarint(UInt64(items), to: &t)
                W.appendUvarint(UInt64(offset), to: &t)
                W.appendUvarint(UInt64(length), to: &t)
                withUnsafeBytes(of: crc.littleEndian) { t.append(contentsOf: $0) }
            }
            try sink.append(t)
            try sink.appendU32(UInt32(t.count))
            try sink.appendU32(CRC32C.checksum(t))
            try sink.append(StoreFiles.trailerMagic)
            try sink.finish()
            try LogDirectory.rename(tmp, path)
            try FileSink.syncDirectory(directory)
        }
        return path
    }
}

extension Event {
    /// The string of a term column.
    func string(_ column: TermColumn) -> String? {
        switch column {
        case .session: sessionId
        case .eventType: eventType
        case .category: category
        case .action: action
        case .label: label
        case .platform: device.platform
        case .appVersion: device.appVersion
        case .osVersion: device.osVersion
        case .userSegment: userSegment
        }
    }

    mutating func setString(_ column: TermColumn, _ value: String?) {
        switch column {
        case .session: sessionId = value
        case .eventType: eventType = value ?? ""
        case .category: category = value ?? ""
        case .action: action = value ?? ""
        case .label: label = value
        case .platform: device.platform = value
        case .appVersion: device.appVersion = value
        case .osVersion: device.osVersion = value
        case .userSegment: userSegment = value
        }
    }
}
