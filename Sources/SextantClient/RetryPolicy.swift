/// How the tracker retries a batch that failed with a 5xx, 408, 429 or a connection error:
/// exponential backoff with jitter, so that many clients coming back after an outage do not
/// all hit the server in the same instant.
///
/// A delivery pass tries one batch up to `maxAttempts` times, waiting `delay(afterAttempt:)`
/// between tries; if it still fails the batch stays first in the queue and the next pass (the
/// next flush interval, or the next `flush()`) starts over. Batches are never dropped for
/// being undeliverable, only by the queue's caps.
public struct RetryPolicy: Sendable, Hashable {
    /// Tries of one batch in one delivery pass, at least 1.
    public var maxAttempts: Int
    /// The wait after the first failure.
    public var initialDelay: Duration
    /// Each further failure multiplies the wait by this, at least 1.
    public var multiplier: Double
    /// The longest wait.
    public var maxDelay: Duration
    /// The fraction of each wait that is random, 0...1: the wait is uniformly distributed in
    /// `[(1 - jitter) * d, d]` where `d` is the exponential delay.
    public var jitter: Double

    public init(maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(500), multiplier: Double = 2,
                maxDelay: Duration = .seconds(30), jitter: Double = 0.5) {
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.jitter = jitter
    }

    /// The wait after failed attempt number `attempt` (1 for the first failure), given a
    /// uniform random number `random` in 0..<1.
    public func delay(afterAttempt attempt: Int, random: Double) -> Duration {
        let cap = seconds(maxDelay)
        var capped = seconds(initialDelay)
        var step = 1
        while step < attempt, capped < cap {
            capped *= multiplier
            step += 1
        }
        capped = min(capped, cap)
        let jittered = capped * (1 - jitter * min(max(random, 0), 1))
        return .nanoseconds(Int64((jittered * 1e9).rounded()))
    }

    func validated() throws(SextantClientError) -> RetryPolicy {
        guard maxAttempts >= 1 else {
            throw SextantClientError(.badConfiguration, "retry.maxAttempts must be at least 1, not \(maxAttempts)")
        }
        guard multiplier >= 1, multiplier.isFinite else {
            throw SextantClientError(.badConfiguration, "retry.multiplier must be a finite number of at least 1, not \(multiplier)")
        }
        guard (0...1).contains(jitter) else {
            throw SextantClientError(.badConfiguration, "retry.jitter must be between 0 and 1, not \(jitter)")
        }
        guard initialDelay >= .zero, maxDelay >= initialDelay else {
            throw SextantClientError(.badConfiguration, "retry delays must satisfy 0 <= initialDelay <= maxDelay")
        }
        return self
    }

    private func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }
}
