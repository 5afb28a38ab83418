import Hummingbird
import Prometheus
import TSDB

/// Health, readiness, self-metrics and the TSDB admin API.
struct AdminRoutes: Sendable {
    let db: DB
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<some RequestContext>) {
        router.get("/-/healthy") { _, _ in "Sextant is Healthy.\n" }
        router.get("/-/ready") { _, _ in "Sextant is Ready.\n" }
        router.get("/metrics") { _, _ in
            db.refreshMetrics()
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        router.post("/api/v1/admin/tsdb/snapshot") { req, _ in
            let skipHead = try await RequestParameters(req).get("skip_head").map { $0 == "true" || $0 == "1" } ?? false
            let name = try await Task.detached { try mapStorageError { try db.snapshot(withHead: !skipHead) } }.value
            return JSONWriter.success { w in
                w.beginObject()
                w.key("name"); w.string(name)
                w.endObject()
            }
        }
    }
}
