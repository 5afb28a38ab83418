/// Attributes: KeyValue lists and AnyValue objects, nested arrays and maps rendered to JSON text.
extension OTLPJSONDecoder.Decoder {
        /// A list of KeyValue objects; returns their range in `attributes`.
        mutating func attributes() throws(IngestError) -> Range<Int32> {
            let start = Int32(data.attributes.count)
            try array { (d: inout Self) throws(IngestError) in try d.keyValue() }
            return start..<Int32(data.attributes.count)
        }

        mutating func keyValue() throws(IngestError) {
            guard data.attributes.count < limits.maxLabelPairs else {
                throw IngestError(.tooLarge, "more than \(limits.maxLabelPairs) attributes in one request")
            }
            var a = OTLPMetricsData.Attribute(key: .empty, kind: .empty)
            try reader.beginObject()
            var first = true
            while let k = try reader.nextKey(first: &first) {
                if reader.readNull() { continue }
                if key(k, "key") {
                    a.key = try string(k)
                } else if key(k, "value") {
                    try anyValue(&a)
                } else {
                    try reader.skipValue()
                }
            }
            data.attributes.append(a)
        }

        /// A top-level AnyValue: scalars kept, arrays and maps rendered to JSON text in the arena.
        mutating func anyValue(_ a: inout OTLPMetricsData.Attribute) throws(IngestError) {
            let nested = try nestedValue(depth: 0)
            switch nested {
            case .empty: a.kind = .empty
            case .bool(let b): a.kind = .bool; a.bits = b ? 1 : 0
            case .int(let i): a.kind = .int; a.bits = UInt64(bitPattern: i)
            case .double(let d): a.kind = .double; a.bits = d.bitPattern
            case .string(let s): a.kind = .string; a.value = store(s)
            case .bytes(let b): a.kind = .bytes; a.value = store(b)
            case .array, .map:
                a.kind = .rendered
                a.value = store(OTLPValueFormat.json(nested) ?? [])
            }
        }

        /// Appends bytes to the arena; returns their span in the final text.
        mutating func store(_ bytes: [UInt8]) -> TextSpan {
            let start = reader.bodyCount + reader.arena.count
            reader.arena.append(contentsOf: bytes)
            return TextSpan(start..<(reader.bodyCount + reader.arena.count))
        }

        mutating func nestedValue(depth: Int) throws(IngestError) -> OTLPValueFormat.Nested {
            guard depth <= OTLPProtobufDecoder.maxValueDepth else {
                throw reader.error("attribute values nested deeper than \(OTLPProtobufDecoder.maxValueDepth)")
            }
            var v = OTLPValueFormat.Nested.empty
            try reader.beginObject()
            var first = true
            while let k = try reader.nextKey(first: &first) {
                if reader.readNull() { continue }
                if key(k, "stringValue", "string_value") {
                    let span = try string(k)
                    v = .string(reader.copyBytes(span))
                } else if key(k, "boolValue", "bool_value") {
                    v = .bool(try bool(k))
                } else if key(k, "intValue", "int_value") {
                    v = .int(try signed(k))
                } else if key(k, "doubleValue", "double_value") {
                    v = .double(try double(k))
                } else if key(k, "bytesValue", "bytes_value") {
                    v = .bytes(try base64(k))
                } else if key(k, "arrayValue", "array_value") || key(k, "kvlistValue", "kvlist_value") {
                    let isMap = key(k, "kvlistValue", "kvlist_value")
                    var items: [OTLPValueFormat.Nested] = []
                    var entries: [(key: [UInt8], value: OTLPValueFormat.Nested)] = []
                    try reader.beginObject()
                    var f = true
                    while let ck = try reader.nextKey(first: &f) {
                        guard !reader.readNull(), key(ck, "values") else { try reader.skipValue(); continue }
                        try array { (d: inout Self) throws(IngestError) in
                            if isMap { entries.append(try d.nestedKeyValue(depth: depth + 1)) } else { items.append(try d.nestedValue(depth: depth + 1)) }
                        }
                    }
                    v = isMap ? .map(entries) : .array(items)
                } else {
                    try reader.skipValue()
                }
            }
            return v
        }

        mutating func nestedKeyValue(depth: Int) throws(IngestError) -> (key: [UInt8], value: OTLPValueFormat.Nested) {
            var k: [UInt8] = []
            var v = OTLPValueFormat.Nested.empty
            try reader.beginObject()
            var first = true
            while let kk = try reader.nextKey(first: &first) {
                if reader.readNull() { continue }
                if key(kk, "key") {
                    let span = try string(kk)
                    k = reader.copyBytes(span)
                } else if key(kk, "value") { v = try nestedValue(depth: depth) } else { try reader.skipValue() }
            }
            return (k, v)
        }
}
