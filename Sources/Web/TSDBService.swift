import Logging
import ServiceLifecycle
import TSDB

/// Runs the database's upkeep (head cuts, compaction, retention, WAL fsync) on a timer, and
/// closes it cleanly on shutdown so that the next start replays a tidy WAL.
struct TSDBService: Service {
    let db: DB
    let maintenanceInterval: Duration
    let syncInterval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await loop() }
        do {
            try db.close()
            logger.info("TSDB closed")
        } catch {
            logger.error("closing the TSDB failed: \(error)")
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
                    let db = self.db
                    try await Task.detached { try db.maintain() }.value
                } else {
                    try db.syncWAL()
                }
            } catch {
                logger.error("TSDB maintenance failed: \(error)")
            }
        }
    }
}
