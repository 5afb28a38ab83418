extension RecordLog {
    /// What a replay closure did with one well-framed record.
    public enum Disposition: Sendable {
        /// The record was applied.
        case replayed
        /// The type byte is not one this version knows; the record is skipped and counted.
        case unknownType
        /// The payload does not decode (the reason is reported); skipped and counted.
        case undecodable(String)
    }

    /// Reads every record of the log in `directory`, oldest first, and repairs what a crash
    /// or bad disk left behind. Segments numbered below `from` are skipped.
    ///
    /// Repairs (each also reported in the returned report):
    /// - A damaged record at the very end of the newest segment holding data (too short for
    ///   its header or its payload, or its checksum wrong with nothing after it, or only
    ///   zero bytes from it on) is a write torn by a crash: the segment is truncated before it.
    /// - Damage anywhere else (bad checksum or impossible header mid-segment, or any damage
    ///   in an older segment): the records before it are replayed; the rest of the segment
    ///   cannot be framed reliably, so the segment is cut back to its good prefix and the
    ///   original moved aside as `<name>.corrupt`. Later segments are still replayed.
    /// - A record with a good checksum whose payload does not decode, or of an unknown
    ///   type, is skipped and counted.
    ///
    /// Must not run while a `RecordLog` is writing to `directory`. A missing directory replays
    /// nothing. Each segment is read with one read(2) (segments over ~272 MiB in windows
    /// of that size), and records are decoded straight from that buffer.
    ///
    /// - Throws: `.io` when a segment cannot be read or repaired; whatever `body` throws,
    ///   which stops the replay at once.
    public static func replay(
        directory: String, from first: Int = 0, _ body: (UInt8, UnsafeRawBufferPointer, Int) throws -> Disposition
    ) throws -> LogReplayReport {
        var report = LogReplayReport()
        guard LogDirectory.exists(directory) else { return report }
        report.messages += try LogDirectory.resolveInterruptedRepairs(directory)
        let segments = try LogDirectory.segments(directory).filter { $0.number >= first }
        // Segments after the newest one holding data were opened but never written to, so
        // a crash mid-write can only have torn that one.
        let lastWithData = segments.last(where: { $0.size > 0 })?.number
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 16)
        defer { buffer.deallocate() }
        var previous: Int?
        for segment in segments {
            if let p = previous, segment.number != p + 1 {
                report.messages.append("segments \(LogDirectory.segmentName(p + 1)) to "
                    + "\(LogDirectory.segmentName(segment.number - 1)) are missing from \(directory); their records are lost")
            }
            previous = segment.number
            report.segments += 1
            guard segment.size > 0 else { continue }
            try replaySegment(directory, segment.number, isLast: segment.number == lastWithData,
                              buffer: &buffer, report: &report, body)
        }
        return report
    }

    /// The most bytes a segment read buffers at once: the largest possible record, so any
    /// record fits in one window.
    static let replayWindow = headerSize + maxPayloadLength + (16 << 20)

    private static func replaySegment(
        _ directory: String, _ number: Int, isLast: Bool,
        buffer: inout UnsafeMutableRawBufferPointer, report: inout LogReplayReport,
        _ body: (UInt8, UnsafeRawBufferPointer, Int) throws -> Disposition
    ) throws {
        let path = LogDirectory.segmentPath(directory, number)
        let file = try LogSegmentFile.openForReading(path)
        defer { file.close() }
        let size = try file.size()
        let capacity = min(size, replayWindow)
        if buffer.count < capacity {
            buffer.deallocate()
            buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        }
        var window = SegmentWindow(file: file, size: size, buffer: buffer)
        let header = headerSize
        var offset = 0
        var unknownTypes: [UInt8: Int] = [:]
        var damage: (offset: Int, reason: String, torn: Bool)?

        while offset < size {
            guard try window.load(offset, header) else {
                damage = (offset, "\(size - offset) bytes left, too few for a record header", true)
                break
            }
            let h = window.bytes(offset, header)
            let type = h[0]
            let length = Int(UInt32(littleEndian: h.loadUnaligned(fromByteOffset: 1, as: UInt32.self)))
            let crc = UInt32(littleEndian: h.loadUnaligned(fromByteOffset: 5, as: UInt32.self))
            if type == 0 {
                damage = (offset, "record type 0", false)
                break
            }
            if length > maxPayloadLength {
                damage = (offset, "impossible record length \(length)", false)
                break
            }
            let end = offset + header + length
            guard end <= size, try window.load(offset + header, length) else {
                damage = (offset, "record of \(length) payload bytes runs \(end - size) bytes past the end", true)
                break
            }
            let payload = window.bytes(offset + header, length)
            guard checksum(typeAndLength: UnsafeRawBufferPointer(rebasing: h[0..<5]), payload: payload) == crc else {
                damage = (offset, "checksum mismatch in record of \(length) payload bytes", end == size)
                break
            }
            let disposition = try body(type, payload, number)
            switch disposition {
            case .replayed:
                report.records += 1
            case .unknownType:
                unknownTypes[type, default: 0] += 1
            case .undecodable(let reason):
                report.undecodableRecords += 1
                report.messages.append("\(path) offset \(offset): skipped a record that does not decode: \(reason)")
            }
            offset = end
        }

        if !unknownTypes.isEmpty {
            let n = unknownTypes.values.reduce(0, +)
            report.unknownRecords += n
            let types = unknownTypes.keys.sorted().map(String.init).joined(separator: ", ")
            report.messages.append("\(path): skipped \(n) records of unknown type (\(types))")
        }
        guard let damage else { return }
        let name = LogDirectory.segmentName(number)
        if isLast, try damage.torn || window.isZero(from: damage.offset) {
            let w = try LogSegmentFile.openForWriting(path)
            defer { w.close() }
            try w.truncate(to: damage.offset)
            try w.sync()
            report.truncatedBytes += size - damage.offset
            report.messages.append("\(path) offset \(damage.offset): \(damage.reason); "
                + "cut off \(size - damage.offset) bytes of a write torn by a crash")
        } else {
            let aside = try moveAside(directory, number, keeping: damage.offset, window: &window)
            report.corruptSegments.append(name)
            report.messages.append("\(path) offset \(damage.offset): \(damage.reason); "
                + "records from there to the end (\(size - damage.offset) bytes) are lost, "
                + "the damaged original is kept as \(aside)")
        }
    }

    /// Replaces segment `number` by its first `length` bytes and keeps the original under a
    /// `.corrupt` name. The prefix is written to `<name>.repair` and fsynced before any
    /// rename, so a crash at any point leaves either the original or the finished repair
    /// (see `LogDirectory.resolveInterruptedRepairs`). Returns the original's new path.
    private static func moveAside(
        _ directory: String, _ number: Int, keeping length: Int, window: inout SegmentWindow
    ) throws -> String {
        let path = LogDirectory.segmentPath(directory, number)
        let scratch = path + LogDirectory.repairSuffix
        let out = try LogSegmentFile.createTruncating(scratch)
        do {
            defer { out.close() }
            var offset = 0
            while offset < length {
                let n = min(window.capacity, length - offset)
                guard try window.load(offset, n) else {
                    throw DiskIOError(.io, "\(path) shrank while being repaired")
                }
                try out.write(window.bytes(offset, n))
                offset += n
            }
            try out.sync()
        }
        let aside = LogDirectory.freeCorruptPath(directory, number)
        try LogDirectory.rename(path, aside)
        try LogDirectory.rename(scratch, path)
        try LogDirectory.sync(directory)
        return aside
    }
}

