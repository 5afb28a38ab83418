import Foundation
import Testing

/// The `influxdb-client` Python library's synchronous write API against the real server; the
/// points are read back with PromQL, and a malformed line comes back as InfluxDB's 400.
@Suite(.serialized) struct InfluxEndToEndTests {
    static let script = #"""
    import sys, time
    from influxdb_client import InfluxDBClient, Point, WritePrecision
    from influxdb_client.client.write_api import SYNCHRONOUS
    from influxdb_client.rest import ApiException

    url = sys.argv[1]
    now = time.time_ns()
    with InfluxDBClient(url=url, token="any", org="acme") as client:
        w = client.write_api(write_options=SYNCHRONOUS)
        w.write(bucket="e2e", record=Point("sensor").tag("room", "lab 1").field("temp", 21.5).field("count", 3)
                .field("ok", True).field("note", "not a number").time(now, WritePrecision.NS))
        w.write(bucket="e2e", record=f"weather,city=Paris\\,FR humidity=0.4 {now // 1_000_000_000}", write_precision=WritePrecision.S)
        try:
            w.write(bucket="e2e", record=["good v=1", "bad,tag v=1", "also_good v=2"])
            print("NO ERROR")
        except ApiException as e:
            print("STATUS", e.status)
            print("BODY", e.body)
    with InfluxDBClient(url=url, token="any", org="acme", enable_gzip=True) as client:
        client.write_api(write_options=SYNCHRONOUS).write(bucket="zipped", record=Point("gz").field("v", 7.0))
    """#

    @Test func clientWritesAreQueryable() async throws {
        let dir = NSTemporaryDirectory() + "sextant-influx-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try ServerProcess(data: dir, port: ServerProcess.freePort())
        defer { server.stop() }
        try await server.waitReady()
        guard let output = try runPython(Self.script, [server.base], needs: ["influxdb_client"], install: "pip install influxdb-client") else { return }
        #expect(output.contains("STATUS 400"), "\(output)")
        #expect(output.contains("line 2, column 8: missing tag value"), "\(output)")
        #expect(output.contains(#""code":"invalid""#), "\(output)")
        #expect(try await queryValue(server, #"sensor_temp{room="lab 1",db="e2e"}"#) == 21.5)
        #expect(try await queryValue(server, #"sensor_count{db="e2e"}"#) == 3)
        #expect(try await queryValue(server, #"sensor_ok{db="e2e"}"#) == 1)
        #expect(try await queryValue(server, #"sensor_note"#) == nil, "string fields are not stored")
        #expect(try await queryValue(server, #"weather_humidity{city="Paris,FR"}"#) == 0.4)
        #expect(try await queryValue(server, #"good_v{db="e2e"}"#) == 1)
        #expect(try await queryValue(server, #"also_good_v{db="e2e"}"#) == 2)
        #expect(try await queryValue(server, #"gz_v{db="zipped"}"#) == 7)
    }
}
