/// Limits applied to remote-write requests.
///
/// Request-wide counts (`maxSeries`, `maxSamples`, `maxLabelPairs`) are enforced by the decoder
/// and reject the whole request with `.tooLarge`; they bound the memory a request can make the
/// server allocate. Per-series limits (`maxLabelsPerSeries`, name and value sizes) are enforced by
/// `SeriesValidator` and reject only the offending series with `.invalidSeries`.
public struct RemoteWriteLimits: Sendable {
    /// Most labels one series may carry after empty values are dropped, `__name__` included.
    public var maxLabelsPerSeries: Int
    /// Longest label name, in UTF-8 bytes.
    public var maxLabelNameBytes: Int
    /// Longest label value, in UTF-8 bytes.
    public var maxLabelValueBytes: Int
    /// Most `TimeSeries` messages in one request.
    public var maxSeries: Int
    /// Most float samples in one request.
    public var maxSamples: Int
    /// Most label pairs in one request, over all series.
    public var maxLabelPairs: Int

    /// Defaults sized far above what Prometheus and agents send (a few thousand samples per
    /// request) while keeping one request's decoded arrays under about 150 MB.
    public init(maxLabelsPerSeries: Int = 64, maxLabelNameBytes: Int = 256, maxLabelValueBytes: Int = 4096,
                maxSeries: Int = 1_000_000, maxSamples: Int = 4_000_000, maxLabelPairs: Int = 4_000_000) {
        self.maxLabelsPerSeries = maxLabelsPerSeries
        self.maxLabelNameBytes = maxLabelNameBytes
        self.maxLabelValueBytes = maxLabelValueBytes
        self.maxSeries = maxSeries
        self.maxSamples = maxSamples
        self.maxLabelPairs = maxLabelPairs
    }
}