/// A view of a segment file through a buffer that holds as much of it as fits (all of it,
/// for segments up to `WAL.replayWindow`), refilled on demand.
private struct SegmentWindow {
    let file: LogSegmentFile
    let size: Int
    let buffer: UnsafeMutableRawBufferPointer
    /// File offset of `buffer[0]` and how many bytes from there are loaded.
    private var start = 0
    private var loaded = 0

    init(file: LogSegmentFile, size: Int, buffer: UnsafeMutableRawBufferPointer) {
        self.file = file
        self.size = size
        self.buffer = buffer
    }

    var capacity: Int { min(buffer.count, size) }

    /// Makes bytes `offset..<offset+count` available to `bytes`; false if the file ends
    /// first. `count` must not exceed `capacity`.
    mutating func load(_ offset: Int, _ count: Int) throws -> Bool {
        if offset >= start && offset + count <= start + loaded { return true }
        if offset + count > size { return false }
        precondition(count <= buffer.count, "record larger than the replay window")
        // Refill from `offset`; re-reading the part of a record that was loaded already
        // is cheaper than the bookkeeping of keeping it.
        let n = min(buffer.count, size - offset)
        loaded = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n]), at: offset)
        start = offset
        return loaded >= count
    }

    /// Bytes loaded by a successful `load(offset, count)`.
    func bytes(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[(offset - start)..<(offset - start + count)])
    }

    /// True if every byte from `offset` to the end of the file is zero, as a power loss
    /// can leave where the file size was updated but the data never written.
    mutating func isZero(from offset: Int) throws -> Bool {
        var at = offset
        while at < size {
            let n = min(capacity, size - at)
            guard try load(at, n) else { return false }
            if bytes(at, n).contains(where: { $0 != 0 }) { return false }
            at += n
        }
        return true
    }
}
