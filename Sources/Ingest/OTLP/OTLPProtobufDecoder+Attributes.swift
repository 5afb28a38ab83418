/// Attributes: KeyValue lists and AnyValue, nested arrays and maps rendered to JSON text.
extension OTLPProtobufDecoder.Builder {
        /// A list of KeyValue messages in `field` of the message at `range`; returns their range.
        mutating func attributeList(_ base: Base, _ range: Range<Int>, field wanted: UInt64, _ name: String) throws(IngestError) -> Range<Int32> {
            let start = Int32(data.attributes.count)
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                if field == wanted {
                    try expect(wire, .lengthDelimited, name, field, key)
                    try keyValue(base, try r.readLengthDelimited())
                } else {
                    try r.skip(wire, field: field)
                }
            }
            return start..<Int32(data.attributes.count)
        }

        mutating func keyValue(_ base: Base, _ range: Range<Int>) throws(IngestError) {
            guard data.attributes.count < limits.maxLabelPairs else {
                throw IngestError(.tooLarge, "more than \(limits.maxLabelPairs) attributes in one request")
            }
            var attribute = OTLPMetricsData.Attribute(key: .empty, kind: .empty)
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .lengthDelimited, "KeyValue.key", field, key)
                    attribute.key = TextSpan(try r.readLengthDelimited())
                case 2:
                    try expect(wire, .lengthDelimited, "KeyValue.value", field, key)
                    try anyValue(base, try r.readLengthDelimited(), into: &attribute)
                default:
                    try r.skip(wire, field: field)
                }
            }
            data.attributes.append(attribute)
        }

        /// A top-level AnyValue: scalars kept as they are, arrays and maps rendered to JSON.
        mutating func anyValue(_ base: Base, _ range: Range<Int>, into a: inout OTLPMetricsData.Attribute) throws(IngestError) {
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            a.kind = .empty
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .lengthDelimited, "AnyValue.string_value", field, key)
                    a.kind = .string
                    a.value = TextSpan(try r.readLengthDelimited())
                case 2:
                    try expect(wire, .varint, "AnyValue.bool_value", field, key)
                    a.kind = .bool
                    a.bits = try r.readVarint() != 0 ? 1 : 0
                case 3:
                    try expect(wire, .varint, "AnyValue.int_value", field, key)
                    a.kind = .int
                    a.bits = try r.readVarint()
                case 4:
                    try expect(wire, .fixed64, "AnyValue.double_value", field, key)
                    a.kind = .double
                    a.bits = try r.readFixed64()
                case 5, 6:
                    try expect(wire, .lengthDelimited, field == 5 ? "AnyValue.array_value" : "AnyValue.kvlist_value", field, key)
                    let nested = try container(base, try r.readLengthDelimited(), isMap: field == 6, depth: 1)
                    a.kind = .rendered
                    a.value = render(nested)
                case 7:
                    try expect(wire, .lengthDelimited, "AnyValue.bytes_value", field, key)
                    a.kind = .bytes
                    a.value = TextSpan(try r.readLengthDelimited())
                default:
                    try r.skip(wire, field: field)
                }
            }
        }

        /// Appends the JSON text of a nested value to the arena; "" where Go's encoder fails.
        mutating func render(_ value: OTLPValueFormat.Nested) -> TextSpan {
            let start = bodyCount + extra.count
            extra.append(contentsOf: OTLPValueFormat.json(value) ?? [])
            return TextSpan(start..<(bodyCount + extra.count))
        }

        /// An ArrayValue (`values` = AnyValue) or KeyValueList (`values` = KeyValue), field 1.
        func container(_ base: Base, _ range: Range<Int>, isMap: Bool, depth: Int) throws(IngestError) -> OTLPValueFormat.Nested {
            guard depth <= OTLPProtobufDecoder.maxValueDepth else {
                throw IngestError(.badProtobuf, "attribute values nested deeper than \(OTLPProtobufDecoder.maxValueDepth)", offset: range.lowerBound)
            }
            var items: [OTLPValueFormat.Nested] = []
            var entries: [(key: [UInt8], value: OTLPValueFormat.Nested)] = []
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                guard field == 1 else { try r.skip(wire, field: field); continue }
                try expect(wire, .lengthDelimited, isMap ? "KeyValueList.values" : "ArrayValue.values", field, key)
                let sub = try r.readLengthDelimited()
                if isMap {
                    entries.append(try nestedKeyValue(base, sub, depth: depth))
                } else {
                    items.append(try nestedValue(base, sub, depth: depth))
                }
            }
            return isMap ? .map(entries) : .array(items)
        }

        func nestedKeyValue(_ base: Base, _ range: Range<Int>, depth: Int) throws(IngestError) -> (key: [UInt8], value: OTLPValueFormat.Nested) {
            var k: [UInt8] = []
            var v = OTLPValueFormat.Nested.empty
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .lengthDelimited, "KeyValue.key", field, key)
                    k = Self.bytes(base, try r.readLengthDelimited())
                case 2:
                    try expect(wire, .lengthDelimited, "KeyValue.value", field, key)
                    v = try nestedValue(base, try r.readLengthDelimited(), depth: depth)
                default:
                    try r.skip(wire, field: field)
                }
            }
            return (k, v)
        }

        func nestedValue(_ base: Base, _ range: Range<Int>, depth: Int) throws(IngestError) -> OTLPValueFormat.Nested {
            var v = OTLPValueFormat.Nested.empty
            var r = ProtobufReader(base: base, position: range.lowerBound, end: range.upperBound)
            while !r.isAtEnd {
                let key = r.position
                let (field, wire) = try r.readTag()
                switch field {
                case 1:
                    try expect(wire, .lengthDelimited, "AnyValue.string_value", field, key)
                    v = .string(Self.bytes(base, try r.readLengthDelimited()))
                case 2:
                    try expect(wire, .varint, "AnyValue.bool_value", field, key)
                    v = .bool(try r.readVarint() != 0)
                case 3:
                    try expect(wire, .varint, "AnyValue.int_value", field, key)
                    v = .int(Int64(bitPattern: try r.readVarint()))
                case 4:
                    try expect(wire, .fixed64, "AnyValue.double_value", field, key)
                    v = .double(Double(bitPattern: try r.readFixed64()))
                case 5, 6:
                    try expect(wire, .lengthDelimited, "AnyValue container", field, key)
                    v = try container(base, try r.readLengthDelimited(), isMap: field == 6, depth: depth + 1)
                case 7:
                    try expect(wire, .lengthDelimited, "AnyValue.bytes_value", field, key)
                    v = .bytes(Self.bytes(base, try r.readLengthDelimited()))
                default:
                    try r.skip(wire, field: field)
                }
            }
            return v
        }
}
