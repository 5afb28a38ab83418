import DiskIO

/// Read access to one segment file through a read-only memory map.
///
/// Opening checks the magic numbers, the table of contents' CRC32C and every section's
/// CRC32C (one pass over the file), so later decoding only meets bytes the writer wrote;
/// decoders still bound every read. Columns are decoded on demand, with local ids (see
/// `SegmentBlock` for the mapping to the store's dictionaries). Immutable: safe to read from
/// any number of threads; the mapping stays valid after the file is deleted.
final class SegmentReader: Sendable {
    let path: String
    let meta: SegmentMeta
    private let file: MappedFile
    private let sections: [SectionKey: Section]

    struct Section: Sendable {
        var items: Int
        var range: Range<Int>
    }

    /// Maps and validates `path`. Throws `.corrupted` naming what is wrong, `.io` if unreadable.
    init(path: String) throws {
        self.path = path
        file = try translatingDiskErrors { try MappedFile(path: path) }
        let b = file.bytes
        func fail(_ why: String) -> EventStoreError { EventStoreError(.corrupted, "\(path): \(why)") }
        let head = StoreFiles.segmentMagic.count, tail = StoreFiles.trailerSize
        guard b.count >= head + tail else { throw fail("\(b.count) bytes, too short for a segment") }
        guard b.starts(with: StoreFiles.segmentMagic) else { throw fail("not a segment (bad magic)") }
        guard b[(b.count - 8)...].elementsEqual(StoreFiles.trailerMagic) else {
            throw fail("no trailer (the file is truncated or damaged)")
        }
        let tocLength = Int(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: b.count - tail, as: UInt32.self)))
        let tocCRC = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: b.count - tail + 4, as: UInt32.self))
        let tocStart = b.count - tail - tocLength
        guard tocLength > 0, tocStart >= head else { throw fail("table of contents length \(tocLength) is impossible") }
        let tocBytes = UnsafeRawBufferPointer(rebasing: b[tocStart..<(b.count - tail)])
        guard CRC32C.checksum(tocBytes) == tocCRC else { throw fail("table of contents checksum mismatch") }
        do {
            var r = ByteReader(tocBytes)
            let version = try r.uint8()
            guard version == StoreFiles.segmentVersion else { throw fail("unsupported version \(version)") }
            var m = SegmentMeta(day: try r.varint(), sequence: try r.uvarint(), count: Int(clamping: try r.uvarint()),
                                minTime: try r.varint(), maxTime: try r.varint(), walCutoff: Int(clamping: try r.uvarint()),
                                supersedes: [])
            let n = try r.uvarint()
            guard n <= UInt64(r.remaining) else { throw fail("supersedes list runs past the table of contents") }
            for _ in 0..<n { m.supersedes.append(try r.uvarint()) }
            let sectionCount = try r.uvarint()
            guard sectionCount <= UInt64(r.remaining / 9) else { throw fail("\(sectionCount) sections cannot fit") }
            var sections: [SectionKey: Section] = [:]
            for _ in 0..<sectionCount {
                let rawKind = try r.uint8()
                let key = try r.uvarint(), items = try r.uvarint(), offset = try r.uvarint(), length = try r.uvarint()
                let crc = try r.uint32()
                guard let kind = SectionKind(rawValue: rawKind) else { throw fail("unknown section kind \(rawKind)") }
                guard key <= UInt64(UInt32.max), items <= UInt64(Int32.max), offset >= UInt64(head),
                      length <= UInt64(tocStart), offset <= UInt64(tocStart) - length else {
                    throw fail("section \(kind) has an impossible position")
                }
                let range = Int(offset)..<Int(offset + length)
                guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[range])) == crc else {
                    throw fail("checksum mismatch in section \(kind) \(key)")
                }
                sections[SectionKey(kind: kind, key: UInt32(key))] = Section(items: Int(items), range: range)
            }
            try r.expectEnd()
            guard m.count > 0, m.minTime <= m.maxTime, m.count <= Int(Int32.max) else {
                throw fail("impossible count \(m.count) or time range \(m.minTime)...\(m.maxTime)")
            }
            for kind in [SectionKind.strings, .userNames, .ids, .timestamps, .users, .values] {
                guard sections[SectionKey(kind: kind, key: 0)] != nil else { throw fail("missing section \(kind)") }
            }
            meta = m
            self.sections = sections
        } catch let e as DiskIOError {
            throw fail("table of contents: \(e.message)")
        }
    }

    /// Bytes of the file.
    var size: Int { file.count }

    /// Decodes one section with `body`, which must consume it whole.
    private func decode<T>(_ key: SectionKey, _ body: (inout ByteReader, Int) throws -> T) throws -> T? {
        guard let s = sections[key] else { return nil }
        return try withExtendedLifetime(file) {
            do {
                var r = ByteReader(UnsafeRawBufferPointer(rebasing: file.bytes[s.range]))
                let v = try body(&r, s.items)
                try r.expectEnd()
                return v
            } catch let e as DiskIOError {
                throw EventStoreError(.corrupted, "\(path): section \(key.kind) \(key.key): \(e.message)")
            }
        }
    }

    /// The segment's terms; local term id `i` is element `i - 1`.
    func strings() throws -> [PropertyValue] {
        try decode(SectionKey(kind: .strings, key: 0)) { r, n in
            guard n <= r.remaining else { throw r.failure("\(n) terms cannot fit") }
            return try (0..<n).map { _ in try PropertyValue.decode(&r) }
        } ?? []
    }

    /// The segment's user names; local user id `i` is element `i - 1`.
    func userNames() throws -> [String] {
        try decode(SectionKey(kind: .userNames, key: 0)) { r, n in try ColumnCoding.decodeStrings(&r, count: n) } ?? []
    }

    func ids() throws -> [String] {
        try decode(SectionKey(kind: .ids, key: 0)) { r, _ in try ColumnCoding.decodeStrings(&r, count: meta.count) } ?? []
    }

    func timestamps() throws -> [Int64] {
        try decode(SectionKey(kind: .timestamps, key: 0)) { r, _ in try ColumnCoding.decodeTimestamps(&r, count: meta.count) } ?? []
    }

    func localUsers() throws -> [UInt32] {
        try decode(SectionKey(kind: .users, key: 0)) { r, _ in try ColumnCoding.decodeIDs(&r, count: meta.count) } ?? []
    }

    /// Local term ids of a column; all 0 when the segment lacks it.
    func localTerms(_ column: TermColumn) throws -> [UInt32] {
        try decode(SectionKey(kind: .term, key: UInt32(column.rawValue))) { r, _ in
            try ColumnCoding.decodeIDs(&r, count: meta.count)
        } ?? [UInt32](repeating: 0, count: meta.count)
    }

    func values() throws -> [Double] {
        try decode(SectionKey(kind: .values, key: 0)) { r, _ in try ColumnCoding.decodeValues(&r, count: meta.count) } ?? []
    }

    /// Local term ids of the property keys present.
    var localPropertyKeys: [UInt32] {
        sections.keys.filter { $0.kind == .property }.map(\.key).sorted()
    }

    func localProperty(_ key: UInt32) throws -> [UInt32]? {
        try decode(SectionKey(kind: .property, key: key)) { r, _ in try ColumnCoding.decodeProperty(&r, count: meta.count) }
    }

    /// Every event of the segment, in row order, with all fields (for rewrites and export).
    func events() throws -> [Event] {
        let terms = try strings(), names = try userNames()
        func term(_ id: UInt32) throws -> PropertyValue {
            guard id > 0, Int(id) <= terms.count else {
                throw EventStoreError(.corrupted, "\(path): term id \(id) outside the segment's \(terms.count) terms")
            }
            return terms[Int(id) - 1]
        }
        func string(_ id: UInt32) throws -> String? {
            guard id != 0 else { return nil }
            guard case .string(let s) = try term(id) else {
                throw EventStoreError(.corrupted, "\(path): term \(id) of a name column is not a string")
            }
            return s
        }
        let ids = try ids(), ts = try timestamps(), users = try localUsers(), values = try values()
        let columns = try TermColumn.allCases.map { try localTerms($0) }
        var out = try (0..<meta.count).map { i -> Event in
            let u = users[i]
            guard Int(u) <= names.count else {
                throw EventStoreError(.corrupted, "\(path): user id \(u) outside the segment's \(names.count) users")
            }
            var e = Event(id: ids[i], timestamp: ts[i], userId: u == 0 ? nil : names[Int(u) - 1],
                          eventType: "", category: "", action: "", value: values[i].isNaN ? nil : values[i])
            for c in TermColumn.allCases { e.setString(c, try string(columns[c.rawValue][i])) }
            return e
        }
        for key in localPropertyKeys {
            guard let column = try localProperty(key), case .string(let name) = try term(key) else { continue }
            for (i, v) in column.enumerated() where v != 0 { out[i].properties[name] = try term(v) }
        }
        return out
    }
}
