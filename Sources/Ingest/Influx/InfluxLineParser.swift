import Glibc

/// Parses InfluxDB line protocol (https://docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/):
///
/// ```
/// measurement[,tag=value...] field=value[,field=value...] [timestamp]
/// ```
///
/// - Escapes: a backslash makes the next character literal; `\,` `\ ` (and in tag keys, tag
///   values and field keys `\=`) and `\\` stand for the character, any other `\x` is kept as
///   written. Quoted string field values may hold spaces, commas and `=`; `\"` and `\\` in them
///   stand for `"` and `\`.
/// - Field values: floats (`1`, `-1.5`, `.5`, `1e3`; NaN and Inf are refused), integers `12i`,
///   unsigned `12u`, booleans `t T true True TRUE f F false False FALSE`, strings `"..."`.
/// - Timestamps: an optional integer (may be negative), in the request's precision.
/// - Lines end at `\n` (a trailing `\r` is dropped); empty lines and lines starting with `#`
///   are skipped; spaces may repeat between the sections.
///
/// Each bad line gives an `InfluxLineError` with its line and column, and the other lines are
/// kept. Tags must have a key and a value and may not repeat; a repeated field keeps its last
/// value, as InfluxDB does. All functions are pure and safe to call concurrently.
public enum InfluxLineParser {
    /// Longest line accepted, as VictoriaMetrics' `-influx.maxLineSize` default.
    public static let defaultMaxLineBytes = 256 << 10

