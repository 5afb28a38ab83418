import Ingest

/// Bounds on what one ingest request may carry.
public struct IngestLimits: Sendable {
    /// Largest request body accepted, as sent (compressed).
    public var maxBodyBytes = 16 << 20
    /// Largest body once decompressed.
    public var maxDecompressedBytes = 64 << 20
    public var remoteWrite = RemoteWriteLimits()

    public init() {}
}
