import EventStore

/// A batch after every check and privacy rule: what goes to the store, and what happened to
/// the rest.
public struct PreparedEvents: Sendable {
    /// Events to store, in batch order.
    public var events: [Event]
    /// Batch index of each of `events`.
    public var indexes: [Int]
    /// Every refused event, in batch order.
    public var problems: [EventProblem]
    /// Valid events not stored because their sender had no consent to track (`canTrack` false).
    public var droppedNoConsent: Int
    /// Milliseconds subtracted from every timestamp to correct the sender's clock.
    public var clockCorrection: Int64
    /// Events in the request.
    public var count: Int
}

extension NativeBatch {
    /// Corrects timestamps for the sender's clock (see `ClockSkew`; only when `clientTimestamp`
    /// was sent), refuses timestamps before 2000 or more than `futureToleranceMillis` after
    /// `now`, and applies the privacy rules. Pure.
    public func prepare(now: Int64, limits: EventLimits, privacy: PrivacyRules, clientIP: String? = nil) -> PreparedEvents {
        let correction = clientTimestamp.map { ClockSkew.correction(sentAt: $0, receivedAt: now) } ?? 0
        var out = PreparedEvents(events: [], indexes: [], problems: problems, droppedNoConsent: 0,
                                 clockCorrection: correction, count: count)
        out.events.reserveCapacity(events.count)
        out.indexes.reserveCapacity(events.count)
        let latest = now + limits.futureToleranceMillis
        var memo = PseudonymMemo()
        for d in events {
            var e = d.event
            e.timestamp -= correction
            if let message = TimestampCheck.problem(e.timestamp, now: now, latest: latest, correction: correction) {
                out.problems.append(EventProblem(index: d.index, field: "timestamp", message: message))
                continue
            }
            guard let kept = privacy.apply(e, consent: d.consent, clientIP: clientIP, memo: &memo) else {
                out.droppedNoConsent += 1
                continue
            }
            out.events.append(kept)
            out.indexes.append(d.index)
        }
        if out.problems.count != problems.count { out.problems.sort { $0.index < $1.index } }
        return out
    }
}

/// The range rule for native event timestamps.
enum TimestampCheck {
    static func problem(_ ts: Int64, now: Int64, latest: Int64, correction: Int64) -> String? {
        let corrected = correction == 0 ? "" : " (after correcting the sender's clock by \(describe(-correction)))"
        if ts < Timestamp.year2000 {
            return "\(Timestamp.format(ts))\(corrected) is before 2000-01-01"
        }
        if ts > latest {
            return "\(Timestamp.format(ts))\(corrected) is more than \(describe(latest - now)) after the server's time \(Timestamp.format(now))"
        }
        return nil
    }

    /// A duration in ms in the largest whole unit: `1d`, `90m`, `1500ms`.
    static func describe(_ ms: Int64) -> String {
        let sign = ms < 0 ? "-" : "+"
        let a = abs(ms)
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where a >= size && a % size == 0 {
            return (ms < 0 ? sign : "") + "\(a / size)\(unit)"
        }
        return (ms < 0 ? sign : "") + "\(a)ms"
    }
}
