/// Correction of event timestamps for a sender whose clock is wrong, as PostHog does with
/// `sent_at`: the sender says when it sent the request by its own clock; the difference from the
/// server's clock at arrival is the skew, and event timestamps are moved by it.
///
/// The measured difference also holds the request's transit time, which one request cannot tell
/// apart from skew; so, like PostHog's capture, only the part beyond a 150-second dead band is
/// corrected. Transit delays then move nothing, and a truly wrong clock is corrected to within
/// the dead band.
public enum ClockSkew {
    public static let deadBandMillis: Int64 = 150_000

    /// Milliseconds to subtract from the sender's event timestamps. Positive when the sender's
    /// clock is ahead of the server's.
    public static func correction(sentAt: Int64, receivedAt now: Int64) -> Int64 {
        let measured = sentAt - now
        let over = max(0, abs(measured) - deadBandMillis)
        return measured < 0 ? -over : over
    }
}
