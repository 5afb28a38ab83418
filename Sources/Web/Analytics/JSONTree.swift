import Foundation

/// JSON text parsed into the tree `JSONSerialization` gives (`[String: Any]`, `[Any]`, `String`,
/// `NSNumber`, `NSNull`), but through `JSONDecoder`: on Linux `JSONSerialization` parses
/// doubles to only 16 significant digits (0.41821138211382114 reads back as
/// 0.4182113821138211), and requests (filter values, weights) and answers must round-trip.
/// Numbers without a fraction or exponent that fit in Int64 are integer `NSNumber`s, booleans
/// are boolean ones (`objCType` "c"); `JSONSerialization.data` writes the tree back exactly.
enum JSONTree {
    /// - Throws: `DecodingError` for text that is not JSON.
    static func parse(_ data: Data) throws -> Any {
        try JSONDecoder().decode(Node.self, from: data).value
    }

    private struct Node: Decodable {
        let value: Any

        init(from decoder: any Decoder) throws {
            if var list = try? decoder.unkeyedContainer() {
                var items: [Any] = []
                while !list.isAtEnd { items.append(try list.decode(Node.self).value) }
                value = items
            } else if let object = try? decoder.container(keyedBy: Key.self) {
                var out: [String: Any] = [:]
                for key in object.allKeys { out[key.stringValue] = try object.decode(Node.self, forKey: key).value }
                value = out
            } else {
                let c = try decoder.singleValueContainer()
                if c.decodeNil() { value = NSNull() }
                else if let b = try? c.decode(Bool.self) { value = NSNumber(value: b) }
                else if let i = try? c.decode(Int64.self) { value = NSNumber(value: i) }
                else if let d = try? c.decode(Double.self) { value = NSNumber(value: d) }
                else { value = try c.decode(String.self) }
            }
        }
    }

    private struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
