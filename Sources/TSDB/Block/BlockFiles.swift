import DiskIO

/// The names of the files inside a block directory, and the naming rules for block directories.
///
/// A block lives in `<parent>/<id>/` and holds exactly three files: `meta.json`, `index` and
/// `chunks`. While being written it lives in `<parent>/<id>.tmp/`; a directory with that suffix
/// is left over from a crash and must be deleted by whoever scans `<parent>`.
public enum BlockFiles {
    public static let meta = "meta.json"
    public static let index = "index"
    public static let chunks = "chunks"
    /// Suffix of a block directory that is still being written (or was abandoned by a crash).
    public static let temporarySuffix = ".tmp"

    /// Whether a directory entry in the blocks directory is an unfinished block that can be deleted.
    public static func isTemporary(_ name: String) -> Bool {
        name.hasSuffix(temporarySuffix)
    }

    // Framing shared by the writer and the reader; docs/format/block.md draws it.

    /// First 4 bytes of the index file: "SXIX".
    static let indexMagic: [UInt8] = Array("SXIX".utf8)
    /// First 4 bytes of the chunks file: "SXCK".
    static let chunksMagic: [UInt8] = Array("SXCK".utf8)
    /// Magic (4 bytes), version (1 byte), 3 reserved zero bytes.
    static let headerSize = 8
    /// Bytes after each chunk and after each index section: CRC32C, little-endian.
    static let checksumSize = 4
    /// Index sections, in file order: symbols, series, label index, postings.
    static let sectionCount = 4
    /// The table of contents closing the index file: (offset u64, length u64) per section, then a CRC32C.
    static let tocSize = sectionCount * 16 + checksumSize

    /// `parent/name`, without doubling a trailing slash.
    static func join(_ parent: String, _ name: String) -> String {
        parent.hasSuffix("/") ? parent + name : parent + "/" + name
    }
}
