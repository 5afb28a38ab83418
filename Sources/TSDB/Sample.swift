/// One point of a series: a timestamp in milliseconds since the Unix epoch and a float value.
public struct Sample: Hashable, Sendable {
    public var t: Int64
    public var v: Double

    public init(t: Int64, v: Double) {
        self.t = t
        self.v = v
    }

    public static func == (a: Sample, b: Sample) -> Bool {
        a.t == b.t && a.v.bitPattern == b.v.bitPattern
    }

    public func hash(into h: inout Hasher) {
        h.combine(t)
        h.combine(v.bitPattern)
    }
}

/// Prometheus's staleness marker: a NaN with this exact bit pattern marks a series as gone.
public let staleNaNBits: UInt64 = 0x7ff0_0000_0000_0002

extension Double {
    public static var staleMarker: Double { Double(bitPattern: staleNaNBits) }
    public var isStaleMarker: Bool { bitPattern == staleNaNBits }
}
