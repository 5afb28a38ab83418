import EventStore
import Logging
import ServiceLifecycle

/// Upkeep of the event store: fsyncs its WAL every `syncInterval` (acknowledged events already
/// survive a process crash; this covers power loss), runs `maintain()` (flush, compaction,
/// retention) every `maintenanceInterval`, and closes it cleanly on shutdown.
struct EventStoreService: Service {
    let store: EventStore
    let syncInterval: Duration
    let maintenanceInterval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await loop() }
        do {
            try store.close()
            logger.info("event store closed")
        } catch {
            logger.error("closing the event store failed: \(error)")
        }
    }

    private func loop() async throws {
        var sinceMaintenance = Duration.zero
        while !Task.isCancelled {
            try await Task.sleep(for: syncInterval)
            sinceMaintenance += syncInterval
            do {
                try store.syncWAL()
                if sinceMaintenance >= maintenanceInterval {
                    sinceMaintenance = .zero
                    _ = try store.maintain()
                }
            } catch {
                logger.error("event store upkeep failed: \(error)")
            }
        }
    }
}
