import CoreMetrics

extension Duration {
    /// The duration in whole nanoseconds, saturating at `Int64.min` and `Int64.max`.
    var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflow2) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return total
    }
}

extension CoreMetrics.Timer {
    /// Records a `Duration`, saturating past `Int64` nanoseconds (292 years).
    func record(_ duration: Duration) {
        recordNanoseconds(duration.clampedNanoseconds)
    }
}
