import Logging
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Delivery: sending queued batches, retrying, and accounting for what the server answered.
extension EventTracker {
    /// What kind of delivery pass to run.
    enum Pass {
        /// Up to `retry.maxAttempts` tries per batch; graceful shutdown interrupts a request or
        /// a backoff wait (an interrupted batch is sent again by the shutdown pass or after a
        /// restart, and the server deduplicates it).
        case normal
        /// At shutdown: one try per batch, each request bounded by what is left of `deadline`.
        case shutdown(deadline: ContinuousClock.Instant)
    }

    /// One delivery pass: sends queued batches oldest first until the queue is empty (true), or
    /// a batch fails its last try, the deadline passes, or shutdown begins (false).
    @discardableResult
    func deliverQueued(_ pass: Pass) async -> Bool {
        await beginPass()
        defer { endPass() }
        let maxAttempts: Int
        let deadline: ContinuousClock.Instant?
        switch pass {
        case .normal: (maxAttempts, deadline) = (configuration.retry.maxAttempts, nil)
        case .shutdown(let end): (maxAttempts, deadline) = (1, end)
        }
        while let entry = queue.oldest {
            if let deadline, ContinuousClock.now >= deadline { return false }
            guard entry.bytes <= queue.maxBytes else {
                drop(entry, .unreadable, "a queued analytics batch file is larger than the queue's cap", ["file": "\(entry.fileName)"])
                continue
            }
            let content: [UInt8]
            do {
                content = try queue.read(entry)
            } catch {
                drop(entry, .unreadable, "cannot read a queued analytics batch", ["error": "\(error)"])
                continue
            }
            guard Self.isBatchFile(content) else {
                drop(entry, .unreadable, "a queued analytics batch file is damaged", ["file": "\(entry.fileName)"])
                continue
            }
            sending = entry.sequence
            defer { sending = nil }
            var attempt = 0
            while true {
                let outcome: EventSender.Outcome
                if let deadline {
                    let timeout = min(configuration.requestTimeout, ContinuousClock.now.duration(to: deadline))
                    outcome = await sender.send(content, now: Date(), timeout: timeout)
                } else {
                    let (sender, timeout) = (sender, configuration.requestTimeout)
                    outcome = await cancelWhenGracefulShutdown { await sender.send(content, now: Date(), timeout: timeout) }
                }
                if case .failed(let reason) = outcome {
                    attempt += 1
                    metrics.failures.increment()
                    let stopping = Task.isCancelled || Task.isShuttingDownGracefully
                    let stop = attempt >= maxAttempts || stopping
                    // At shutdown the summary line in run() says what is left; no warning each.
                    logger.log(level: stop && !stopping ? .warning : .debug, "analytics batch not delivered",
                               metadata: ["batchId": "\(entry.batchId)", "attempt": "\(attempt)", "reason": "\(reason)"])
                    if stop { return false }
                    let delay = configuration.retry.delay(afterAttempt: attempt, random: .random(in: 0..<1))
                    do {
                        try await cancelWhenGracefulShutdown { [clock] in try await clock.sleep(for: delay) }
                    } catch {
                        return false
                    }
                    continue
                }
                finish(entry, outcome)
                break
            }
        }
        return true
    }

    /// Accounts for a batch the server answered for good, and removes it.
    private func finish(_ entry: BatchQueue.Entry, _ outcome: EventSender.Outcome) {
        switch outcome {
        case .delivered(let reply?):
            metrics.delivered.increment(by: Int64(reply.accepted))
            metrics.rejected.increment(by: Int64(reply.rejected))
            metrics.duplicates.increment(by: Int64(reply.duplicates ?? 0))
            for error in (reply.errors ?? []).prefix(10) {
                logger.warning("analytics event rejected by the server", metadata: [
                    "batchId": "\(entry.batchId)", "index": "\(error.index)", "field": "\(error.field ?? "")",
                    "message": "\(error.message)",
                ])
            }
        case .delivered(nil):
            metrics.delivered.increment(by: Int64(entry.eventCount))
            logger.warning("analytics batch delivered, but the reply was not understood", metadata: ["batchId": "\(entry.batchId)"])
        case .refused(let status, let message):
            metrics.dropped(.refused, entry.eventCount)
            logger.error("analytics batch refused by the server and dropped", metadata: [
                "batchId": "\(entry.batchId)", "status": "\(status)", "events": "\(entry.eventCount)", "message": "\(message)",
            ])
        case .failed:
            preconditionFailure("a failed attempt is retried, not finished")
        }
        remove(entry)
    }

    private func drop(_ entry: BatchQueue.Entry, _ reason: DropReason, _ message: Logger.Message, _ metadata: Logger.Metadata) {
        metrics.dropped(reason, entry.eventCount)
        logger.error(message, metadata: metadata.merging(["events": "\(entry.eventCount)"]) { a, _ in a })
        remove(entry)
    }

    private func remove(_ entry: BatchQueue.Entry) {
        do {
            try queue.remove(entry)
        } catch {
            logger.error("cannot delete a delivered analytics batch; it will be sent again after a restart (the server deduplicates it)",
                         metadata: ["error": "\(error)"])
        }
        updateQueueGauges()
    }

    /// Only one delivery pass runs at a time; later ones wait their turn in order.
    private func beginPass() async {
        if passRunning {
            await withCheckedContinuation { passWaiters.append($0) }
        } else {
            passRunning = true
        }
    }

    private func endPass() {
        if passWaiters.isEmpty {
            passRunning = false
        } else {
            passWaiters.removeFirst().resume()
        }
    }

    /// Whether file content has the shape `BatchQueue` writes: `{"batchId":"…","events":[…]}`.
    static func isBatchFile(_ content: [UInt8]) -> Bool {
        content.starts(with: #"{"batchId":""#.utf8) && content.last == UInt8(ascii: "}")
    }
}
