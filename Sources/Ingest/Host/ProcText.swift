/// Lines and white-space separated fields of a kernel text file, as slices of its bytes: no
/// copies until a field becomes a label value or a number.
typealias ProcField = ArraySlice<UInt8>

extension Array where Element == UInt8 {
    /// Non-empty lines.
    var procLines: [ProcField] { split(separator: UInt8(ascii: "\n")) }
}

extension ArraySlice where Element == UInt8 {
    /// Fields separated by runs of white space, lazily (the `intr` line of /proc/stat has
    /// thousands; callers usually want the first few).
    var fields: ProcFields { ProcFields(rest: self) }

    var string: String { String(decoding: self, as: UTF8.self) }

    /// The field as an unsigned decimal integer, as Go's `strconv.ParseUint(s, 10, 64)` reads it.
    var uint64: UInt64? {
        if isEmpty || count > 20 { return nil }
        var v: UInt64 = 0
        for b in self {
            guard b >= 48 && b <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(b - 48))
            if o1 || o2 { return nil }
            v = s
        }
        return v
    }

    /// The field as a number, as Go's `strconv.ParseFloat(s, 64)` reads the kernel's decimals:
    /// integers (negative too, e.g. `MaxConn -1`) exactly, others by correct rounding.
    var double: Double? {
        if let u = uint64 { return Double(u) }
        if first == UInt8(ascii: "-"), let u = dropFirst().uint64 { return -Double(u) }
        // Only plain decimals: Swift would also take "nan", "inf" and hex floats.
        guard !isEmpty, allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
                                      || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "+") })
        else { return nil }
        return Double(string)
    }

    /// Whether the field is exactly this ASCII text.
    func isText(_ s: StaticString) -> Bool {
        guard count == s.utf8CodeUnitCount else { return false }
        return s.withUTF8Buffer { zip($0, self).allSatisfy { $0 == $1 } }
    }

    /// Whether the field starts with this ASCII text.
    func hasPrefix(_ s: StaticString) -> Bool {
        guard count >= s.utf8CodeUnitCount else { return false }
        return s.withUTF8Buffer { zip($0, self).allSatisfy { $0 == $1 } }
    }
}

/// The fields of one line; see `ArraySlice<UInt8>.fields`.
struct ProcFields: Sequence, IteratorProtocol {
    var rest: ProcField

    static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }

    mutating func next() -> ProcField? {
        var i = rest.startIndex
        while i < rest.endIndex && Self.isSpace(rest[i]) { i += 1 }
        if i == rest.endIndex { return nil }
        var j = i
        while j < rest.endIndex && !Self.isSpace(rest[j]) { j += 1 }
        let field = rest[i..<j]
        rest = rest[j...]
        return field
    }
}
