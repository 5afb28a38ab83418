import Logging
import ServiceLifecycle

/// Runs a store's upkeep on a timer and closes it cleanly on shutdown, so that the next start
/// replays a tidy WAL. Used for the TSDB (head cuts, compaction, retention) and the event store
/// (flush, compaction, retention).
///
/// Every `syncInterval` the WAL is fsynced (acknowledged writes already survive a crash of the
/// process; this covers power loss); every `maintenanceInterval` the maintenance runs instead,
/// off the cooperative pool because it writes files.
struct StoreUpkeepService: Service {
    let name: String
    let syncInterval: Duration
    let maintenanceInterval: Duration
    let sync: @Sendable () throws -> Void
    let maintain: @Sendable () throws -> Void
    let close: @Sendable () throws -> Void
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await loop() }
        do {
            try close()
            logger.info("\(name) closed")
        } catch {
            logger.error("closing the \(name) failed: \(error)")
        }
    }

    private func loop() async throws {
        var sinceMaintenance = Duration.zero
        while !Task.isCancelled {
            try await Task.sleep(for: syncInterval)
            sinceMaintenance += syncInterval
            do {
                if sinceMaintenance >= maintenanceInterval {
                    sinceMaintenance = .zero
                    let maintain = self.maintain
                    try await Task.detached { try maintain() }.value
                } else {
                    try sync()
                }
            } catch {
                logger.error("\(name) maintenance failed: \(error)")
            }
        }
    }
}
