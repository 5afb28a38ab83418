/// The tracker's on-disk queue: a directory with one file per sealed batch, oldest first.
///
/// A batch file is named `<sequence>-<eventCount>-<batchId>.json`: the sequence (16 decimal
/// digits) orders batches across restarts, the count lets the caps count dropped events without
/// reading the file, and the batchId goes to the server with every attempt so that a batch that
/// reached it before a failure or restart is not counted twice. The content is
/// `{"batchId":"…","events":[…]}`, written to `name.tmp`, fsynced and renamed, so a crash
/// leaves each file absent or whole; leftover `.tmp` files are removed when the queue opens.
///
/// The queue holds at most `maxBatches` files and `maxBytes` bytes: past either, the oldest
/// batches are deleted and returned to the caller, which counts their events as dropped.
///
/// Not thread-safe: the owning `EventTracker` actor serialises access. One queue directory
/// belongs to one tracker at a time.
struct BatchQueue {
    struct Entry: Sendable, Hashable {
        let sequence: UInt64
        let eventCount: Int
        let batchId: String
        let bytes: Int

        var fileName: String {
            let digits = String(sequence)
            return String(repeating: "0", count: max(0, 16 - digits.count)) + digits + "-\(eventCount)-\(batchId).json"
        }

        /// Parses a batch file name; nil for any other file.
        init?(fileName: String, bytes: Int) {
            guard fileName.hasSuffix(".json") else { return nil }
            let parts = fileName.dropLast(5).split(separator: "-", maxSplits: 2)
            guard parts.count == 3, parts[0].count == 16, let sequence = UInt64(parts[0]),
                  let count = Int(parts[1]), count > 0, BatchQueue.isValidBatchId(parts[2]) else { return nil }
            self.init(sequence: sequence, eventCount: count, batchId: String(parts[2]), bytes: bytes)
        }

        init(sequence: UInt64, eventCount: Int, batchId: String, bytes: Int) {
            self.sequence = sequence
            self.eventCount = eventCount
            self.batchId = batchId
            self.bytes = bytes
        }
    }

    let directory: String
    let maxBytes: Int
    let maxBatches: Int
    /// Oldest first.
    private(set) var entries: [Entry] = []
    private(set) var totalBytes = 0
    private var nextSequence: UInt64 = 1

    /// Opens (creating it if needed) the queue in `directory`, picking up the batches a previous
    /// run left. Files it does not recognise are left alone.
    init(directory: String, maxBytes: Int, maxBatches: Int) throws(SextantClientError) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.maxBatches = maxBatches
        try QueueFiles.createDirectory(directory)
        for name in try QueueFiles.list(directory) {
            if name.hasSuffix(".json.tmp") {
                try QueueFiles.remove(directory + "/" + name)
            } else if let size = QueueFiles.size(directory + "/" + name), let entry = Entry(fileName: name, bytes: size) {
                entries.append(entry)
            }
        }
        entries.sort { $0.sequence < $1.sequence }
        totalBytes = entries.reduce(0) { $0 + $1.bytes }
        nextSequence = (entries.last?.sequence ?? 0) + 1
    }

    var oldest: Entry? { entries.first }

    /// A sealed batch with its place in the queue, not yet on disk.
    struct Prepared: Sendable {
        let entry: Entry
        let content: [UInt8]
    }

    /// Numbers a new batch of already-encoded events (each one JSON object) and lays out its
    /// file; no I/O, so the caller can write it off its own thread with `write(_:)`.
    mutating func prepare(batchId: String, events: [[UInt8]]) -> Prepared {
        precondition(!events.isEmpty && Self.isValidBatchId(Substring(batchId)))
        var content: [UInt8] = []
        content.reserveCapacity(events.reduce(32 + batchId.utf8.count) { $0 + $1.count + 1 })
        content.append(contentsOf: #"{"batchId":""#.utf8)
        content.append(contentsOf: batchId.utf8)
        content.append(contentsOf: #"","events":["#.utf8)
        for (index, event) in events.enumerated() {
            if index > 0 { content.append(UInt8(ascii: ",")) }
            content.append(contentsOf: event)
        }
        content.append(contentsOf: "]}".utf8)
        defer { nextSequence += 1 }
        return Prepared(entry: Entry(sequence: nextSequence, eventCount: events.count, batchId: batchId, bytes: content.count),
                        content: content)
    }

    /// Writes a prepared batch atomically into the queue `directory` (blocking: temp file, fsync,
    /// rename, directory fsync). Safe from any thread.
    static func write(_ batch: Prepared, in directory: String) throws(SextantClientError) {
        try QueueFiles.writeAtomically(batch.content, directory: directory, name: batch.entry.fileName)
    }

    /// Adds a written batch in sequence order and returns the batches deleted to keep within the
    /// caps, oldest first; the batch `protected` (the one being sent) is never deleted, and the
    /// new batch itself is deleted when it alone is over `maxBytes`.
    mutating func insert(_ entry: Entry, protecting protected: UInt64? = nil) -> [Entry] {
        let index = entries.lastIndex { $0.sequence < entry.sequence }.map { $0 + 1 } ?? 0
        entries.insert(entry, at: index)
        totalBytes += entry.bytes
        return evictPastCaps(protecting: protected)
    }

    /// The file content of a batch.
    func read(_ entry: Entry) throws(SextantClientError) -> [UInt8] {
        try QueueFiles.contents(of: directory + "/" + entry.fileName)
    }

    /// Forgets a batch and deletes its file. If the file cannot be deleted it is sent again
    /// after a restart, which the server's batchId deduplication makes harmless.
    mutating func remove(_ entry: Entry) throws(SextantClientError) {
        guard let index = entries.firstIndex(of: entry) else { return }
        entries.remove(at: index)
        totalBytes -= entry.bytes
        try QueueFiles.remove(directory + "/" + entry.fileName)
    }

    /// Deletes the oldest batches, but never `protected`, while the queue is over a cap, and
    /// returns them.
    mutating func evictPastCaps(protecting protected: UInt64? = nil) -> [Entry] {
        var evicted: [Entry] = []
        while totalBytes > maxBytes || entries.count > maxBatches,
              let victim = entries.first(where: { $0.sequence != protected }) {
            // A file that cannot be deleted is still forgotten: the caps bound what this run
            // keeps; the next run sees it and the caps apply again.
            try? remove(victim)
            evicted.append(victim)
        }
        return evicted
    }

    /// Batch ids are generated here (lowercase UUIDs), but names read back from disk are checked
    /// to be safe JSON string content and file-name characters: `[0-9a-zA-Z-]`, 1...64 long.
    static func isValidBatchId(_ id: Substring) -> Bool {
        !id.isEmpty && id.utf8.count <= 64 && id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D
        }
    }
}