    /// - Throws: `.tooLarge` when the body holds more than `maxFields` fields (the samples it
    ///   would make) or is over 1 GiB; nothing else: bad lines are reported in the result.
    public static func parse(_ body: [UInt8], maxLineBytes: Int = defaultMaxLineBytes,
                             maxFields: Int = 4_000_000) throws(IngestError) -> InfluxLines {
        guard body.count <= Int(Int32.max) / 2 else {
            throw IngestError(.tooLarge, "body of \(body.count) bytes is over 1 GiB")
        }
        var out = InfluxLines()
        var arena: [UInt8] = []
        var failure: IngestError?
        body.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            var line = 0
            while start < buffer.count {
                line += 1
                let end: Int
                if let nl = memchr(base + start, 0x0A, buffer.count - start) {
                    end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                } else {
                    end = buffer.count
                }
                var stop = end
                if stop > start && base[stop - 1] == 0x0D { stop -= 1 }
                var first = start
                while first < stop && (base[first] == 0x20 || base[first] == 0x09) { first += 1 }
                if first < stop && base[first] != UInt8(ascii: "#") {
                    if stop - start > maxLineBytes {
                        out.errors.append(InfluxLineError(line: line, column: 1, message: "line is \(stop - start) bytes, longer than the limit of \(maxLineBytes)",
                                                          excerpt: excerpt(base, start, stop)))
                    } else {
                        var p = LineParser(base: base, line: Int32(truncatingIfNeeded: line), pos: first, end: stop, bodyCount: buffer.count)
                        let tagCount = out.tags.count, fieldCount = out.fields.count
                        do throws(LineFailure) {
                            try p.parse(into: &out, arena: &arena)
                        } catch {
                            out.tags.removeSubrange(tagCount...)
                            out.fields.removeSubrange(fieldCount...)
                            out.errors.append(InfluxLineError(line: line, column: error.position - start + 1, message: error.message,
                                                              excerpt: excerpt(base, start, stop)))
                        }
                        if out.fields.count > maxFields {
                            failure = IngestError(.tooLarge, "more than \(maxFields) fields in one request")
                            return
                        }
                    }
                }
                start = end + 1
            }
        }
        if let failure { throw failure }
        out.text = body
        out.text.append(contentsOf: arena)
        return out
    }

    static func excerpt(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let cut = min(end - start, 100)
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: cut), as: UTF8.self)
        return cut < end - start ? text + "…" : text
    }

    struct LineFailure: Error {
        var position: Int
        var message: String
    }

    struct LineParser {
        let base: UnsafePointer<UInt8>
        let line: Int32
        var pos: Int
        let end: Int
        let bodyCount: Int

        static let space = UInt8(ascii: " "), comma = UInt8(ascii: ","), equals = UInt8(ascii: "=")
        static let backslash = UInt8(ascii: "\\"), quote = UInt8(ascii: "\"")

        func fail(_ message: String, at position: Int? = nil) -> LineFailure {
            LineFailure(position: position ?? pos, message: message)
        }

        mutating func skipSpaces() {
            while pos < end && base[pos] == Self.space { pos += 1 }
        }

        mutating func parse(into out: inout InfluxLines, arena: inout [UInt8]) throws(LineFailure) {
            let measurementStart = pos
            let measurement = name(stopAtEquals: false, escapesEquals: false, arena: &arena)
            if measurement.isEmpty { throw fail("missing measurement", at: measurementStart) }
            let tagStart = Int32(out.tags.count)
            while pos < end && base[pos] == Self.comma {
                pos += 1
                try tag(into: &out, arena: &arena, from: tagStart)
            }
            guard pos < end else { throw fail("missing fields") }
            skipSpaces()
            guard pos < end else { throw fail("missing fields") }
            let fieldStart = Int32(out.fields.count)
            while true {
                try field(into: &out, arena: &arena, from: fieldStart)
                if pos < end && base[pos] == Self.comma {
                    pos += 1
                    continue
                }
                break
            }
            skipSpaces()
            var timestamp: Int64?
            if pos < end { timestamp = try self.timestamp() }
            out.points.append(InfluxLines.Point(measurement: measurement, tags: tagStart..<Int32(out.tags.count),
                                                fields: fieldStart..<Int32(out.fields.count), timestamp: timestamp, line: line))
        }

        mutating func tag(into out: inout InfluxLines, arena: inout [UInt8], from first: Int32) throws(LineFailure) {
            let keyStart = pos
            let key = name(stopAtEquals: true, escapesEquals: true, arena: &arena)
            if key.isEmpty { throw fail("missing tag key", at: keyStart) }
            guard pos < end, base[pos] == Self.equals else { throw fail("missing tag value") }
            pos += 1
            let valueStart = pos
            let value = name(stopAtEquals: true, escapesEquals: true, arena: &arena)
            if pos < end && base[pos] == Self.equals { throw fail("invalid tag format (an unescaped '=' in the tag value)") }
            if value.isEmpty { throw fail("missing tag value", at: valueStart) }
            for t in out.tags[Int(first)...] where same(t.key, key, arena) {
                throw fail("duplicate tag \"\(string(key, arena))\"", at: keyStart)
            }
            out.tags.append(InfluxLines.Tag(key: key, value: value))
        }

        mutating func field(into out: inout InfluxLines, arena: inout [UInt8], from first: Int32) throws(LineFailure) {
            let keyStart = pos
            let key = name(stopAtEquals: true, escapesEquals: true, arena: &arena)
            if key.isEmpty { throw fail("missing field key", at: keyStart) }
            guard pos < end, base[pos] == Self.equals else { throw fail("missing field value (expected '=' after the field key)") }
            pos += 1
            guard pos < end, base[pos] != Self.space, base[pos] != Self.comma else { throw fail("missing field value") }
            let (kind, value) = try fieldValue()
            let f = InfluxLines.Field(key: key, kind: kind, value: value)
            if let i = out.fields[Int(first)...].firstIndex(where: { same($0.key, key, arena) }) {
                out.fields[i] = f
            } else {
                out.fields.append(f)
            }
        }

        mutating func fieldValue() throws(LineFailure) -> (InfluxLines.Field.Kind, Double) {
            let start = pos
            if base[pos] == Self.quote {
                pos += 1
                while pos < end {
                    let c = base[pos]
                    if c == Self.backslash && pos + 1 < end {
                        pos += 2
                        continue
                    }
                    pos += 1
                    if c == Self.quote { return (.string, 0) }
                }
                throw fail("unterminated string field value (unbalanced quotes)", at: start)
            }
            while pos < end && base[pos] != Self.comma && base[pos] != Self.space { pos += 1 }
            let token = UnsafeBufferPointer(start: base + start, count: pos - start)
            if let b = boolean(token) { return (.boolean, b ? 1 : 0) }
            guard let last = token.last else { throw fail("missing field value", at: start) }
            if last == UInt8(ascii: "i") || last == UInt8(ascii: "u") {
                let digits = UnsafeBufferPointer(rebasing: token[..<(token.count - 1)])
                guard let (m, negative) = integer(digits) else { throw fail("invalid \(last == UInt8(ascii: "i") ? "integer" : "unsigned") field value", at: start) }
                if last == UInt8(ascii: "u") {
                    guard !negative else { throw fail("unsigned field value is negative", at: start) }
                    return (.unsigned, Double(m))
                }
                guard negative ? m <= UInt64(Int64.max) + 1 : m <= UInt64(Int64.max) else {
                    throw fail("integer field value is out of the 64-bit range", at: start)
                }
                return (.integer, negative ? -Double(m) : Double(m))
            }
            guard isFloat(token) else { throw fail("invalid field value (not a number, boolean or quoted string)", at: start) }
            guard let v = parseDouble(token), v.isFinite else { throw fail("float field value is out of range", at: start) }
            return (.float, v)
        }

        mutating func timestamp() throws(LineFailure) -> Int64 {
            let start = pos
            while pos < end && base[pos] != Self.space { pos += 1 }
            let token = UnsafeBufferPointer(start: base + start, count: pos - start)
            guard let (m, negative) = integer(token) else { throw fail("bad timestamp (not an integer)", at: start) }
            guard negative ? m <= UInt64(Int64.max) + 1 : m <= UInt64(Int64.max) else { throw fail("timestamp is out of the 64-bit range", at: start) }
            skipSpaces()
            if pos < end { throw fail("unexpected text after the timestamp") }
            return negative ? Int64(truncatingIfNeeded: 0 &- m) : Int64(m)
        }

        /// A measurement, tag key, tag value or field key: up to an unescaped space, comma, or
        /// (when `stopAtEquals`) equals sign, unescaped into the arena only if it has escapes.
        mutating func name(stopAtEquals: Bool, escapesEquals: Bool, arena: inout [UInt8]) -> TextSpan {
            let start = pos
            var escaped = false
            while pos < end {
                let c = base[pos]
                if c == Self.backslash && pos + 1 < end {
                    escaped = true
                    pos += 2
                    continue
                }
                if c == Self.space || c == Self.comma || (stopAtEquals && c == Self.equals) { break }
                pos += 1
            }
            guard escaped else { return TextSpan(start..<pos) }
            let arenaStart = arena.count
            var i = start
            while i < pos {
                let c = base[i]
                if c == Self.backslash && i + 1 < pos {
                    let n = base[i + 1]
                    if n == Self.comma || n == Self.space || n == Self.backslash || (escapesEquals && n == Self.equals) {
                        arena.append(n)
                        i += 2
                        continue
                    }
                }
                arena.append(c)
                i += 1
            }
            return TextSpan((bodyCount + arenaStart)..<(bodyCount + arena.count))
        }

        /// Calls `body` with the bytes of a span of the body or the arena.
        func withBytes<R>(_ s: TextSpan, _ arena: [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
            let start = Int(s.start), n = Int(s.count)
            if start >= bodyCount {
                return arena.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[(start - bodyCount)..<(start - bodyCount + n)])) }
            }
            return body(UnsafeRawBufferPointer(start: base + start, count: n))
        }

        func same(_ a: TextSpan, _ b: TextSpan, _ arena: [UInt8]) -> Bool {
            guard a.count == b.count else { return false }
            return withBytes(a, arena) { x in
                withBytes(b, arena) { y in x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
            }
        }

        func string(_ s: TextSpan, _ arena: [UInt8]) -> String { withBytes(s, arena) { String(decoding: $0, as: UTF8.self) } }

        func boolean(_ t: UnsafeBufferPointer<UInt8>) -> Bool? {
            switch String(decoding: t, as: UTF8.self) {
            case "t", "T", "true", "True", "TRUE": true
            case "f", "F", "false", "False", "FALSE": false
            default: nil
            }
        }

        /// `-?[0-9]+` as magnitude and sign.
        func integer(_ t: UnsafeBufferPointer<UInt8>) -> (UInt64, Bool)? {
            var i = 0
            let negative = t.first == UInt8(ascii: "-")
            if negative { i = 1 }
            guard i < t.count else { return nil }
            var v: UInt64 = 0
            while i < t.count {
                let c = t[i]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(c - 0x30))
                if o1 || o2 { return nil }
                v = a
                i += 1
            }
            return (v, negative)
        }

        /// `-?(digits[.digits?]|.digits)([eE][+-]?digits)?`: what InfluxDB takes as a float.
        func isFloat(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
            var i = 0
            if i < t.count && t[i] == UInt8(ascii: "-") { i += 1 }
            var digits = 0
            while i < t.count && t[i] >= 0x30 && t[i] <= 0x39 { i += 1; digits += 1 }
            if i < t.count && t[i] == UInt8(ascii: ".") {
                i += 1
                while i < t.count && t[i] >= 0x30 && t[i] <= 0x39 { i += 1; digits += 1 }
            }
            guard digits > 0 else { return false }
            if i < t.count && (t[i] | 0x20) == UInt8(ascii: "e") {
                i += 1
                if i < t.count && (t[i] == UInt8(ascii: "+") || t[i] == UInt8(ascii: "-")) { i += 1 }
                var e = 0
                while i < t.count && t[i] >= 0x30 && t[i] <= 0x39 { i += 1; e += 1 }
                guard e > 0 else { return false }
            }
            return i == t.count
        }

        func parseDouble(_ t: UnsafeBufferPointer<UInt8>) -> Double? {
            OTLPJSONReader.double(UnsafeRawBufferPointer(t))
        }
    }
}
