/// A run of bytes in a decoder's text buffer: the request body itself where a string could be
/// used as sent, or the arena appended after it where it had to be unescaped or rendered.
///
/// Int32 keeps the flat arrays small; decoders refuse bodies past 2 GiB.
struct TextSpan: Hashable, Sendable {
    var start: Int32
    var count: Int32

    static let empty = TextSpan(start: 0, count: 0)

    init(start: Int32, count: Int32) {
        self.start = start
        self.count = count
    }

    init(_ range: Range<Int>) {
        start = Int32(truncatingIfNeeded: range.lowerBound)
        count = Int32(truncatingIfNeeded: range.count)
    }

    var isEmpty: Bool { count == 0 }
    var range: Range<Int> { Int(start)..<Int(start) + Int(count) }
}

extension Array where Element == UInt8 {
    /// The bytes of `span` as a String (invalid UTF-8 replaced by U+FFFD).
    func string(_ span: TextSpan) -> String {
        String(decoding: self[span.range], as: UTF8.self)
    }

    /// Whether the bytes of `span` equal `literal`, without allocating.
    func equals(_ span: TextSpan, _ literal: StaticString) -> Bool {
        guard span.count == literal.utf8CodeUnitCount else { return false }
        let p = literal.utf8Start
        var i = Int(span.start)
        for k in 0..<Int(span.count) {
            if self[i] != p[k] { return false }
            i += 1
        }
        return true
    }
}
