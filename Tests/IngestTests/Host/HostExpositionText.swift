/// A minimal reader of the Prometheus text exposition format, enough to read node_exporter's
/// /metrics in the comparison test: `name{label="value",...} value [timestamp]` lines, comments
/// skipped. Labels with empty values are dropped, as a Prometheus scrape drops them.
struct HostExpositionText {
    struct Series: Hashable, CustomStringConvertible {
        var name: String
        /// Sorted by name.
        var labels: [String: String]

        var description: String {
            name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    private(set) var values: [Series: Double] = [:]

    init(_ text: String) throws {
        for (n, raw) in text.split(separator: "\n").enumerated() {
            let line = raw.drop { $0 == " " }
            if line.isEmpty || line.hasPrefix("#") { continue }
            var rest = Substring(line)
            let name = String(rest.prefix { $0 != "{" && $0 != " " })
            rest = rest.dropFirst(name.count)
            var labels: [String: String] = [:]
            if rest.hasPrefix("{") {
                rest = rest.dropFirst()
                while !rest.hasPrefix("}") {
                    let key = String(rest.prefix { $0 != "=" })
                    rest = rest.dropFirst(key.count)
                    guard rest.hasPrefix("=\"") else { throw ParseError(description: "line \(n + 1): expected =\" after \(key)") }
                    rest = rest.dropFirst(2)
                    var value = ""
                    while let c = rest.first, c != "\"" {
                        rest = rest.dropFirst()
                        if c == "\\", let e = rest.first {
                            rest = rest.dropFirst()
                            value.append(e == "n" ? "\n" : e)
                        } else {
                            value.append(c)
                        }
                    }
                    guard rest.hasPrefix("\"") else { throw ParseError(description: "line \(n + 1): unterminated value of \(key)") }
                    rest = rest.dropFirst()
                    if rest.hasPrefix(",") { rest = rest.dropFirst() }
                    if !value.isEmpty { labels[key] = value }
                    guard !rest.isEmpty else { throw ParseError(description: "line \(n + 1): unterminated labels") }
                }
                rest = rest.dropFirst()
            }
            let fields = rest.split(separator: " ")
            guard let text = fields.first, let v = Double(text) else {
                throw ParseError(description: "line \(n + 1): bad value in \(line)")
            }
            values[Series(name: name, labels: labels)] = v
        }
    }
}
