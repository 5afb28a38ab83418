// Prometheus's `strutil.Unquote` for PromQL string literals ("...", '...', `...`).

/// Why a quoted string could not be unquoted.
public struct UnquoteError: Error {}

/// Prometheus's `strutil.Unquote`: strips `"`, `'` or `` ` `` quotes and resolves Go escapes
/// (`\n`, `\x41`, `\101`, `\u00e9`, `\U0001F600`, ...). Single-quoted strings may hold any number of
/// characters. `\x` and octal escapes produce raw bytes; invalid UTF-8 that results is repaired.
public func goUnquote(_ quoted: String) throws(UnquoteError) -> String {
    let scalars = Array(quoted.unicodeScalars)
    guard scalars.count >= 2, let quote = scalars.first, scalars.last == quote else { throw UnquoteError() }
    let body = scalars[1..<(scalars.count - 1)]
    if quote == "`" {
        if body.contains("`") { throw UnquoteError() }
        var s = String.UnicodeScalarView()
        s.append(contentsOf: body)
        return String(s)
    }
    guard quote == "\"" || quote == "'" else { throw UnquoteError() }
    if body.contains("\n") { throw UnquoteError() }
    if !body.contains("\\") && !body.contains(quote) {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: body)
        return String(s)
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(body.count)
    func appendScalar(_ s: Unicode.Scalar) {
        guard let encoded = Unicode.UTF8.encode(s) else { return }
        bytes.append(contentsOf: encoded)
    }
    var i = body.startIndex
    func digit(_ s: Unicode.Scalar) -> UInt32? {
        switch s {
        case "0"..."9": return s.value - 48
        case "a"..."f": return s.value - 97 + 10
        case "A"..."F": return s.value - 65 + 10
        default: return nil
        }
    }
    while i < body.endIndex {
        let c = body[i]
        i += 1
        if c == quote { throw UnquoteError() }
        if c != "\\" {
            appendScalar(c)
            continue
        }
        guard i < body.endIndex else { throw UnquoteError() }
        let e = body[i]
        i += 1
        switch e {
        case "a": bytes.append(7)
        case "b": bytes.append(8)
        case "f": bytes.append(12)
        case "n": bytes.append(10)
        case "r": bytes.append(13)
        case "t": bytes.append(9)
        case "v": bytes.append(11)
        case "\\": bytes.append(92)
        case "'", "\"":
            if e != quote { throw UnquoteError() }
            appendScalar(e)
        case "0"..."7":
            var v = e.value - 48
            for _ in 0..<2 {
                guard i < body.endIndex, let d = digit(body[i]), d < 8 else { throw UnquoteError() }
                v = v * 8 + d
                i += 1
            }
            guard v <= 255 else { throw UnquoteError() }
            bytes.append(UInt8(v))
        case "x", "u", "U":
            let n = e == "x" ? 2 : (e == "u" ? 4 : 8)
            var v: UInt32 = 0
            for _ in 0..<n {
                guard i < body.endIndex, let d = digit(body[i]) else { throw UnquoteError() }
                v = v &* 16 &+ d
                i += 1
            }
            if e == "x" {
                bytes.append(UInt8(v))
            } else {
                guard let s = Unicode.Scalar(v) else { throw UnquoteError() }
                appendScalar(s)
            }
        default:
            throw UnquoteError()
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
